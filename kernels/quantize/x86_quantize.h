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
// Codes are computed in integers: round(w * inv), rounded to nearest even while converted to int32
// (AVX-512: embedded {rn-sae}; AVX2: the MXCSR mode, which fp_env.h makes the default), is narrowed
// to bytes with signed saturation, then the zero point (asymmetric) is added and the result
// clamped, on bytes. That is the reference's float expression clamp(round(w * inv) + zp, lo, hi)
// exactly, because for every weight of the group its parameters come from, |w * inv| is at most
// max_code times a few ulps over 1 (|w| <= absmax and inv = 1 / (absmax / max_code); or
// |w| <= hi - lo and inv = 1 / ((hi - lo) / 15)): every intermediate is a small exact integer,
// nothing saturates, and the zero point is added with saturation all the same.
//
// A variant supplies `Ops` with
//   static constexpr size_t kLanes;   // groups per tile, at most kTileSlack
//   bool minmax(const float* w, size_t n, float* mn, float* mx, StreamPrefetch* pf);
//       // false on inf / NaN
//   bool tile(const float* w, size_t group, size_t count, float* mins, float* maxs,
//             StreamPrefetch* pf);
//       // count <= kLanes full groups (group a multiple of kLanes): their minima and maxima, a
//       // whole vector stored at mins / maxs; false when one of them holds inf / NaN
//   void codes4(const float* w, size_t n, const GroupParams& p, bool asym, uint8_t* codes,
//               StreamPrefetch* pf);
//       // n INT4 codes, one per byte, whose low nibble is the nibble as stored
//   static constexpr size_t kPackStep;  // codes per packing step of codes4_packed
//   void codes4_packed(const float* w, size_t group, size_t count, const GroupParams* params,
//                      bool asym, uint8_t* packed, StreamPrefetch* pf);
//       // count consecutive full groups whose size is a multiple of kPackStep, straight into
//       // canonical bytes (the path of the usual group sizes 128, 256, ...)
//   void pack(const uint8_t* codes, size_t n, uint8_t* packed);
//       // n staged codes (low nibbles) -> (n + 1) / 2 bytes; may read the staging buffer up
//       // to kStagedCols + kStagedSlack; codes[n] is 0 when n is odd
//   void codes8(const float* w, size_t n, const GroupParams& p, int8_t* codes,
//               StreamPrefetch* pf);
// Both passes step the stream prefetch (kernels/reduce/x86_minmax.h), at rate 32.
// Internal linkage only, see kernels/pack/x86_nibbles.h.
#ifndef MONOQUANT_KERNELS_QUANTIZE_X86_QUANTIZE_H
#define MONOQUANT_KERNELS_QUANTIZE_X86_QUANTIZE_H

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

// Groups are handled in batches of up to kBatchGroups groups and kBatchCols columns: first the
// min / max of every group of the batch (with the variant's tile reduction when the group size is a
// multiple of its vector width), then the parameters, in order (independent of each other, so the
// out-of-order core overlaps their divisions), then the codes, from L1. Errors keep the reference's
// order: the first group that fails (non-finite, or else range overflow) ends the call.
constexpr size_t kBatchGroups = 64;
constexpr size_t kBatchCols = 2048;
constexpr size_t kTileSlack = 16;  // a tile stores whole vectors of minima / maxima

template <class Ops>
static QuantizeResult quantize_int4_rows(const float* w, size_t rows, size_t cols, size_t group,
                                         Scheme scheme, uint8_t* codes, float* scales,
                                         uint8_t* zero_points, size_t* bad_index) {
  const size_t groups = groups_per_row(cols, group);
  const size_t tiled = group % Ops::kLanes == 0 ? cols / group : 0;  // full groups
  const size_t row_bytes = int4_row_bytes(cols);
  const bool asym = scheme == Scheme::asymmetric;
  alignas(64) uint8_t staged[kStagedCols + kStagedSlack] = {};
  alignas(64) float mins[kBatchGroups + kTileSlack];
  alignas(64) float maxs[kBatchGroups + kTileSlack];
  GroupParams params[kBatchGroups];
  StreamPrefetch pf = stream_prefetch(w, 32, kBatchCols * sizeof(float) / 2);
  for (size_t r = 0; r < rows; ++r) {
    const float* row = w + r * cols;
    uint8_t* out = codes + r * row_bytes;
    size_t staged_from = 0;  // the row's column held in staged[0]; even
    for (size_t first = 0; first < groups;) {
      size_t last = first + 1;
      size_t batch_cols = group;
      while (last < groups && last - first < kBatchGroups && batch_cols + group <= kBatchCols) {
        batch_cols += group;
        ++last;
      }
      // Min / max of the batch; `failed` is its first group holding inf or NaN.
      size_t g = first;
      while (g < last && g < tiled) {
        const size_t end = last < tiled ? last : tiled;
        const size_t count = end - g < Ops::kLanes ? end - g : Ops::kLanes;
        if (!Ops::tile(row + g * group, group, count, mins + (g - first), maxs + (g - first),
                       &pf)) {
          break;  // the group-by-group loop finds the group
        }
        g += count;
      }
      size_t failed = last;
      for (; g < last; ++g) {
        const size_t begin = g * group;
        const size_t end = begin + group < cols ? begin + group : cols;
        if (!Ops::minmax(row + begin, end - begin, mins + (g - first), maxs + (g - first), &pf)) {
          failed = g;
          break;
        }
      }
      // Parameters, in order, up to the failing group.
      for (g = first; g < failed; ++g) {
        const float mn = mins[g - first];
        const float mx = maxs[g - first];
        GroupParams& p = params[g - first];
        if (asym) {
          if (!asymmetric_params(mn, mx, &p)) {
            *bad_index = r * cols + g * group;
            return QuantizeResult::range_overflow;
          }
          zero_points[r * groups + g] = static_cast<uint8_t>(p.zp);
        } else {
          p = symmetric_params(absmax_of(mn, mx), 7.0F);
        }
        scales[r * groups + g] = p.scale;
      }
      if (failed < last) {
        const size_t begin = failed * group;
        const size_t end = begin + group < cols ? begin + group : cols;
        *bad_index = r * cols + begin + first_non_finite(row + begin, end - begin);
        return QuantizeResult::non_finite;
      }
      // Codes of the batch: straight into canonical bytes when every group of the batch is full
      // and a whole number of packing steps (nothing is staged then); otherwise staged, and packed
      // whenever the staging window is full.
      if (group % Ops::kPackStep == 0 && last <= tiled && staged_from == first * group) {
        Ops::codes4_packed(row + first * group, group, last - first, params, asym,
                           out + first * group / 2, &pf);
        staged_from = last * group;
        first = last;
        continue;
      }
      for (g = first; g < last; ++g) {
        const size_t begin = g * group;
        const size_t end = begin + group < cols ? begin + group : cols;
        for (size_t c = begin; c < end;) {
          const size_t stop = end < staged_from + kStagedCols ? end : staged_from + kStagedCols;
          Ops::codes4(row + c, stop - c, params[g - first], asym, staged + (c - staged_from), &pf);
          c = stop;
          if (c == staged_from + kStagedCols) {
            Ops::pack(staged, kStagedCols, out + staged_from / 2);
            staged_from = c;
          }
        }
      }
      first = last;
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
  const size_t half_row = cols * sizeof(float) / 2;
  StreamPrefetch pf = stream_prefetch(w, 32, half_row < kPrefetchAhead ? half_row : kPrefetchAhead);
  for (size_t r = 0; r < rows; ++r) {
    const float* row = w + r * cols;
    float mn = 0.0F;
    float mx = 0.0F;
    if (!Ops::minmax(row, cols, &mn, &mx, &pf)) {
      *bad_index = r * cols + first_non_finite(row, cols);
      return QuantizeResult::non_finite;
    }
    const GroupParams p = symmetric_params(absmax_of(mn, mx), 127.0F);
    scales[r] = p.scale;
    Ops::codes8(row, cols, p, codes + r * cols, &pf);
  }
  return QuantizeResult::ok;
}

}  // namespace mq::kernels::x86

#endif
