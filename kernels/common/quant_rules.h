// The per-group quantization rules of docs/formats.md, as plain float32 scalar code.
//
// Every variant, scalar or SIMD, computes a group's scale, inverse and zero point with these
// functions (the per-group part is scalar everywhere), and only the per-element part `round(w *
// inv)` in SIMD, which IEEE float32 makes exact in every ISA. That is why codes, scales and zero
// points are bit-identical across ISAs. Internal linkage (`static`) for the reason given in
// formats.h.
#ifndef MONOQUANT_KERNELS_COMMON_QUANT_RULES_H
#define MONOQUANT_KERNELS_COMMON_QUANT_RULES_H

#include <cfloat>
#include <cstdint>

namespace mq::kernels {

struct GroupParams {
  float scale;  // stored scale; 0 for a group that is all zeros or only subnormals
  float inv;    // 1.0f / scale, or 0 when scale is 0 (so every code becomes the zero point)
  float zp;     // zero point as a float (asymmetric), 0 otherwise
};

// Symmetric INT4 (max_code 7) and INT8 (max_code 127): scale = absmax / max_code.
static inline GroupParams symmetric_params(float absmax, float max_code) {
  const float scale = absmax / max_code;
  if (!(scale >= FLT_MIN)) return {0.0F, 0.0F, 0.0F};  // zero or subnormal group: exact zeros
  return {scale, 1.0F / scale, 0.0F};
}

// Asymmetric INT4: lo = min(min, 0), hi = max(max, 0), scale = (hi - lo) / 15,
// zp = clamp(round(-lo * inv), 0, 15). Returns false when hi - lo overflows float32 (a finite group
// whose range is wider than FLT_MAX): no finite scale represents it.
static inline bool asymmetric_params(float mn, float mx, GroupParams* out) {
  const float lo = mn < 0.0F ? mn : 0.0F;
  const float hi = mx > 0.0F ? mx : 0.0F;
  const float scale = (hi - lo) / 15.0F;
  if (__builtin_isinf(scale)) return false;
  if (!(scale >= FLT_MIN)) {
    *out = {0.0F, 0.0F, 0.0F};
    return true;
  }
  const float inv = 1.0F / scale;
  float zp = __builtin_nearbyintf(-lo * inv);
  zp = zp < 0.0F ? 0.0F : (zp > 15.0F ? 15.0F : zp);
  *out = {scale, inv, zp};
  return true;
}

// One code: clamp(round(w * inv) + zp, lo, hi), round to nearest with ties to even (the kernels run
// in the default FP environment, see fp_env.h).
static inline int32_t quantize_value(float w, const GroupParams& p, float lo, float hi) {
  float q = __builtin_nearbyintf(w * p.inv) + p.zp;
  q = q < lo ? lo : (q > hi ? hi : q);
  return static_cast<int32_t>(q);
}

static inline bool is_finite(float v) { return __builtin_isfinite(v); }

}  // namespace mq::kernels

#endif
