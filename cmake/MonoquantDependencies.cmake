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

# JSON of safetensors headers: simdjson, used through its error-code API only. Debian's
# libsimdjson-dev:arm64 cannot be installed next to the amd64 one (both own the same paths), so a
# cross build takes the header (architecture-independent) from the host package and the library
# from libsimdjson14:arm64, which is co-installable.
add_library(monoquant_json INTERFACE)
if(CMAKE_CROSSCOMPILING)
  find_package(simdjson CONFIG QUIET)
else()
  find_package(simdjson CONFIG REQUIRED)
endif()
if(TARGET simdjson::simdjson)
  set(MONOQUANT_SIMDJSON_CONFIG ON)
  target_link_libraries(monoquant_json INTERFACE simdjson::simdjson)
  message(STATUS "monoquant: simdjson ${simdjson_VERSION}")
else()
  set(MONOQUANT_SIMDJSON_CONFIG OFF)
  find_path(MONOQUANT_SIMDJSON_INCLUDE_DIR simdjson.h REQUIRED)
  find_library(MONOQUANT_SIMDJSON_LIBRARY NAMES simdjson libsimdjson.so.14 REQUIRED)
  target_include_directories(monoquant_json INTERFACE ${MONOQUANT_SIMDJSON_INCLUDE_DIR})
  # The definition simdjson's own CMake package sets, so that every user sees the same classes.
  target_compile_definitions(monoquant_json INTERFACE SIMDJSON_THREADS_ENABLED=1)
  target_link_libraries(monoquant_json INTERFACE ${MONOQUANT_SIMDJSON_LIBRARY} Threads::Threads)
  message(STATUS "monoquant: simdjson ${MONOQUANT_SIMDJSON_LIBRARY}, header in "
                 "${MONOQUANT_SIMDJSON_INCLUDE_DIR}")
endif()
