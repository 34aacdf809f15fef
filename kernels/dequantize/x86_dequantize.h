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
//   void values(const int8_t* codes, size_t n, int32_t zp, float scale, float* out, bool stream);
//       // out[i] = (float)(codes[i] - zp) * scale, codes from the caller or the staging buffer;
//       // with `stream` (out 64-byte aligned, n a multiple of 16), non-temporal stores
//
//   static constexpr bool kStreamingStores;  // whether `stream` may be set (see below)
//
// Outputs of at least kStreamingStoreBytes per call are written with non-temporal stores (then
// fenced) by the variants that set kStreamingStores, when every group's part of a row starts and
// ends on a 64-byte line (output 64-byte aligned, group size and row length multiples of 16): an
// output that large does not stay in cache for the caller anyway, and streaming stores skip the
// read-for-ownership of every line. Anything else uses ordinary stores. Measured on the Zen 5 test
// machine, in interleaved runs against the better of the plain and non-temporal write bandwidth:
// AVX-512 with aligned lines 0.81-0.91 non-temporal against 0.72-0.85 plain; but with the output
// 16 bytes off a line, the lines shared by two groups (written by ordinary stores beside
// non-temporal ones) dropped it to 0.48 against 0.81 plain, hence the alignment condition. AVX2:
// 0.73-0.77 non-temporal against 0.87-1.0 plain, so it never uses them.
#ifndef MONOQUANT_KERNELS_DEQUANTIZE_X86_DEQUANTIZE_H
#define MONOQUANT_KERNELS_DEQUANTIZE_X86_DEQUANTIZE_H

#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "common/formats.h"

namespace mq::kernels::x86 {

constexpr size_t kStagedCols = 1024;  // even, a multiple of every variant's unpack step
constexpr size_t kStagedSlack = 128;
constexpr size_t kStreamingStoreBytes = size_t{8} << 20;

template <class Ops>
static bool use_streaming_stores(size_t rows, size_t cols, size_t group, const float* out) {
  return Ops::kStreamingStores && rows * cols * sizeof(float) >= kStreamingStoreBytes &&
         reinterpret_cast<uintptr_t>(out) % 64 == 0 && cols % 16 == 0 && group % 16 == 0;
}
template <class Ops>
static void dequantize_int4_rows(const uint8_t* codes, const float* scales,
                                 const uint8_t* zero_points, size_t rows, size_t cols, size_t group,
                                 Scheme scheme, float* out) {
  const size_t groups = groups_per_row(cols, group);
  const size_t row_bytes = int4_row_bytes(cols);
  const bool asym = scheme == Scheme::asymmetric;
  alignas(64) int8_t staged[kStagedCols + kStagedSlack];
  const bool stream = use_streaming_stores<Ops>(rows, cols, group, out);
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
        Ops::values(staged + (begin - from), end - begin, zp, scales[o], row_out + begin, stream);
      }
    }
  }
  if (stream) _mm_sfence();
}

template <class Ops>
static void dequantize_int8_rows(const int8_t* codes, const float* scales, size_t rows, size_t cols,
                                 float* out) {
  const bool stream = use_streaming_stores<Ops>(rows, cols, 16, out);
  for (size_t r = 0; r < rows; ++r) {
    Ops::values(codes + r * cols, cols, 0, scales[r], out + r * cols, stream);
  }
  if (stream) _mm_sfence();
}

}  // namespace mq::kernels::x86

#endif
