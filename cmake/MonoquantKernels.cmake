# Kernel families and their per-ISA variants.
#
# A family lives in kernels/<family>/ with a scalar reference (scalar.cpp) and a kernel list
# (<family>_list.cpp). A variant is the file kernels/<family>/<isa>.cpp; when it exists it is compiled
# with that ISA's flags (and only those files get them: baseline code never sees an ISA flag) and
# MQ_HAVE_<FAMILY>_<ISA> is defined so that the kernel list names it. Helper files of a variant,
# kernels/<family>/<isa>_<anything>.cpp, get the same flags.
#
# Families are found, not listed: every folder kernels/<family>/ that holds a <family>_list.cpp.
file(GLOB _family_lists CONFIGURE_DEPENDS "${CMAKE_CURRENT_LIST_DIR}/../kernels/*/*_list.cpp")
set(MONOQUANT_KERNEL_FAMILIES)
foreach(_list IN LISTS _family_lists)
  get_filename_component(_dir "${_list}" DIRECTORY)
  get_filename_component(_family "${_dir}" NAME)
  if(EXISTS "${_dir}/${_family}_list.cpp")
    list(APPEND MONOQUANT_KERNEL_FAMILIES ${_family})
  endif()
endforeach()
list(REMOVE_DUPLICATES MONOQUANT_KERNEL_FAMILIES)

set(MONOQUANT_ISA_FLAGS_avx2 -mavx2 -mfma -mf16c)
set(MONOQUANT_ISA_FLAGS_avx512 -mavx2 -mfma -mf16c -mavx512f -mavx512cd -mavx512bw -mavx512dq
                               -mavx512vl)
set(MONOQUANT_ISA_FLAGS_avx512vnni ${MONOQUANT_ISA_FLAGS_avx512} -mavx512vnni)
set(MONOQUANT_ISA_FLAGS_neon -march=armv8-a)
set(MONOQUANT_ISA_FLAGS_neon_dotprod -march=armv8.2-a+dotprod)
set(MONOQUANT_ISA_FLAGS_neon_i8mm -march=armv8.2-a+dotprod+i8mm)

if(MONOQUANT_ARCH STREQUAL "x86_64")
  set(MONOQUANT_ISAS avx2 avx512 avx512vnni)
elseif(MONOQUANT_ARCH STREQUAL "aarch64")
  set(MONOQUANT_ISAS neon neon_dotprod neon_i8mm)
else()
  set(MONOQUANT_ISAS)
endif()

function(monoquant_add_isa_kernels target)
  set(found)
  foreach(family IN LISTS MONOQUANT_KERNEL_FAMILIES)
    foreach(isa IN LISTS MONOQUANT_ISAS)
      set(main "${CMAKE_CURRENT_SOURCE_DIR}/kernels/${family}/${isa}.cpp")
      if(NOT EXISTS "${main}")
        continue()
      endif()
      file(GLOB helpers CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/kernels/${family}/${isa}_*.cpp")
      # neon_*.cpp would also match the other variants neon_dotprod.cpp and neon_i8mm.cpp.
      foreach(other IN LISTS MONOQUANT_ISAS)
        list(FILTER helpers EXCLUDE REGEX "/${other}\\.cpp$")
      endforeach()
      target_sources(${target} PRIVATE "${main}" ${helpers})
      set_source_files_properties("${main}" ${helpers} PROPERTIES
        COMPILE_OPTIONS "${MONOQUANT_ISA_FLAGS_${isa}}")
      string(TOUPPER "MQ_HAVE_${family}_${isa}" define)
      target_compile_definitions(${target} PRIVATE ${define})
      list(APPEND found "${family}/${isa}")
    endforeach()
  endforeach()
  if(found AND NOT xsimd_FOUND)
    message(FATAL_ERROR "monoquant: the ISA kernels need xsimd (Debian: libxsimd-dev)")
  endif()
  if(found)
    target_link_libraries(${target} PRIVATE xsimd)
  endif()
  message(STATUS "monoquant: ISA kernels: ${found}")
endfunction()
