// The row and group logic shared by the x86 variants of the quantize family
// (kernels/quantize/avx2.cpp, avx512.cpp). Per group, in row-major order, exactly as the scalar
// reference: the variant's min / max of the group (rejecting inf / NaN), the scale, inverse and
// zero point from quant_rules.h (scalar), then the codes in SIMD. The group's floats are read from
// memory once; the second pass finds them in L1.
//
// INT4 codes are staged one per byte in a stack buffer covering kStagedCols columns of the row and
// packed into nibbles when the buffer is full or the row ends. That handles every group size in one
// path: a group may start at an odd column (odd group sizes), so that one byte holds nibbles of two
// groups, and a group may straddle two stagings.
//
// A variant supplies `Ops` with static functions:
//   bool minmax(const float* w, size_t n, float* mn, float* mx);   // false on inf / NaN
//   void codes4(const float* w, size_t n, const GroupParams& p, bool asym, uint8_t* codes);
//       // n INT4 codes, one per byte, the nibble as stored (two's complement when symmetric)
//   void pack(const uint8_t* codes, size_t n, uint8_t* packed);
//       // n staged codes -> (n + 1) / 2 bytes; may read the staging buffer up to
//       // kStagedCols + kStagedSlack; codes[n] is 0 when n is odd
//   void codes8(const float* w, size_t n, const GroupParams& p, int8_t* codes);
// Internal linkage only, see kernels/pack/x86_nibbles.h.
#ifndef MONOQUANT_KERNELS_QUANTIZE_X86_QUANTIZE_H
#define MONOQUANT_KERNELS_QUANTIZE_X86_QUANTIZE_H

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "common/formats.h"
#include "common/quant_rules.h"
#include "quantize/quantize.h"
#include "reduce/x86_minmax.h"

namespace mq::kernels::x86 {

constexpr size_t kStagedCols = 1024;  // even, a multiple of every variant's pack step
constexpr size_t kStagedSlack = 128;

// The symmetric / asymmetric code range (as quantize_value takes it).
static inline float int4_code_lo(bool asym) { return asym ? 0.0F : -8.0F; }
static inline float int4_code_hi(bool asym) { return asym ? 15.0F : 7.0F; }

template <class Ops>
static QuantizeResult quantize_int4_rows(const float* w, size_t rows, size_t cols, size_t group,
                                         Scheme scheme, uint8_t* codes, float* scales,
                                         uint8_t* zero_points, size_t* bad_index) {
  const size_t groups = groups_per_row(cols, group);
  const size_t row_bytes = int4_row_bytes(cols);
  const bool asym = scheme == Scheme::asymmetric;
  alignas(64) uint8_t staged[kStagedCols + kStagedSlack] = {};
  for (size_t r = 0; r < rows; ++r) {
    const float* row = w + r * cols;
    uint8_t* out = codes + r * row_bytes;
    size_t staged_from = 0;  // the row's column held in staged[0]; even
    for (size_t g = 0; g < groups; ++g) {
      const size_t begin = g * group;
      const size_t end = begin + group < cols ? begin + group : cols;
      float mn = 0.0F;
      float mx = 0.0F;
      if (!Ops::minmax(row + begin, end - begin, &mn, &mx)) {
        *bad_index = r * cols + begin + first_non_finite(row + begin, end - begin);
        return QuantizeResult::non_finite;
      }
      GroupParams p{};
      if (asym) {
        if (!asymmetric_params(mn, mx, &p)) {
          *bad_index = r * cols + begin;
          return QuantizeResult::range_overflow;
        }
        zero_points[r * groups + g] = static_cast<uint8_t>(p.zp);
      } else {
        p = symmetric_params(std::fmax(std::fabs(mn), std::fabs(mx)), 7.0F);
      }
      scales[r * groups + g] = p.scale;
      for (size_t c = begin; c < end;) {
        const size_t stop = end < staged_from + kStagedCols ? end : staged_from + kStagedCols;
        Ops::codes4(row + c, stop - c, p, asym, staged + (c - staged_from));
        c = stop;
        if (c == staged_from + kStagedCols) {
          Ops::pack(staged, kStagedCols, out + staged_from / 2);
          staged_from = c;
        }
      }
    }
    if (staged_from < cols) {
      const size_t n = cols - staged_from;
      staged[n] = 0;  // the padding nibble of an odd row
      Ops::pack(staged, n, out + staged_from / 2);
    }
  }
  return QuantizeResult::ok;
}

template <class Ops>
static QuantizeResult quantize_int8_rows(const float* w, size_t rows, size_t cols, int8_t* codes,
                                         float* scales, size_t* bad_index) {
  for (size_t r = 0; r < rows; ++r) {
    const float* row = w + r * cols;
    float mn = 0.0F;
    float mx = 0.0F;
    if (!Ops::minmax(row, cols, &mn, &mx)) {
      *bad_index = r * cols + first_non_finite(row, cols);
      return QuantizeResult::non_finite;
    }
    const GroupParams p = symmetric_params(std::fmax(std::fabs(mn), std::fabs(mx)), 127.0F);
    scales[r] = p.scale;
    Ops::codes8(row, cols, p, codes + r * cols);
  }
  return QuantizeResult::ok;
}

}  // namespace mq::kernels::x86

#endif
