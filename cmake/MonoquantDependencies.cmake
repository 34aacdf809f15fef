# Dependencies, all from Debian packages (no network at build time).
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)

# CPU features: cpuinfo on x86-64 through pkg-config (its CMake config in Debian 12 is broken);
# getauxval on aarch64 Linux needs nothing.
add_library(monoquant_cpu_detection INTERFACE)
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
  set(MONOQUANT_ARCH x86_64)
  pkg_check_modules(CPUINFO REQUIRED IMPORTED_TARGET libcpuinfo)
  target_link_libraries(monoquant_cpu_detection INTERFACE PkgConfig::CPUINFO)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64|ARM64)$")
  set(MONOQUANT_ARCH aarch64)
else()
  set(MONOQUANT_ARCH generic)
endif()
message(STATUS "monoquant: architecture ${MONOQUANT_ARCH}")

# xsimd 8.1 links a target named xtl that only xtl-dev provides; an empty stand-in is enough since
# monoquant uses no xtl feature.
if(NOT TARGET xtl)
  find_package(xtl CONFIG QUIET)
  if(NOT TARGET xtl)
    add_library(xtl INTERFACE IMPORTED)
  endif()
endif()
find_package(xsimd CONFIG QUIET)
if(xsimd_FOUND)
  message(STATUS "monoquant: xsimd ${xsimd_VERSION}")
endif()
