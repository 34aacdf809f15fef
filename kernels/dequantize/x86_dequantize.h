// The row and group logic shared by the x86 variants of the dequantize family
// (kernels/dequantize/avx2.cpp, avx512.cpp).
//
// INT4: a row's codes are unpacked, kStagedCols at a time, into a stack buffer of one signed code
// per byte (sign-extended when symmetric); then every group's part of that window becomes floats
// as (float)(q - zp) * scale: an exact small integer, converted, one multiply, exactly as the
// scalar reference computes it. Any group size works the same way: a group may start at an odd
// column, or straddle two windows.
//
// A variant supplies `Ops` with static functions:
//   void unpack(const uint8_t* packed, size_t n, bool symmetric, int8_t* codes);
//       // n codes from (n + 1) / 2 caller bytes; may write codes up to kStagedCols + kStagedSlack
//   void values(const int8_t* codes, size_t n, int32_t zp, float scale, float* out,
//               bool to_memory);
//       // out[i] = (float)(codes[i] - zp) * scale, codes from the caller or the staging buffer;
//       // to_memory: the whole output is at least kLargeOutputBytes (see below)
//
// An output of kLargeOutputBytes or more does not stay in the caller's cache, and the fastest
// way to write it differs from the fastest way to fill a cache: on the Zen 5 test machine the
// AVX-512 loop with 512-bit stores took 9.0-10.5 ms on 4096 x 11008 (non-temporal or ordinary
// stores alike) where the same variant with 256-bit ordinary stores took 7.9-8.3 ms, while from
// cache (1024 x 1024) the 512-bit loop is the faster one (62 against 74 us). So `to_memory` tells
// a variant which of its loops to use. Non-temporal stores, which earlier sessions measured ahead
// for AVX-512 (0.81-0.91 against 0.72-0.85 of the write ceiling), were behind in every later run
// (store-only loops 17-18 GB/s against 23-25 plain), and AVX2 never gained from them (0.73-0.77
// against 0.87-1.0), so no variant uses them.
#ifndef MONOQUANT_KERNELS_DEQUANTIZE_X86_DEQUANTIZE_H
#define MONOQUANT_KERNELS_DEQUANTIZE_X86_DEQUANTIZE_H

#include <cstddef>
#include <cstdint>

#include "common/formats.h"

namespace mq::kernels::x86 {

constexpr size_t kStagedCols = 1024;  // even, a multiple of every variant's unpack step
constexpr size_t kStagedSlack = 128;
constexpr size_t kLargeOutputBytes = size_t{8} << 20;

static inline bool goes_to_memory(size_t rows, size_t cols) {
  return rows * cols * sizeof(float) >= kLargeOutputBytes;
}

template <class Ops>
static void dequantize_int4_rows(const uint8_t* codes, const float* scales,
                                 const uint8_t* zero_points, size_t rows, size_t cols, size_t group,
                                 Scheme scheme, float* out) {
  const size_t groups = groups_per_row(cols, group);
  const size_t row_bytes = int4_row_bytes(cols);
  const bool asym = scheme == Scheme::asymmetric;
  alignas(64) int8_t staged[kStagedCols + kStagedSlack];
  const bool to_memory = goes_to_memory(rows, cols);
  for (size_t r = 0; r < rows; ++r) {
    const uint8_t* row = codes + r * row_bytes;
    float* row_out = out + r * cols;
    for (size_t from = 0; from < cols; from += kStagedCols) {
      const size_t to = cols - from < kStagedCols ? cols : from + kStagedCols;
      Ops::unpack(row + from / 2, to - from, !asym, staged);
      for (size_t g = from / group; g * group < to; ++g) {
        const size_t begin = g * group > from ? g * group : from;
        const size_t end = to - g * group > group ? g * group + group : to;
        const size_t o = r * groups + g;
        const int32_t zp = asym ? zero_points[o] : 0;
        Ops::values(staged + (begin - from), end - begin, zp, scales[o], row_out + begin,
                    to_memory);
      }
    }
  }
}

template <class Ops>
static void dequantize_int8_rows(const int8_t* codes, const float* scales, size_t rows, size_t cols,
                                 float* out) {
  const bool to_memory = goes_to_memory(rows, cols);
  for (size_t r = 0; r < rows; ++r) {
    Ops::values(codes + r * cols, cols, 0, scales[r], out + r * cols, to_memory);
  }
}

}  // namespace mq::kernels::x86

#endif
