// Armv8.0 Advanced SIMD variant of the quantize family. Per group: the vector min / max (with the
// non-finite scan folded in, common/arm_simd.h), then the group's scale, inverse and zero point
// from quant_rules.h in scalar code exactly as scalar.cpp, then clamp(round(w * inv) + zp) sixteen
// weights at a time with FRINTN (ties to even) and the nibbles packed in registers. Codes, scales
// and zero points are bit-identical to the scalar reference.
#include <arm_neon.h>

#include <cmath>

#include "common/arm_simd.h"
#include "common/formats.h"
#include "common/quant_rules.h"
#include "quantize/quantize.h"

namespace mq::kernels {
namespace {

bool supports_all(size_t /*cols*/, size_t /*group*/) { return true; }

// One code written into its nibble, as scalar.cpp does: an even column starts its byte afresh.
inline void put_nibble(uint8_t* out, size_t c, int32_t code) {
  const auto nibble = static_cast<uint8_t>(code & 0xF);
  uint8_t& byte = out[c / 2];
  byte = (c % 2 == 0) ? nibble : static_cast<uint8_t>((byte & 0x0F) | (nibble << 4));
}

QuantizeResult int4(const float* w, size_t rows, size_t cols, size_t group, Scheme scheme,
                    uint8_t* codes, float* scales, uint8_t* zero_points, size_t* bad_index) {
  const size_t groups = groups_per_row(cols, group);
  const size_t row_bytes = int4_row_bytes(cols);
  const bool asym = scheme == Scheme::asymmetric;
  const float code_lo = asym ? 0.0F : -8.0F;
  const float code_hi = asym ? 15.0F : 7.0F;
  const float32x4_t lo_v = vdupq_n_f32(code_lo);
  const float32x4_t hi_v = vdupq_n_f32(code_hi);
  for (size_t r = 0; r < rows; ++r) {
    const float* row = w + r * cols;
    uint8_t* out = codes + r * row_bytes;
    for (size_t g = 0; g < groups; ++g) {
      const size_t begin = g * group;
      const size_t end = begin + group < cols ? begin + group : cols;
      ArmRange range{};
      size_t bad = 0;
      if (!arm_range_minmax(row + begin, end - begin, &range, &bad)) {
        *bad_index = r * cols + begin + bad;
        return QuantizeResult::non_finite;
      }
      GroupParams p{};
      if (asym) {
        if (!asymmetric_params(range.mn, range.mx, &p)) {
          *bad_index = r * cols + begin;
          return QuantizeResult::range_overflow;
        }
        zero_points[r * groups + g] = static_cast<uint8_t>(p.zp);
      } else {
        p = symmetric_params(std::fmax(std::fabs(range.mn), std::fabs(range.mx)), 7.0F);
      }
      scales[r * groups + g] = p.scale;
      const float32x4_t inv = vdupq_n_f32(p.inv);
      const float32x4_t zp = vdupq_n_f32(p.zp);
      size_t c = begin;
      // A group that starts at an odd column (odd group sizes) first completes its shared byte.
      if (c % 2 == 1) {
        put_nibble(out, c, quantize_value(row[c], p, code_lo, code_hi));
        ++c;
      }
      for (; c + 16 <= end; c += 16) {
        vst1_u8(out + c / 2, arm_pack_nibbles(arm_quantize16(row + c, inv, zp, lo_v, hi_v)));
      }
      for (; c < end; ++c) put_nibble(out, c, quantize_value(row[c], p, code_lo, code_hi));
    }
  }
  return QuantizeResult::ok;
}

QuantizeResult int8_rows(const float* w, size_t rows, size_t cols, int8_t* codes, float* scales,
                         size_t* bad_index) {
  const float32x4_t lo_v = vdupq_n_f32(-127.0F);
  const float32x4_t hi_v = vdupq_n_f32(127.0F);
  const float32x4_t zero = vdupq_n_f32(0.0F);
  for (size_t r = 0; r < rows; ++r) {
    const float* row = w + r * cols;
    int8_t* out = codes + r * cols;
    ArmRange range{};
    size_t bad = 0;
    if (!arm_range_minmax(row, cols, &range, &bad)) {
      *bad_index = r * cols + bad;
      return QuantizeResult::non_finite;
    }
    const GroupParams p =
        symmetric_params(std::fmax(std::fabs(range.mn), std::fabs(range.mx)), 127.0F);
    scales[r] = p.scale;
    const float32x4_t inv = vdupq_n_f32(p.inv);
    size_t c = 0;
    for (; c + 16 <= cols; c += 16) {
      vst1q_s8(out + c, arm_quantize16(row + c, inv, zero, lo_v, hi_v));
    }
    for (; c < cols; ++c) out[c] = static_cast<int8_t>(quantize_value(row[c], p, -127.0F, 127.0F));
  }
  return QuantizeResult::ok;
}

}  // namespace

extern const QuantizeKernel quantize_neon = {Isa::neon, "neon", supports_all, int4, int8_rows};

}  // namespace mq::kernels
