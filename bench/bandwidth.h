// The memory-bandwidth ceiling, measured in the same run as the kernels it judges: streaming reads
// (or writes) of a buffer of the same footprint with the same thread count, with the widest loads /
// stores this CPU has. Results are memoized per (kind, footprint class, threads) for the process.
#ifndef MONOQUANT_BENCH_BANDWIDTH_H
#define MONOQUANT_BENCH_BANDWIDTH_H

#include <cstddef>
#include <cstdint>

namespace mq::bench {

enum class Traffic { read, write };

// Bytes per second; the median of several timed repetitions, memoized for a few seconds. For the
// bandwidth/ benchmarks, which print the ceilings themselves; kernel benchmarks sample theirs
// (SampledCeiling).
double bandwidth(Traffic traffic, size_t footprint_bytes, int threads);

// The footprint every "stream" benchmark rotates over: at least this many bytes of distinct
// operands.
constexpr size_t kStreamBytes = size_t{256} << 20;

// The ceiling of one benchmark, sampled in slices between its iterations. This machine's memory
// bandwidth drifts by up to 2x within seconds (another tenant's traffic), and so does the
// bandwidth of its shared L3 (the other tenants' lines take part of it: the ceiling of one cached
// footprint measured 95 and 174 GB/s ten minutes apart); a ceiling measured before or after the
// kernel ran turns that drift into the ratio, slices spread over the same seconds as the kernel's
// iterations do not. A slice runs at most once per kIntervalSeconds of the benchmark's own work,
// with the benchmark's thread count; the rate is the slices' total bytes over their total time.
//  * stream: a slice reads (or writes) kSliceBytes of a shared 512 MiB buffer, rotating, so that it
//    never finds the previous slice's lines in the cache.
//  * cached: the ceiling owns a buffer of the operand's footprint (rounded to whole pages). A slice
//    passes over it twice untimed (the kernel's iterations since the last slice have evicted it, as
//    the slice evicts the kernel's operand for one iteration; with one pass and 64 MiB timed, the
//    large footprints' ceilings came out below the kernel's own rate), then times passes of about
//    kCachedSliceBytes in all.
class SampledCeiling {
 public:
  SampledCeiling(Traffic traffic, int threads, size_t footprint, bool stream);
  ~SampledCeiling();
  SampledCeiling(const SampledCeiling&) = delete;
  SampledCeiling& operator=(const SampledCeiling&) = delete;

  // Reads the shared stream buffer once, untimed. Pages of it left idle for a second or two (while
  // a benchmark sets up its operands) were read at 1.3-2 GB/s afterwards, with no page fault in the
  // guest: this VM's host takes idle memory back and faults it in again on the next touch. Called
  // before a stream benchmark's loop, so that the slices measure memory, not the host.
  static void warm_stream_buffer();

  // Whether a slice is due: the benchmark has worked kIntervalSeconds since the last one (or there
  // was none yet); `work_seconds` is its work so far.
  bool due(double work_seconds) const {
    return slices_ == 0 || work_seconds - work_at_last_ >= kIntervalSeconds;
  }

  // Runs one slice now. Returns the seconds it took (to be excluded from the benchmark's time).
  double sample(double work_seconds);

  // Bytes per second over every slice so far (one is run if there was none).
  double rate();

  static constexpr double kIntervalSeconds = 0.02;
  static constexpr size_t kSliceBytes = size_t{128} << 20;
  static constexpr size_t kCachedSliceBytes = size_t{256} << 20;
  static constexpr size_t kBufferBytes = kStreamBytes * 2;
  static constexpr int kSettleMilliseconds = 5;

 private:
  struct Sum {
    double bytes = 0;
    double seconds = 0;
  };
  static uint8_t* stream_buffer();
  static void add(Sum& sum, double rate, double bytes);
  void sample_stream();
  void sample_cached();

  Traffic traffic_;
  int threads_;
  bool stream_;
  uint8_t* own_ = nullptr;  // the cached buffer
  size_t own_bytes_ = 0;
  size_t offset_ = 0;  // of the next stream slice
  int slices_ = 0;
  double work_at_last_ = 0;
  Sum plain_;
  Sum nontemporal_;
};

}  // namespace mq::bench

#endif
