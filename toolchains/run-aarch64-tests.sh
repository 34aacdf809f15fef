#!/usr/bin/env bash
# Runs the whole aarch64 test suite under user-mode qemu once per emulated CPU model, and reports
# which kernel variant every family picks on each of them.
#
#   toolchains/run-aarch64-tests.sh [BUILD_DIR]        (default: build/aarch64)
#
# BUILD_DIR is an aarch64 cross build (cmake --preset aarch64 && cmake --build --preset aarch64);
# its CTest files already run every test through qemu-aarch64 (CMAKE_CROSSCOMPILING_EMULATOR of
# toolchains/aarch64-linux-gnu.cmake), and QEMU_CPU picks the emulated CPU:
#   max          NEON + dot product + i8mm (+ SVE)     -> the best Arm variants
#   cortex-a72   Armv8.0 NEON, no dot product          -> the plain NEON fallback must be chosen
#   neoverse-n1  NEON + dot product, no i8mm / SVE
# When the build has monoquant_bench, each model also runs a few tiny benchmarks of the Arm
# variants as a smoke test (it proves they run; an emulator's timings mean nothing).
#
# Installs nothing. Needs qemu-aarch64 and ctest on PATH and the arm64 multiarch libc (see the
# toolchain file for the Debian packages). Environment:
#   MQ_QEMU_CPUS   the models to run (default "max cortex-a72 neoverse-n1")
#   MQ_CTEST_JOBS  parallel ctest jobs (default 2)
#   MQ_BENCH_SMOKE 0 to skip the benchmark smoke test (default 1)
# Exits non-zero when any run fails. The last line reads "qemu-aarch64: P passed, F failed, S skipped"
# summed over the models.
set -u -o pipefail

build_dir="${1:-build/aarch64}"
cpus="${MQ_QEMU_CPUS:-max cortex-a72 neoverse-n1}"
jobs="${MQ_CTEST_JOBS:-2}"
bench_smoke="${MQ_BENCH_SMOKE:-1}"

die() {
  echo "run-aarch64-tests: $*" >&2
  exit 2
}

command -v qemu-aarch64 >/dev/null || die "qemu-aarch64 not found (Debian: qemu-user)"
command -v ctest >/dev/null || die "ctest not found"
[[ -f "$build_dir/CMakeCache.txt" ]] || die "$build_dir is not a CMake build directory"
grep -q '^CMAKE_SYSTEM_PROCESSOR:.*=aarch64$' "$build_dir/CMakeCache.txt" ||
  grep -q 'aarch64-linux-gnu.cmake' "$build_dir/CMakeCache.txt" ||
  die "$build_dir is not an aarch64 cross build (cmake --preset aarch64)"
kernel_tests="$build_dir/tests/monoquant_kernel_tests"
[[ -x "$kernel_tests" ]] || die "$kernel_tests is missing: build first (cmake --build --preset aarch64)"
[[ -e /lib/ld-linux-aarch64.so.1 ]] || die "the arm64 loader is missing (Debian: libc6:arm64)"

log_dir="$build_dir/qemu-logs"
mkdir -p "$log_dir"
total_pass=0
total_fail=0
total_skip=0
status=0
summary=()

for cpu in $cpus; do
  echo "=== QEMU_CPU=$cpu"
  # The kernel each family runs here, as the public C API reports it (tests/kernels/
  # dispatch_neon_test.cpp prints it and checks it against the CPU's features).
  if ! QEMU_CPU="$cpu" qemu-aarch64 -L / "$kernel_tests" --gtest_filter='DispatchNeon.*' \
    >"$log_dir/kernels-$cpu.log" 2>&1; then
    echo "  kernel report failed (see $log_dir/kernels-$cpu.log)"
    status=1
  fi
  sed -n 's/^\[monoquant-kernel\] /  kernel: /p' "$log_dir/kernels-$cpu.log"
  if [[ -x "$build_dir/tools/monoquant" ]]; then
    QEMU_CPU="$cpu" qemu-aarch64 -L / "$build_dir/tools/monoquant" cpu 2>&1 | sed 's/^/  monoquant cpu: /'
  fi

  start=$(date +%s)
  QEMU_CPU="$cpu" ctest --test-dir "$build_dir" -j "$jobs" --output-on-failure \
    >"$log_dir/ctest-$cpu.log" 2>&1
  rc=$?
  seconds=$(($(date +%s) - start))
  # "100% tests passed, 0 tests failed out of 128"
  line=$(grep -E 'tests passed, [0-9]+ tests? failed out of [0-9]+' "$log_dir/ctest-$cpu.log" | tail -1)
  if [[ -z "$line" ]]; then
    echo "  ctest produced no summary (exit $rc); see $log_dir/ctest-$cpu.log"
    tail -20 "$log_dir/ctest-$cpu.log"
    status=1
    summary+=("$cpu: no result")
    continue
  fi
  failed=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")
  count=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\2/' <<<"$line")
  skipped=$(grep -cE '^\s*[0-9]+ - .*\((Skipped|Not Run)\)$' "$log_dir/ctest-$cpu.log")
  passed=$((count - failed - skipped))
  total_pass=$((total_pass + passed))
  total_fail=$((total_fail + failed))
  total_skip=$((total_skip + skipped))
  echo "  ctest: $count tests: $passed passed, $failed failed, $skipped skipped (${seconds}s)"
  if [[ $rc -ne 0 || $failed -ne 0 ]]; then
    status=1
    sed -n '/The following tests FAILED/,$p' "$log_dir/ctest-$cpu.log"
  fi
  summary+=("$cpu: $passed passed, $failed failed, $skipped skipped")

  bench="$build_dir/bench/monoquant_bench"
  if [[ "$bench_smoke" != 0 && -x "$bench" ]]; then
    # A few cached 1024x1024 benchmarks of the Arm variants this CPU runs, one iteration each.
    if QEMU_CPU="$cpu" qemu-aarch64 -L / "$bench" \
      --benchmark_filter='/neon[^/]*/1024x1024/.*t1/cached' --benchmark_min_time=0.001 \
      >"$log_dir/bench-$cpu.log" 2>&1; then
      n=$(grep -cE '^(gemv|gemm|quantize|reduce|dequantize|unpack|pack)/' "$log_dir/bench-$cpu.log")
      echo "  bench smoke: $n benchmarks ran (timings under an emulator are not measurements)"
      if [[ $n -eq 0 ]]; then
        echo "  bench smoke ran no benchmark"
        status=1
      fi
    else
      echo "  bench smoke failed (see $log_dir/bench-$cpu.log)"
      tail -5 "$log_dir/bench-$cpu.log"
      status=1
    fi
  fi
done

echo "=== summary"
for s in "${summary[@]}"; do echo "  $s"; done
echo "qemu-aarch64: $total_pass passed, $total_fail failed, $total_skip skipped"
exit $status
