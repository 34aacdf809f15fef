// Armv8.0 Advanced SIMD variant of the observe family. NEON's FMIN / FMAX order -0 below +0 and
// propagate NaN, so the selections are written as compare-and-select (vbslq), which is exactly the
// reference's `v < m ? v : m`: the state is bit-identical to scalar.cpp. Channels run in
// register-resident strips of 16, then 4, then a scalar tail (no over-read); non-finite inputs are
// folded into one mask and located by a scalar rescan only when it is set.
#include <arm_neon.h>

#include <cstdint>
#include <cstring>

#include "observe/observe.h"

namespace mq::kernels {
namespace {

bool supports_all(size_t /*channels*/) { return true; }

bool finite_bits(float v) {
  uint32_t bits = 0;
  std::memcpy(&bits, &v, sizeof(bits));
  return (bits & 0x7F800000U) != 0x7F800000U;
}

float abs_bits(float v) {
  uint32_t bits = 0;
  std::memcpy(&bits, &v, sizeof(bits));
  bits &= 0x7FFFFFFFU;
  float a = 0.0F;
  std::memcpy(&a, &bits, sizeof(a));
  return a;
}

struct Lane {
  float32x4_t mn, mx, ab;
};

// One vector of channels: the reference's selections, and "not (|v| < inf)" (inf or NaN) or-ed
// into *bad.
void step(float32x4_t v, float32x4_t inf, Lane* s, uint32x4_t* bad) {
  const float32x4_t a = vabsq_f32(v);
  *bad = vorrq_u32(*bad, vmvnq_u32(vcltq_f32(a, inf)));
  s->mn = vbslq_f32(vcltq_f32(v, s->mn), v, s->mn);
  s->mx = vbslq_f32(vcgtq_f32(v, s->mx), v, s->mx);
  s->ab = vbslq_f32(vcgtq_f32(a, s->ab), a, s->ab);
}

Lane load(const float* mins, const float* maxs, const float* absmaxs) {
  return {vld1q_f32(mins), vld1q_f32(maxs), vld1q_f32(absmaxs)};
}

void store(const Lane& s, float* mins, float* maxs, float* absmaxs) {
  vst1q_f32(mins, s.mn);
  vst1q_f32(maxs, s.mx);
  vst1q_f32(absmaxs, s.ab);
}

bool first_non_finite(const float* x, size_t rows, size_t stride, size_t channels,
                      size_t* bad_index) {
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < channels; ++c) {
      if (!finite_bits(x[r * stride + c])) {
        *bad_index = r * stride + c;
        return true;
      }
    }
  }
  return false;
}

bool update(const float* x, size_t rows, size_t stride, size_t channels, float* mins, float* maxs,
            float* absmaxs, size_t* bad_index) {
  const float32x4_t inf = vdupq_n_f32(__builtin_inff());
  uint32x4_t bad = vdupq_n_u32(0);
  size_t c = 0;
  for (; c + 16 <= channels; c += 16) {
    Lane s0 = load(mins + c, maxs + c, absmaxs + c);
    Lane s1 = load(mins + c + 4, maxs + c + 4, absmaxs + c + 4);
    Lane s2 = load(mins + c + 8, maxs + c + 8, absmaxs + c + 8);
    Lane s3 = load(mins + c + 12, maxs + c + 12, absmaxs + c + 12);
    const float* p = x + c;
    for (size_t r = 0; r < rows; ++r, p += stride) {
      step(vld1q_f32(p), inf, &s0, &bad);
      step(vld1q_f32(p + 4), inf, &s1, &bad);
      step(vld1q_f32(p + 8), inf, &s2, &bad);
      step(vld1q_f32(p + 12), inf, &s3, &bad);
    }
    store(s0, mins + c, maxs + c, absmaxs + c);
    store(s1, mins + c + 4, maxs + c + 4, absmaxs + c + 4);
    store(s2, mins + c + 8, maxs + c + 8, absmaxs + c + 8);
    store(s3, mins + c + 12, maxs + c + 12, absmaxs + c + 12);
  }
  for (; c + 4 <= channels; c += 4) {
    Lane s = load(mins + c, maxs + c, absmaxs + c);
    const float* p = x + c;
    for (size_t r = 0; r < rows; ++r, p += stride) step(vld1q_f32(p), inf, &s, &bad);
    store(s, mins + c, maxs + c, absmaxs + c);
  }
  bool tail_ok = true;
  for (; c < channels; ++c) {
    float mn = mins[c];
    float mx = maxs[c];
    float ab = absmaxs[c];
    for (size_t r = 0; r < rows; ++r) {
      const float v = x[r * stride + c];
      tail_ok = tail_ok && finite_bits(v);
      const float a = abs_bits(v);
      mn = v < mn ? v : mn;
      mx = v > mx ? v : mx;
      ab = a > ab ? a : ab;
    }
    mins[c] = mn;
    maxs[c] = mx;
    absmaxs[c] = ab;
  }
  if (!tail_ok || vmaxvq_u32(bad) != 0) {
    return !first_non_finite(x, rows, stride, channels, bad_index);
  }
  return true;
}

void merge(size_t channels, const float* src_mins, const float* src_maxs, const float* src_absmaxs,
           float* mins, float* maxs, float* absmaxs) {
  size_t c = 0;
  for (; c + 4 <= channels; c += 4) {
    const float32x4_t smn = vld1q_f32(src_mins + c);
    const float32x4_t smx = vld1q_f32(src_maxs + c);
    const float32x4_t sab = vld1q_f32(src_absmaxs + c);
    const float32x4_t mn = vld1q_f32(mins + c);
    const float32x4_t mx = vld1q_f32(maxs + c);
    const float32x4_t ab = vld1q_f32(absmaxs + c);
    vst1q_f32(mins + c, vbslq_f32(vcltq_f32(smn, mn), smn, mn));
    vst1q_f32(maxs + c, vbslq_f32(vcgtq_f32(smx, mx), smx, mx));
    vst1q_f32(absmaxs + c, vbslq_f32(vcgtq_f32(sab, ab), sab, ab));
  }
  for (; c < channels; ++c) {
    mins[c] = src_mins[c] < mins[c] ? src_mins[c] : mins[c];
    maxs[c] = src_maxs[c] > maxs[c] ? src_maxs[c] : maxs[c];
    absmaxs[c] = src_absmaxs[c] > absmaxs[c] ? src_absmaxs[c] : absmaxs[c];
  }
}

}  // namespace

extern const ObserveKernel observe_neon = {Isa::neon, "neon", supports_all, update, merge};

}  // namespace mq::kernels
