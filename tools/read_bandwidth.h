// The machine's streaming read bandwidth, measured by the tool itself in the same run as the
// benchmarks it is the ceiling of (a ratio measured in one run survives a noisy machine; an
// absolute figure does not).
#ifndef MONOQUANT_TOOLS_READ_BANDWIDTH_H
#define MONOQUANT_TOOLS_READ_BANDWIDTH_H

#include <cstdint>

namespace mq::tool {

// Bytes per second of the fastest of `passes` reads of a `bytes`-byte buffer, split between
// `threads` threads (each sums its slice; the sums are kept so that the reads are not optimised
// away).
double measure_read_bandwidth(uint64_t bytes, uint32_t threads, int passes);

}  // namespace mq::tool

#endif
