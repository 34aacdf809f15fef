// Small Advanced SIMD (NEON) helpers shared by the Arm variant files (kernels/*/neon*.cpp).
//
// Include this header only from translation units compiled with the Arm ISA flags. Everything in it
// is in an anonymous namespace (internal linkage, one private copy per variant file), so no copy
// can ever be picked by the linker for baseline code (see common/formats.h).
#ifndef MONOQUANT_KERNELS_COMMON_ARM_SIMD_H
#define MONOQUANT_KERNELS_COMMON_ARM_SIMD_H

#if !defined(__aarch64__)
#error "arm_simd.h is for AArch64 variant files only"
#endif

#include <arm_neon.h>

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "common/quant_rules.h"

namespace mq::kernels {
namespace {

// ---- Loads that need no alignment at all: LD1 of bytes, reinterpreted. -------------------------

inline float32x4_t arm_load_f32_bytes(const uint8_t* p) {
  return vreinterpretq_f32_u8(vld1q_u8(p));
}
inline void arm_store_f32_bytes(uint8_t* p, float32x4_t v) { vst1q_u8(p, vreinterpretq_u8_f32(v)); }

// ---- Min / max of a float range with the non-finite scan folded in. ----------------------------
//
// FMIN / FMAX (vminq / vmaxq, and the across-vector FMINV / FMAXV) propagate NaN, and an infinity
// becomes the minimum or maximum, so a range is all finite exactly when its vector minimum and
// maximum are finite: the scan costs nothing in the hot loop. When it fails, the range is scanned
// again in order to find the first bad element.

struct ArmRange {
  float mn;
  float mx;
};

// Min and max of p[0, n), n >= 1. Returns false (and *bad = offset of the first inf / NaN) when a
// value is not finite. A zero result may be -0 or +0 (the callers normalise with "+ 0.0F" or
// fabs, as the scalar reference does).
inline bool arm_range_minmax(const float* p, size_t n, ArmRange* out, size_t* bad) {
  size_t i = 0;
  float mn = INFINITY;
  float mx = -INFINITY;
  bool finite = true;
  if (n >= 4) {
    float32x4_t mn0 = vdupq_n_f32(INFINITY);
    float32x4_t mx0 = vdupq_n_f32(-INFINITY);
    float32x4_t mn1 = mn0;
    float32x4_t mx1 = mx0;
    for (; i + 16 <= n; i += 16) {
      const float32x4_t a = vld1q_f32(p + i);
      const float32x4_t b = vld1q_f32(p + i + 4);
      const float32x4_t c = vld1q_f32(p + i + 8);
      const float32x4_t d = vld1q_f32(p + i + 12);
      mn0 = vminq_f32(mn0, vminq_f32(a, b));
      mx0 = vmaxq_f32(mx0, vmaxq_f32(a, b));
      mn1 = vminq_f32(mn1, vminq_f32(c, d));
      mx1 = vmaxq_f32(mx1, vmaxq_f32(c, d));
    }
    for (; i + 4 <= n; i += 4) {
      const float32x4_t a = vld1q_f32(p + i);
      mn0 = vminq_f32(mn0, a);
      mx0 = vmaxq_f32(mx0, a);
    }
    mn = vminvq_f32(vminq_f32(mn0, mn1));
    mx = vmaxvq_f32(vmaxq_f32(mx0, mx1));
    // NaN fails both comparisons; an infinity is the min or the max.
    finite = mn > -INFINITY && mx < INFINITY;
  }
  for (; i < n && finite; ++i) {
    const float v = p[i];
    if (!is_finite(v)) {
      finite = false;
      break;
    }
    mn = v < mn ? v : mn;
    mx = v > mx ? v : mx;
  }
  if (!finite) {
    for (size_t j = 0; j < n; ++j) {
      if (!is_finite(p[j])) {
        *bad = j;
        return false;
      }
    }
  }
  out->mn = mn;
  out->mx = mx;
  return true;
}

// ---- Nibbles.
// --------------------------------------------------------------------------------------

// 16 codes (any int8 values; only their low nibbles are kept) -> 8 canonical bytes: byte j holds
// code 2j in its low nibble and code 2j+1 in its high nibble.
inline uint8x8_t arm_pack_nibbles(int8x16_t codes) {
  const uint16x8_t v = vreinterpretq_u16_u8(vandq_u8(vreinterpretq_u8_s8(codes), vdupq_n_u8(0x0F)));
  // Per 16-bit lane: bits 0-3 = even code, bits 8-11 = odd code; (v >> 4) moves the odd code to
  // bits 4-7, and the low byte of v | (v >> 4) is the packed byte.
  return vmovn_u16(vsraq_n_u16(v, v, 4));
}

// 8 canonical bytes -> 16 codes in column order, sign-extended (symmetric) or zero-extended.
inline int8x16_t arm_unpack_nibbles(uint8x8_t bytes, bool asym) {
  const uint8x8_t lo = vand_u8(bytes, vdup_n_u8(0x0F));
  const uint8x8_t hi = vshr_n_u8(bytes, 4);
  int8x16_t v = vreinterpretq_s8_u8(vcombine_u8(vzip1_u8(lo, hi), vzip2_u8(lo, hi)));
  if (!asym) v = vsubq_s8(veorq_s8(v, vdupq_n_s8(8)), vdupq_n_s8(8));  // bit 3 is the sign
  return v;
}

// ---- Widening.
// -------------------------------------------------------------------------------------

// The four int32x4 quarters of 16 int8 values, in order.
struct ArmI32x16 {
  int32x4_t v[4];
};

inline ArmI32x16 arm_widen_s8(int8x16_t x) {
  const int16x8_t lo = vmovl_s8(vget_low_s8(x));
  const int16x8_t hi = vmovl_high_s8(x);
  return {{vmovl_s16(vget_low_s16(lo)), vmovl_high_s16(lo), vmovl_s16(vget_low_s16(hi)),
           vmovl_high_s16(hi)}};
}

// ---- Quantization of 4 / 16 floats with the shared rules.
// ------------------------------------------
//
// clamp(round(w * inv) + zp, lo, hi) exactly as quant_rules.h's quantize_value: one float32
// multiply, FRINTN (round to nearest, ties to even), the float add of the zero point (exact: both
// are small integers), then the clamp and an exact conversion.
inline int32x4_t arm_quantize4(float32x4_t w, float32x4_t inv, float32x4_t zp, float32x4_t lo,
                               float32x4_t hi) {
  float32x4_t q = vaddq_f32(vrndnq_f32(vmulq_f32(w, inv)), zp);
  q = vminq_f32(vmaxq_f32(q, lo), hi);
  return vcvtq_s32_f32(q);
}

// 16 consecutive floats -> 16 codes as int8 (every code fits: the clamp bounds are within int8).
inline int8x16_t arm_quantize16(const float* w, float32x4_t inv, float32x4_t zp, float32x4_t lo,
                                float32x4_t hi) {
  const int32x4_t a = arm_quantize4(vld1q_f32(w), inv, zp, lo, hi);
  const int32x4_t b = arm_quantize4(vld1q_f32(w + 4), inv, zp, lo, hi);
  const int32x4_t c = arm_quantize4(vld1q_f32(w + 8), inv, zp, lo, hi);
  const int32x4_t d = arm_quantize4(vld1q_f32(w + 12), inv, zp, lo, hi);
  const int16x8_t ab = vcombine_s16(vmovn_s32(a), vmovn_s32(b));
  const int16x8_t cd = vcombine_s16(vmovn_s32(c), vmovn_s32(d));
  return vcombine_s8(vmovn_s16(ab), vmovn_s16(cd));
}

}  // namespace
}  // namespace mq::kernels

#endif
