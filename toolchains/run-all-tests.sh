#!/usr/bin/env bash
# Sets up, builds and runs every test of monoquant (the README's second command; .ci/run calls it):
#   1. the release build's whole ctest suite (kernels, C API, MONOQUANT_ISA, the C99 client, exported
#      symbols, the tool);
#   2. on x86-64, the test binaries again on emulated CPUs: qemu-x86_64 -cpu Haswell-v4 (AVX2, no
#      AVX-512) and -cpu Nehalem (no AVX): the dispatcher must pick the lower variants, and any AVX-512
#      instruction that leaked into baseline code dies with SIGILL;
#   3. the asan preset (AddressSanitizer + UndefinedBehaviorSanitizer) suite, and the ABI of its
#      (debug-info) shared library against the committed baseline;
#   4. the aarch64 cross build, its suite under qemu-aarch64 for several CPU models (when the cross tools
#      are installable; the output says when they are not);
#   5. an install to a staging prefix, and a consumer project built against it with find_package
#      (shared and static) and with pkg-config;
#   6. a smoke run of monoquant_bench (correct output, no timing claims);
#   7. clang-format on every source file.
# Any failing step fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n=== %s (%s)\n' "$1" "$(date +%H:%M:%S)"; }

step "setup"
toolchains/setup-dependencies.sh --tests
arm=1
if ! toolchains/setup-dependencies.sh --arm; then
  arm=0
  echo "setup: the aarch64 cross tools are not installable here; the Arm runs are SKIPPED"
fi

step "release build and tests"
cmake --preset release
cmake --build --preset release
ctest --preset release -j2

if [ "$(uname -m)" = x86_64 ]; then
  for cpu in Haswell-v4 Nehalem; do
    step "x86 fallback: test binaries under qemu-x86_64 -cpu $cpu"
    for t in monoquant_kernel_tests monoquant_api_tests; do
      qemu-x86_64 -cpu "$cpu" "build/release/tests/$t" --gtest_brief=1 2>&1 |
        grep -v "TCG doesn't support requested feature" | tail -n 3
    done
    qemu-x86_64 -cpu "$cpu" build/release/tools/monoquant cpu 2>/dev/null
  done
fi

step "asan build and tests"
cmake --preset asan
cmake --build --preset asan
ctest --preset asan -j2

step "ABI against the committed baseline"
tests/abi/check-abi.sh build/asan/libmonoquant.so

if [ "$arm" = 1 ]; then
  step "aarch64 cross build and tests under qemu-aarch64"
  cmake --preset aarch64
  cmake --build --preset aarch64
  if [ -x toolchains/run-aarch64-tests.sh ]; then
    toolchains/run-aarch64-tests.sh build/aarch64
  else
    ctest --preset aarch64 -j2
  fi
fi

step "install and consume"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cmake --install build/release --prefix "$stage/prefix" >/dev/null
PKG_CONFIG_PATH="$stage/prefix/lib/pkgconfig" cmake -S tests/install -B "$stage/consumer" -G Ninja \
  -DCMAKE_PREFIX_PATH="$stage/prefix" >/dev/null
cmake --build "$stage/consumer" >/dev/null
for variant in shared static pkgconfig; do
  LD_LIBRARY_PATH="$stage/prefix/lib" "$stage/consumer/consumer_$variant"
done

step "benchmark smoke run"
build/release/bench/monoquant_bench --benchmark_filter='(gemv|quantize)/.*/1024x1024/.*t1/cached' \
  --benchmark_min_time=0.01 | tail -n 6

step "clang-format"
git ls-files '*.h' '*.cpp' '*.c' | xargs clang-format --dry-run --Werror

step "all tests passed"
