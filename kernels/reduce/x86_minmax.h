// Min and max of a run of floats with non-finite detection, for the x86 variants of the reduce and
// quantize families (kernels/{reduce,quantize}/{avx2,avx512}.cpp).
//
// `*_minmax(p, n, &mn, &mx)` returns false when p[0, n) holds an inf or NaN; the caller then finds
// the first one with first_non_finite (an error path, scalar on purpose). Otherwise mn / mx are the
// exact minimum and maximum; which zero comes out when -0 and +0 tie depends on the order, so
// callers normalise as the scalar reference does. Lane-wise min/max is xsimd; NaN tests, masks and
// the horizontal reductions (xsimd 8.1 has no reduce_min / reduce_max) are intrinsics.
//
// Everything is `static` (internal linkage): see kernels/pack/x86_nibbles.h.
#ifndef MONOQUANT_KERNELS_REDUCE_X86_MINMAX_H
#define MONOQUANT_KERNELS_REDUCE_X86_MINMAX_H

#include <immintrin.h>

#include <cmath>
#include <cstddef>
#include <xsimd/xsimd.hpp>

#include "common/quant_rules.h"

namespace mq::kernels::x86 {

// Offset of the first inf or NaN in p[0, n), or n.
static inline size_t first_non_finite(const float* p, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (!is_finite(p[i])) return i;
  }
  return n;
}

// The scalar reference's loop, for runs shorter than one vector.
static inline bool scalar_minmax(const float* p, size_t n, float* mn_out, float* mx_out) {
  float mn = INFINITY;
  float mx = -INFINITY;
  for (size_t i = 0; i < n; ++i) {
    const float v = p[i];
    if (!is_finite(v)) return false;
    mn = v < mn ? v : mn;
    mx = v > mx ? v : mx;
  }
  *mn_out = mn;
  *mx_out = mx;
  return true;
}

#if defined(__AVX2__)

using Avx2Floats = xsimd::batch<float, xsimd::avx2>;

// All-ones in the lanes where a or b is NaN.
static inline __m256 avx2_unordered(__m256 a, __m256 b) {
  return _mm256_cmp_ps(a, b, _CMP_UNORD_Q);
}

static inline float avx2_hmin(__m256 v) {
  __m128 m = _mm_min_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  m = _mm_min_ps(m, _mm_movehl_ps(m, m));
  m = _mm_min_ss(m, _mm_movehdup_ps(m));
  return _mm_cvtss_f32(m);
}

static inline float avx2_hmax(__m256 v) {
  __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  m = _mm_max_ps(m, _mm_movehl_ps(m, m));
  m = _mm_max_ss(m, _mm_movehdup_ps(m));
  return _mm_cvtss_f32(m);
}

// NaN is caught by an unordered compare; an infinity (without NaN, min and max are exact) ends up
// in mn or mx. Runs of at least 8 finish with an overlapping load of their last 8 floats, which
// min / max do not mind; shorter runs are scalar.
static inline bool avx2_minmax(const float* p, size_t n, float* mn_out, float* mx_out) {
  if (n < 8) return scalar_minmax(p, n, mn_out, mx_out);
  using B = Avx2Floats;
  B mn0(INFINITY), mn1(INFINITY), mn2(INFINITY), mn3(INFINITY);
  B mx0(-INFINITY), mx1(-INFINITY), mx2(-INFINITY), mx3(-INFINITY);
  __m256 nan = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const B a = B::load_unaligned(p + i);
    const B b = B::load_unaligned(p + i + 8);
    const B c = B::load_unaligned(p + i + 16);
    const B d = B::load_unaligned(p + i + 24);
    mn0 = xsimd::min(mn0, a);
    mx0 = xsimd::max(mx0, a);
    mn1 = xsimd::min(mn1, b);
    mx1 = xsimd::max(mx1, b);
    mn2 = xsimd::min(mn2, c);
    mx2 = xsimd::max(mx2, c);
    mn3 = xsimd::min(mn3, d);
    mx3 = xsimd::max(mx3, d);
    nan = _mm256_or_ps(nan, _mm256_or_ps(avx2_unordered(a, b), avx2_unordered(c, d)));
  }
  for (; i + 8 <= n; i += 8) {
    const B a = B::load_unaligned(p + i);
    mn0 = xsimd::min(mn0, a);
    mx0 = xsimd::max(mx0, a);
    nan = _mm256_or_ps(nan, avx2_unordered(a, a));
  }
  if (i < n) {
    const B a = B::load_unaligned(p + n - 8);
    mn1 = xsimd::min(mn1, a);
    mx1 = xsimd::max(mx1, a);
    nan = _mm256_or_ps(nan, avx2_unordered(a, a));
  }
  const float mn = avx2_hmin(xsimd::min(xsimd::min(mn0, mn1), xsimd::min(mn2, mn3)));
  const float mx = avx2_hmax(xsimd::max(xsimd::max(mx0, mx1), xsimd::max(mx2, mx3)));
  if (_mm256_movemask_ps(nan) != 0 || mn == -INFINITY || mx == INFINITY) return false;
  *mn_out = mn;
  *mx_out = mx;
  return true;
}

#endif  // __AVX2__

#if defined(__AVX512F__)

using Avx512Floats = xsimd::batch<float, xsimd::avx512f>;

static inline __mmask16 avx512_lanes(size_t n) {
  return static_cast<__mmask16>(n >= 16 ? 0xFFFFU : (1U << n) - 1U);
}

// As avx2_minmax; a partial last vector is a masked load with masked min / max.
static inline bool avx512_minmax(const float* p, size_t n, float* mn_out, float* mx_out) {
  using B = Avx512Floats;
  B mn0(INFINITY), mn1(INFINITY), mn2(INFINITY), mn3(INFINITY);
  B mx0(-INFINITY), mx1(-INFINITY), mx2(-INFINITY), mx3(-INFINITY);
  __mmask16 nan = 0;
  size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    const B a = B::load_unaligned(p + i);
    const B b = B::load_unaligned(p + i + 16);
    const B c = B::load_unaligned(p + i + 32);
    const B d = B::load_unaligned(p + i + 48);
    mn0 = xsimd::min(mn0, a);
    mx0 = xsimd::max(mx0, a);
    mn1 = xsimd::min(mn1, b);
    mx1 = xsimd::max(mx1, b);
    mn2 = xsimd::min(mn2, c);
    mx2 = xsimd::max(mx2, c);
    mn3 = xsimd::min(mn3, d);
    mx3 = xsimd::max(mx3, d);
    nan |= _mm512_cmp_ps_mask(a, b, _CMP_UNORD_Q) | _mm512_cmp_ps_mask(c, d, _CMP_UNORD_Q);
  }
  for (; i + 16 <= n; i += 16) {
    const B a = B::load_unaligned(p + i);
    mn0 = xsimd::min(mn0, a);
    mx0 = xsimd::max(mx0, a);
    nan |= _mm512_cmp_ps_mask(a, a, _CMP_UNORD_Q);
  }
  if (i < n) {
    const __mmask16 m = avx512_lanes(n - i);
    const __m512 a = _mm512_maskz_loadu_ps(m, p + i);
    mn1 = _mm512_mask_min_ps(mn1, m, mn1, a);
    mx1 = _mm512_mask_max_ps(mx1, m, mx1, a);
    nan |= _mm512_mask_cmp_ps_mask(m, a, a, _CMP_UNORD_Q);
  }
  const float mn = _mm512_reduce_min_ps(xsimd::min(xsimd::min(mn0, mn1), xsimd::min(mn2, mn3)));
  const float mx = _mm512_reduce_max_ps(xsimd::max(xsimd::max(mx0, mx1), xsimd::max(mx2, mx3)));
  if (nan != 0 || mn == -INFINITY || mx == INFINITY) return false;
  *mn_out = mn;
  *mx_out = mx;
  return true;
}

#endif  // __AVX512F__

}  // namespace mq::kernels::x86

#endif
