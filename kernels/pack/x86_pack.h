// The row logic shared by the x86 variants of the pack family (kernels/pack/avx2.cpp,
// avx512.cpp). A variant supplies `Stream`, with two static functions that work on one run of codes
// laid out as the canonical format lays out a row:
//   bool pack(const int8_t* values, size_t n, Scheme, uint8_t* packed, size_t* bad);
//   void unpack(const uint8_t* packed, size_t n, Scheme, int8_t* values);
// (`bad` is relative to `values`). With an even column count the rows follow each other without
// padding nibbles in both layouts, so the whole matrix is one run; with an odd count every row is
// its own run. Internal linkage only, see kernels/pack/x86_nibbles.h.
#ifndef MONOQUANT_KERNELS_PACK_X86_PACK_H
#define MONOQUANT_KERNELS_PACK_X86_PACK_H

#include <cstddef>
#include <cstdint>

#include "common/formats.h"

namespace mq::kernels::x86 {

// Offset of the first of values[0, n) outside the scheme's code range, or n when there is none.
static inline size_t first_out_of_range(const int8_t* values, size_t n, Scheme scheme) {
  const int lo = scheme == Scheme::asymmetric ? 0 : -8;
  const int hi = scheme == Scheme::asymmetric ? 15 : 7;
  for (size_t i = 0; i < n; ++i) {
    if (values[i] < lo || values[i] > hi) return i;
  }
  return n;
}

// A value is in the scheme's range exactly when (value + bias) as a byte has no bit of 0xF0 set.
static inline int8_t range_bias(Scheme scheme) { return scheme == Scheme::symmetric ? 8 : 0; }

template <class Stream>
static bool pack_rows(const int8_t* values, size_t rows, size_t cols, Scheme scheme,
                      uint8_t* packed, size_t* bad_index) {
  if (cols % 2 == 0) return Stream::pack(values, rows * cols, scheme, packed, bad_index);
  const size_t row_bytes = int4_row_bytes(cols);
  for (size_t r = 0; r < rows; ++r) {
    size_t bad = 0;
    if (!Stream::pack(values + r * cols, cols, scheme, packed + r * row_bytes, &bad)) {
      *bad_index = r * cols + bad;
      return false;
    }
  }
  return true;
}

template <class Stream>
static void unpack_rows(const uint8_t* packed, size_t rows, size_t cols, Scheme scheme,
                        int8_t* values) {
  if (cols % 2 == 0) {
    Stream::unpack(packed, rows * cols, scheme, values);
    return;
  }
  const size_t row_bytes = int4_row_bytes(cols);
  for (size_t r = 0; r < rows; ++r) {
    Stream::unpack(packed + r * row_bytes, cols, scheme, values + r * cols);
  }
}

}  // namespace mq::kernels::x86

#endif
