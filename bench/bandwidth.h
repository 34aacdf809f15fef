// The memory-bandwidth ceiling, measured in the same run as the kernels it judges: streaming reads
// (or writes) of a buffer of the same footprint with the same thread count, with the widest loads /
// stores this CPU has. Results are memoized per (kind, footprint class, threads) for the process.
#ifndef MONOQUANT_BENCH_BANDWIDTH_H
#define MONOQUANT_BENCH_BANDWIDTH_H

#include <cstddef>
#include <cstdint>

namespace mq::bench {

enum class Traffic { read, write };

// Bytes per second; the median of several timed repetitions.
double bandwidth(Traffic traffic, size_t footprint_bytes, int threads);

// The footprint every "stream" benchmark rotates over: at least this many bytes of distinct
// operands.
constexpr size_t kStreamBytes = size_t{256} << 20;

// The streaming ceiling of one stream benchmark, sampled in slices between its iterations. This
// machine's memory bandwidth drifts by up to 2x within seconds (another tenant's traffic); a
// ceiling measured before or after the kernel ran turns that drift into the ratio, slices spread
// over the same seconds as the kernel's iterations do not. Slices read (or write) kSliceBytes of a
// 512 MiB buffer with the benchmark's thread count, at most once per kIntervalSeconds of the
// benchmark's own work; the rate is their total bytes over their total time.
class StreamCeiling {
 public:
  StreamCeiling(Traffic traffic, int threads) : traffic_(traffic), threads_(threads) {}

  // Reads the whole buffer once, untimed. Pages of it left idle for a second or two (while a
  // benchmark sets up its operands) were read at 1.3-2 GB/s afterwards, with no page fault in the
  // guest: this VM's host takes idle memory back and faults it in again on the next touch. Called
  // before a benchmark's loop, so that the slices measure memory, not the host.
  static void warm();

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
  static constexpr size_t kBufferBytes = kStreamBytes * 2;
  static constexpr int kSettleMilliseconds = 5;

 private:
  struct Sum {
    double bytes = 0;
    double seconds = 0;
  };
  static uint8_t* buffer();
  static void add(Sum& sum, double rate, size_t bytes);

  Traffic traffic_;
  int threads_;
  size_t offset_ = 0;
  int slices_ = 0;
  double work_at_last_ = 0;
  Sum plain_;
  Sum nontemporal_;
};

}  // namespace mq::bench

#endif
