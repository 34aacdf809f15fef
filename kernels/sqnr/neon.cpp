// Armv8.0 Advanced SIMD variant of the sqnr family. 16 columns per step: 8 code bytes are split
// into nibbles (vand / vshr, then vzip into column order), widened to int32, dequantized in float32
// exactly as the format defines, and the weights, differences and squares are accumulated in
// float64 (two lanes per register, eight accumulators). An odd group start and the last columns of
// a group take a scalar path, so every group size works and nothing is over-read.
#include <arm_neon.h>

#include <cstdint>
#include <cstring>

#include "common/formats.h"
#include "sqnr/sqnr.h"

namespace mq::kernels {
namespace {

bool supports_all(size_t /*cols*/, size_t /*group*/) { return true; }

struct Acc {
  float64x2_t signal[4];
  float64x2_t noise[4];
  double signal_tail, noise_tail;
};

void acc_init(Acc* a) {
  for (int i = 0; i < 4; ++i) a->signal[i] = a->noise[i] = vdupq_n_f64(0.0);
  a->signal_tail = a->noise_tail = 0.0;
}

// Adds 4 weights and their dequantized values into accumulator pair `slot` (0 or 1) of each kind.
void acc_add4(Acc* a, int slot, float32x4_t w, float32x4_t deq) {
  const float64x2_t w_lo = vcvt_f64_f32(vget_low_f32(w));
  const float64x2_t w_hi = vcvt_high_f64_f32(w);
  const float64x2_t e_lo = vsubq_f64(w_lo, vcvt_f64_f32(vget_low_f32(deq)));
  const float64x2_t e_hi = vsubq_f64(w_hi, vcvt_high_f64_f32(deq));
  a->signal[2 * slot] = vfmaq_f64(a->signal[2 * slot], w_lo, w_lo);
  a->signal[2 * slot + 1] = vfmaq_f64(a->signal[2 * slot + 1], w_hi, w_hi);
  a->noise[2 * slot] = vfmaq_f64(a->noise[2 * slot], e_lo, e_lo);
  a->noise[2 * slot + 1] = vfmaq_f64(a->noise[2 * slot + 1], e_hi, e_hi);
}

void acc_add1(Acc* a, float w, float deq) {
  const double v = w;
  const double e = v - static_cast<double>(deq);
  a->signal_tail += v * v;
  a->noise_tail += e * e;
}

SqnrSums acc_total(const Acc& a) {
  const float64x2_t s =
      vaddq_f64(vaddq_f64(a.signal[0], a.signal[1]), vaddq_f64(a.signal[2], a.signal[3]));
  const float64x2_t n =
      vaddq_f64(vaddq_f64(a.noise[0], a.noise[1]), vaddq_f64(a.noise[2], a.noise[3]));
  return {vaddvq_f64(s) + a.signal_tail, vaddvq_f64(n) + a.noise_tail};
}

// 8 nibble codes (uint8 lanes, column order) -> two float32x4 of ((n ^ flip) - offset) * scale.
void dequant8(uint8x8_t nibbles, int16x8_t flip, int16x8_t offset, float32x4_t scale,
              float32x4_t* lo, float32x4_t* hi) {
  const int16x8_t n = vreinterpretq_s16_u16(vmovl_u8(nibbles));
  const int16x8_t q = vsubq_s16(veorq_s16(n, flip), offset);
  *lo = vmulq_f32(vcvtq_f32_s32(vmovl_s16(vget_low_s16(q))), scale);
  *hi = vmulq_f32(vcvtq_f32_s32(vmovl_high_s16(q)), scale);
}

int nibble_code(const uint8_t* row, size_t c, int flip, int offset) {
  const int nibble = c % 2 == 0 ? row[c / 2] & 0xF : row[c / 2] >> 4;
  return (nibble ^ flip) - offset;
}

void int4(const float* w, size_t rows, size_t cols, size_t group, Scheme scheme,
          const uint8_t* codes, const float* scales, const uint8_t* zero_points, SqnrSums* sums) {
  const size_t groups = groups_per_row(cols, group);
  const size_t row_bytes = int4_row_bytes(cols);
  const bool symmetric = scheme == Scheme::symmetric;
  const uint8x8_t low_mask = vdup_n_u8(0x0F);
  for (size_t r = 0; r < rows; ++r) {
    const float* wr = w + r * cols;
    const uint8_t* cr = codes + r * row_bytes;
    Acc a{};
    acc_init(&a);
    for (size_t g = 0; g < groups; ++g) {
      const float scale = scales[r * groups + g];
      const int flip = symmetric ? 8 : 0;
      const int offset = symmetric ? 8 : zero_points[r * groups + g];
      const int16x8_t flip_v = vdupq_n_s16(static_cast<int16_t>(flip));
      const int16x8_t offset_v = vdupq_n_s16(static_cast<int16_t>(offset));
      const float32x4_t scale_v = vdupq_n_f32(scale);
      size_t c = g * group;
      const size_t end = c + group < cols ? c + group : cols;
      if (c % 2 == 1 && c < end) {
        acc_add1(&a, wr[c], static_cast<float>(nibble_code(cr, c, flip, offset)) * scale);
        ++c;
      }
      for (; c + 16 <= end; c += 16) {
        const uint8x8_t bytes = vld1_u8(cr + c / 2);
        const uint8x8_t lo = vand_u8(bytes, low_mask);
        const uint8x8_t hi = vshr_n_u8(bytes, 4);
        float32x4_t d0, d1, d2, d3;
        dequant8(vzip1_u8(lo, hi), flip_v, offset_v, scale_v, &d0, &d1);
        dequant8(vzip2_u8(lo, hi), flip_v, offset_v, scale_v, &d2, &d3);
        acc_add4(&a, 0, vld1q_f32(wr + c), d0);
        acc_add4(&a, 1, vld1q_f32(wr + c + 4), d1);
        acc_add4(&a, 0, vld1q_f32(wr + c + 8), d2);
        acc_add4(&a, 1, vld1q_f32(wr + c + 12), d3);
      }
      for (; c < end; ++c) {
        acc_add1(&a, wr[c], static_cast<float>(nibble_code(cr, c, flip, offset)) * scale);
      }
    }
    sums[r] = acc_total(a);
  }
}

void int8_rows(const float* w, size_t rows, size_t cols, const int8_t* codes, const float* scales,
               SqnrSums* sums) {
  for (size_t r = 0; r < rows; ++r) {
    const float* wr = w + r * cols;
    const int8_t* cr = codes + r * cols;
    const float32x4_t scale_v = vdupq_n_f32(scales[r]);
    Acc a{};
    acc_init(&a);
    size_t c = 0;
    for (; c + 8 <= cols; c += 8) {
      const int16x8_t q = vmovl_s8(vld1_s8(cr + c));
      acc_add4(&a, 0, vld1q_f32(wr + c),
               vmulq_f32(vcvtq_f32_s32(vmovl_s16(vget_low_s16(q))), scale_v));
      acc_add4(&a, 1, vld1q_f32(wr + c + 4), vmulq_f32(vcvtq_f32_s32(vmovl_high_s16(q)), scale_v));
    }
    for (; c < cols; ++c) acc_add1(&a, wr[c], static_cast<float>(cr[c]) * scales[r]);
    sums[r] = acc_total(a);
  }
}

}  // namespace

extern const SqnrKernel sqnr_neon = {Isa::neon, "neon", supports_all, int4, int8_rows};

}  // namespace mq::kernels
