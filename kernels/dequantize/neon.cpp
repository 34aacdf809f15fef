// Armv8.0 Advanced SIMD variant of the dequantize family: sixteen codes per step are unpacked,
// shifted by the zero point in int8 (q - zp is exact in [-15, 15]), widened, converted (exactly)
// and multiplied once by the group's scale, so every value is bit-identical to scalar.cpp. A group
// that starts at an odd column does its first column in scalar code; tails run the scalar
// definition.
#include <arm_neon.h>

#include "common/arm_simd.h"
#include "common/formats.h"
#include "dequantize/dequantize.h"

namespace mq::kernels {
namespace {

bool supports_all(size_t /*cols*/, size_t /*group*/) { return true; }

int code_at(const uint8_t* row, size_t c, bool asym) {
  const uint8_t byte = row[c / 2];
  const int nibble = c % 2 == 0 ? byte & 0xF : byte >> 4;
  if (asym) return nibble;
  return nibble >= 8 ? nibble - 16 : nibble;
}

// out[0, 16) = float(q - zp) * scale for 16 int8 values q - zp.
inline void store_scaled16(float* out, int8x16_t d, float32x4_t scale) {
  const ArmI32x16 w = arm_widen_s8(d);
  vst1q_f32(out, vmulq_f32(vcvtq_f32_s32(w.v[0]), scale));
  vst1q_f32(out + 4, vmulq_f32(vcvtq_f32_s32(w.v[1]), scale));
  vst1q_f32(out + 8, vmulq_f32(vcvtq_f32_s32(w.v[2]), scale));
  vst1q_f32(out + 12, vmulq_f32(vcvtq_f32_s32(w.v[3]), scale));
}

void int4(const uint8_t* codes, const float* scales, const uint8_t* zero_points, size_t rows,
          size_t cols, size_t group, Scheme scheme, float* out) {
  const bool asym = scheme == Scheme::asymmetric;
  const size_t groups = groups_per_row(cols, group);
  const size_t row_bytes = int4_row_bytes(cols);
  for (size_t r = 0; r < rows; ++r) {
    const uint8_t* row = codes + r * row_bytes;
    float* dst = out + r * cols;
    for (size_t g = 0; g < groups; ++g) {
      const size_t begin = g * group;
      const size_t end = begin + group < cols ? begin + group : cols;
      const int zp = asym ? zero_points[r * groups + g] : 0;
      const float scale = scales[r * groups + g];
      const float32x4_t scale_v = vdupq_n_f32(scale);
      const int8x16_t zp_v = vdupq_n_s8(static_cast<int8_t>(zp));
      size_t c = begin;
      if (c % 2 == 1) {
        dst[c] = static_cast<float>(code_at(row, c, asym) - zp) * scale;
        ++c;
      }
      for (; c + 16 <= end; c += 16) {
        store_scaled16(dst + c, vsubq_s8(arm_unpack_nibbles(vld1_u8(row + c / 2), asym), zp_v),
                       scale_v);
      }
      for (; c < end; ++c) dst[c] = static_cast<float>(code_at(row, c, asym) - zp) * scale;
    }
  }
}

void int8_rows(const int8_t* codes, const float* scales, size_t rows, size_t cols, float* out) {
  for (size_t r = 0; r < rows; ++r) {
    const int8_t* in = codes + r * cols;
    float* dst = out + r * cols;
    const float32x4_t scale_v = vdupq_n_f32(scales[r]);
    size_t c = 0;
    for (; c + 16 <= cols; c += 16) store_scaled16(dst + c, vld1q_s8(in + c), scale_v);
    for (; c < cols; ++c) dst[c] = static_cast<float>(in[c]) * scales[r];
  }
}

}  // namespace

extern const DequantizeKernel dequantize_neon = {Isa::neon, "neon", supports_all, int4, int8_rows};

}  // namespace mq::kernels
