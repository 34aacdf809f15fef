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

// The timing of a benchmark's loop and the ceiling it is judged by. Wall time: the library's own
// threads do part of the work, so rates are per wall-clock second. The ceiling is sampled between
// iterations (SampledCeiling: from memory for a stream benchmark, a buffer of the operand's
// footprint for a cached one); the slices are excluded from the loop's time and from Google
// Benchmark's timer.
class Measurement {
 public:
  // Started just before the loop. `footprint` is the bytes one iteration touches.
  Measurement(Traffic traffic, size_t footprint, bool stream, int threads);

  // After every iteration.
  void after_iteration(benchmark::State& state);

  // Sets bytes_per_second and GBps (the loop's rate of `bytes_per_iteration`), ceiling_GBps and
  // ceiling_ratio (plain numbers, not per-second rates).
  void set_counters(benchmark::State& state, double bytes_per_iteration);

 private:
  double work_seconds() const;

  SampledCeiling ceiling_;
  double excluded_seconds_ = 0;
  std::chrono::steady_clock::time_point start_;
};

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

// A 64-byte aligned byte buffer (operands of the elementwise benchmarks: std::vector memory of this
// size starts 16 bytes off a cache line, which some kernels pay for; callers usually pass aligned
// arrays).
class AlignedBytes {
 public:
  explicit AlignedBytes(size_t bytes);
  ~AlignedBytes();
  AlignedBytes(AlignedBytes&& other) noexcept : data_(other.data_), size_(other.size_) {
    other.data_ = nullptr;
  }
  AlignedBytes(const AlignedBytes&) = delete;
  AlignedBytes& operator=(const AlignedBytes&) = delete;
  AlignedBytes& operator=(AlignedBytes&&) = delete;
  uint8_t* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  uint8_t* data_;
  size_t size_;
};

}  // namespace mq::bench

#endif
