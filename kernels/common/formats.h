// The canonical formats' enums and size arithmetic, shared by every kernel family.
//
// Everything in this header has internal linkage (`static`). ISA translation units include it, and
// an inline function with external linkage compiled there could be the copy the linker keeps for
// baseline code too, running an AVX-512 instruction before the CPU check.
#ifndef MONOQUANT_KERNELS_COMMON_FORMATS_H
#define MONOQUANT_KERNELS_COMMON_FORMATS_H

#include <cstddef>
#include <cstdint>

namespace mq::kernels {

// Values equal the public mq_scheme / mq_format values.
enum class Scheme : uint32_t { symmetric = 0, asymmetric = 1 };
enum class Format : uint32_t { int4 = 1, int8_rows = 2 };

static constexpr size_t ceil_div(size_t a, size_t b) { return (a + b - 1) / b; }

// Bytes of one canonical INT4 row: two codes per byte, an odd column count leaves the last high
// nibble 0.
static constexpr size_t int4_row_bytes(size_t cols) { return (cols + 1) / 2; }

// Groups of one row; the last group may be shorter than `group`.
static constexpr size_t groups_per_row(size_t cols, size_t group) { return ceil_div(cols, group); }

// INT8 compute mode quantizes x in blocks of this many columns; blocks restart at every group
// start, so the last block of a group may be shorter.
static constexpr size_t kActBlock = 32;

static constexpr size_t act_blocks_per_group(size_t group) { return ceil_div(group, kActBlock); }

}  // namespace mq::kernels

#endif
