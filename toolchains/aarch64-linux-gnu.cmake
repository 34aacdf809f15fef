# Cross-build for aarch64 Linux with Debian's cross compiler and multiarch arm64 libraries; every
# test and benchmark then runs under user-mode qemu (QEMU_CPU picks the emulated CPU).
#   apt-get install g++-aarch64-linux-gnu qemu-user
#   dpkg --add-architecture arm64 && apt-get update
#   apt-get install libgtest-dev:arm64 libbenchmark-dev:arm64 libxsimd-dev:arm64 libsimdjson14:arm64
#   (simdjson.h comes from the host's libsimdjson-dev: libsimdjson-dev:arm64 conflicts with it)
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

# Search the arm64 multiarch directories for libraries and packages, never the host's x86-64 ones.
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu /usr)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(CMAKE_IGNORE_PATH /usr/lib/x86_64-linux-gnu /lib/x86_64-linux-gnu)
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig)

# "-L /": the multiarch libc6:arm64 provides the loader and libc at their usual paths.
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64 -L /)
