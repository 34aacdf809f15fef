// Shared pieces of the benchmarks: names, counters, contexts per variant, and rotating operand
// copies.
//
// A benchmark's name reads
// <family>/<mode>/<isa>/<N>x<K>/g<group>/[m<batch>/]t<threads>/<stream|cached>. Each reports
// bytes_per_second (the bytes of the operand that dominates the traffic) and ceiling_ratio: that
// rate divided by the streaming bandwidth measured in this same run for the same footprint and
// thread count (reads, or writes for a kernel whose output dominates).
#ifndef MONOQUANT_BENCH_BENCH_SUPPORT_H
#define MONOQUANT_BENCH_BENCH_SUPPORT_H

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "bandwidth.h"
#include "common/isa.h"
#include "monoquant/monoquant.h"

namespace mq::bench {

struct MatrixSize {
  size_t rows;
  size_t cols;
};

// The LLM projection shapes (N x K) every family is measured on.
const std::vector<MatrixSize>& llm_shapes();

struct BenchId {
  std::string family;
  std::string mode;
  std::string isa;
  MatrixSize size;
  size_t group;  // 0 = not applicable
  size_t batch;  // 0 = not applicable
  int threads;
  bool stream;
};

std::string bench_name(const BenchId& id);

// How many distinct copies of an operand of `bytes` rotate through a stream benchmark (together at
// least kStreamBytes), or 1 for a cached one.
size_t copies_for(size_t bytes, bool stream);

// Wall time of a benchmark's timing loop (started just before it). The library's own threads do
// part of the work, so rates are per wall-clock second.
class WallClock {
 public:
  WallClock() : start_(std::chrono::steady_clock::now()) {}
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

// Sets bytes_per_second (GB/s) and ceiling_ratio (plain numbers, not per-second rates) from the
// loop's wall time. `footprint` is the bytes one iteration touches (ignored when streaming, where
// the ceiling is the from-memory bandwidth).
void set_counters(benchmark::State& state, double seconds, double bytes_per_iteration,
                  Traffic traffic, size_t footprint, bool stream, int threads);

// A context capped at `isa` with `threads` threads; aborts the benchmark run (never the library) if
// it cannot be made.
mq_context* make_context(kernels::Isa isa, int threads);

// Whether, under a context capped at `isa`, `family` runs the variant named `name` for this shape.
bool selects(kernels::Isa isa, mq_kernel_family family, size_t cols, size_t group,
             const char* name);

// Deterministic pseudo-random Gaussian-ish floats (a sum of uniforms), cheap enough for 50M values.
std::vector<float> bench_weights(size_t n, uint32_t seed);

// Registers `fn` under `id`'s name with real-time measurement.
template <class Fn>
void register_bench(const BenchId& id, Fn&& fn) {
  benchmark::RegisterBenchmark(bench_name(id).c_str(), std::forward<Fn>(fn))
      ->UseRealTime()
      ->Unit(benchmark::kMicrosecond);
}

void check(mq_status status, const char* what);

}  // namespace mq::bench

#endif
