# Installation: header, shared and static libraries, a CMake package (find_package(monoquant)) and a
# pkg-config file (pkg-config --libs monoquant).
include(CMakePackageConfigHelpers)

install(DIRECTORY include/monoquant DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS monoquant monoquant_static EXPORT monoquantTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
# The static library's link interface names these; install them as interface targets so the
# exported set is complete (the consumer's config finds cpuinfo, simdjson and Threads itself).
install(TARGETS monoquant_cpu_detection monoquant_json EXPORT monoquantTargets)
install(EXPORT monoquantTargets NAMESPACE monoquant::
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/monoquant)

configure_package_config_file(cmake/monoquantConfig.cmake.in
  "${CMAKE_CURRENT_BINARY_DIR}/monoquantConfig.cmake"
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/monoquant)
write_basic_package_version_file("${CMAKE_CURRENT_BINARY_DIR}/monoquantConfigVersion.cmake"
  COMPATIBILITY SameMajorVersion)
install(FILES "${CMAKE_CURRENT_BINARY_DIR}/monoquantConfig.cmake"
              "${CMAKE_CURRENT_BINARY_DIR}/monoquantConfigVersion.cmake"
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/monoquant)

# The .pc file finds its prefix from its own location, so the install can be relocated.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(MONOQUANT_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH _up "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/prefix")
  string(REGEX REPLACE "/$" "" _up "${_up}")
  set(MONOQUANT_PC_PREFIX "\${pcfiledir}/${_up}")
endif()
configure_file(cmake/monoquant.pc.in "${CMAKE_CURRENT_BINARY_DIR}/monoquant.pc" @ONLY)
install(FILES "${CMAKE_CURRENT_BINARY_DIR}/monoquant.pc"
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
