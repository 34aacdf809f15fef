// The memory-bandwidth ceiling, measured in the same run as the kernels it judges: streaming reads
// (or writes) of a buffer of the same footprint with the same thread count, with the widest loads /
// stores this CPU has. Results are memoized per (kind, footprint class, threads) for the process.
#ifndef MONOQUANT_BENCH_BANDWIDTH_H
#define MONOQUANT_BENCH_BANDWIDTH_H

#include <cstddef>

namespace mq::bench {

enum class Traffic { read, write };

// Bytes per second; the median of several timed repetitions.
double bandwidth(Traffic traffic, size_t footprint_bytes, int threads);

// The footprint every "stream" benchmark rotates over: at least this many bytes of distinct
// operands.
constexpr size_t kStreamBytes = size_t{256} << 20;

}  // namespace mq::bench

#endif
