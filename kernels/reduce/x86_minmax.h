// Min and max of a run of floats with non-finite detection, for the x86 variants of the reduce and
// quantize families (kernels/{reduce,quantize}/{avx2,avx512}.cpp).
//
// `*_minmax(p, n, &mn, &mx)` returns false when p[0, n) holds an inf or NaN; the caller then finds
// the first one with first_non_finite (an error path, scalar on purpose). Otherwise mn / mx are the
// exact minimum and maximum; which zero comes out when -0 and +0 tie depends on the order, so
// callers normalise as the scalar reference does. Lane-wise min/max is xsimd; NaN tests, masks and
// the horizontal reductions (xsimd 8.1 has no reduce_min / reduce_max) are intrinsics.
//
// `*_minmax_tile(p, group, count, &mn, &mx)` does the same for `count` consecutive full groups of
// a size that is a multiple of the vector width (up to one vector's lanes of groups): each group is
// reduced lane-wise, then the group vectors are reduced together by a transpose-like tree of
// in-register shuffles (a few operations per group instead of a horizontal reduction each), which
// leaves one lane per group, in order. Lanes past `count` hold +inf / -inf.
//
// Everything is `static` (internal linkage): see kernels/pack/x86_nibbles.h.
#ifndef MONOQUANT_KERNELS_REDUCE_X86_MINMAX_H
#define MONOQUANT_KERNELS_REDUCE_X86_MINMAX_H

#include <immintrin.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <xsimd/xsimd.hpp>

#include "common/quant_rules.h"
#include "common/x86_in_register.h"

namespace mq::kernels::x86 {

// Builtins, not std::isfinite / std::fabs: those are inline functions with external linkage, and
// an unoptimised build emits a copy of them in this (ISA-flagged) object that the linker may keep
// for baseline code too.
static inline bool finite_value(float v) { return __builtin_isfinite(v); }
static inline float magnitude(float v) { return __builtin_fabsf(v); }

// Offset of the first inf or NaN in p[0, n), or n.
static inline size_t first_non_finite(const float* p, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (!finite_value(p[i])) return i;
  }
  return n;
}

// Software prefetch of a kernel's input stream, ahead of the work. Before reading a piece of the
// stream, a loop calls prefetch_advance with the piece's size; the prefetch point moves on by
// rate / 64 of that and every line it passes is requested. A one-pass kernel uses rate 64 and
// starts kPrefetchAhead bytes ahead. A kernel that reads each region of L bytes twice (min / max,
// then codes, the second time from L1 or L2) uses rate 32, so that both passes keep requests
// flowing (with requests from the first pass alone, memory idles while the second runs); since
// its first pass then outruns the prefetch point by L / 2, it starts L / 2 (at most
// kPrefetchAhead) further ahead. Pieces are a group or up to 1 KiB, so requests go out in small
// bursts, and the bookkeeping is a few scalar instructions per piece.
//
// With the hardware prefetchers alone these group-structured loops reached about half the
// bandwidth of a plain read loop on the Zen 5 test machine. A prefetch never faults, so running
// past the end of the buffer is harmless; the address is kept as an integer, never formed as an
// out-of-range pointer.
constexpr uintptr_t kPrefetchAhead = 16384;
constexpr size_t kPrefetchPiece = 256;  // floats

struct StreamPrefetch {
  uintptr_t next;  // the stream is requested up to here
  uintptr_t rate;  // bytes requested per 64 bytes of work
};

static inline StreamPrefetch stream_prefetch(const void* start, uintptr_t rate,
                                             uintptr_t extra_ahead) {
  return {reinterpret_cast<uintptr_t>(start) + kPrefetchAhead + extra_ahead, rate};
}

static inline void prefetch_advance(StreamPrefetch* pf, size_t floats) {
  uintptr_t line = (pf->next + 63) & ~uintptr_t{63};
  pf->next += (floats * sizeof(float) * pf->rate) >> 6;
  for (; line < pf->next; line += 64) {
    // An integer on purpose (may lie past the buffer, see above); only a prefetch ever uses it.
    _mm_prefetch(reinterpret_cast<const char*>(line),  // NOLINT(performance-no-int-to-ptr)
                 _MM_HINT_T0);
  }
}

// For a loop over a run of n floats in steps of `step` floats (a divisor of kPrefetchPiece),
// called at the top of every step i: at each piece boundary, advances by the piece (the rest of
// the run, for the last one), so that a run advances the prefetch point by exactly its length,
// tails included. Runs shorter than one step advance before their loop instead. (Advancing by
// whole pieces for short runs let the prefetch point run away from the work, a few hundred bytes
// per group, until prefetching did nothing.)
static inline void prefetch_piece(StreamPrefetch* pf, size_t i, size_t n) {
  if (i % kPrefetchPiece == 0)
    prefetch_advance(pf, n - i < kPrefetchPiece ? n - i : kPrefetchPiece);
}

// std::fmax(std::fabs(mn), std::fabs(mx)), the reference's absmax, without the libm call GCC
// emits for fmaxf (a call per group, with vzeroupper, costs more than the group's SIMD work). For
// the finite values it is given, fmax is the plain maximum: equal non-negative floats have the
// same bits.
static inline float absmax_of(float mn, float mx) {
  const float a = magnitude(mn);
  const float b = magnitude(mx);
  return a > b ? a : b;
}

// The scalar reference's loop, for runs shorter than one vector.
static inline bool scalar_minmax(const float* p, size_t n, float* mn_out, float* mx_out) {
  float mn = INFINITY;
  float mx = -INFINITY;
  for (size_t i = 0; i < n; ++i) {
    const float v = p[i];
    if (!finite_value(v)) return false;
    mn = v < mn ? v : mn;
    mx = v > mx ? v : mx;
  }
  *mn_out = mn;
  *mx_out = mx;
  return true;
}

#if defined(__AVX2__) && !defined(__AVX512F__)
// (Not in AVX-512 files: each ISA file instantiates xsimd templates of its own level only.)

using Avx2Floats = xsimd::batch<float, xsimd::avx2>;

static inline Avx2Floats avx2_load(const float* p) {
  return Avx2Floats(in_register(_mm256_loadu_ps(p)));
}

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
static inline bool avx2_minmax(const float* p, size_t n, float* mn_out, float* mx_out,
                               StreamPrefetch* pf) {
  if (n < 32) prefetch_advance(pf, n);
  if (n < 8) return scalar_minmax(p, n, mn_out, mx_out);
  using B = Avx2Floats;
  B mn0(INFINITY), mn1(INFINITY), mn2(INFINITY), mn3(INFINITY);
  B mx0(-INFINITY), mx1(-INFINITY), mx2(-INFINITY), mx3(-INFINITY);
  __m256 nan = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    prefetch_piece(pf, i, n);
    const B a = avx2_load(p + i);
    const B b = avx2_load(p + i + 8);
    const B c = avx2_load(p + i + 16);
    const B d = avx2_load(p + i + 24);
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
    const B a = avx2_load(p + i);
    mn0 = xsimd::min(mn0, a);
    mx0 = xsimd::max(mx0, a);
    nan = _mm256_or_ps(nan, avx2_unordered(a, a));
  }
  if (i < n) {
    const B a = avx2_load(p + n - 8);
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

struct Avx2MinMax {
  __m256 mn;
  __m256 mx;
};

// Lane-wise min / max of one group of n floats, n a positive multiple of 8; NaN lanes into *nan.
template <size_t kFixed>
static inline Avx2MinMax avx2_group_lanes(const float* p, size_t runtime_n, __m256* nan,
                                          StreamPrefetch* pf) {
  const size_t n = kFixed != 0 ? kFixed : runtime_n;  // a constant lets the loop unroll
  using B = Avx2Floats;
  B mn0(INFINITY);
  B mx0(-INFINITY);
  B mn1 = mn0;
  B mx1 = mx0;
  prefetch_advance(pf, n);
  size_t k = 0;
  for (; k + 16 <= n; k += 16) {
    const B a = avx2_load(p + k);
    const B b = avx2_load(p + k + 8);
    mn0 = xsimd::min(mn0, a);
    mx0 = xsimd::max(mx0, a);
    mn1 = xsimd::min(mn1, b);
    mx1 = xsimd::max(mx1, b);
    *nan = _mm256_or_ps(*nan, avx2_unordered(a, b));
  }
  if (k < n) {
    const B a = avx2_load(p + k);
    mn0 = xsimd::min(mn0, a);
    mx0 = xsimd::max(mx0, a);
    *nan = _mm256_or_ps(*nan, avx2_unordered(a, a));
  }
  return {xsimd::min(mn0, mn1), xsimd::max(mx0, mx1)};
}

// Tree steps: two vectors of candidates for 2^k groups each -> one vector for 2^(k+1) groups with
// half as many candidates each. After step 3, lane 4l + k holds group 2k + l.
static inline Avx2MinMax avx2_merge(__m256 xn, __m256 yn, __m256 xx, __m256 yx) {
  return {_mm256_min_ps(xn, yn), _mm256_max_ps(xx, yx)};
}
static inline Avx2MinMax avx2_tree1(Avx2MinMax a, Avx2MinMax b) {
  return avx2_merge(
      _mm256_permute2f128_ps(a.mn, b.mn, 0x20), _mm256_permute2f128_ps(a.mn, b.mn, 0x31),
      _mm256_permute2f128_ps(a.mx, b.mx, 0x20), _mm256_permute2f128_ps(a.mx, b.mx, 0x31));
}
static inline Avx2MinMax avx2_tree2(Avx2MinMax a, Avx2MinMax b) {
  return avx2_merge(_mm256_shuffle_ps(a.mn, b.mn, 0x44), _mm256_shuffle_ps(a.mn, b.mn, 0xEE),
                    _mm256_shuffle_ps(a.mx, b.mx, 0x44), _mm256_shuffle_ps(a.mx, b.mx, 0xEE));
}
static inline Avx2MinMax avx2_tree3(Avx2MinMax a, Avx2MinMax b) {
  return avx2_merge(_mm256_shuffle_ps(a.mn, b.mn, 0x88), _mm256_shuffle_ps(a.mn, b.mn, 0xDD),
                    _mm256_shuffle_ps(a.mx, b.mx, 0x88), _mm256_shuffle_ps(a.mx, b.mx, 0xDD));
}

template <size_t kFixed>
static inline bool avx2_minmax_tile_n(const float* p, size_t group, size_t count, __m256* mn_out,
                                      __m256* mx_out, StreamPrefetch* pf) {
  __m256 nan = _mm256_setzero_ps();
  const auto one = [&](size_t j) -> Avx2MinMax {
    if (j >= count) return {_mm256_set1_ps(INFINITY), _mm256_set1_ps(-INFINITY)};
    return avx2_group_lanes<kFixed>(p + j * group, group, &nan, pf);
  };
  // Separate statements keep the groups in address order (function arguments may be evaluated
  // right to left, which walks memory backwards and defeats the hardware prefetcher).
  const auto two = [&](size_t j) {
    const Avx2MinMax a = one(j);
    return avx2_tree1(a, one(j + 1));
  };
  const auto four = [&](size_t j) {
    const Avx2MinMax a = two(j);
    return avx2_tree2(a, two(j + 2));
  };
  const Avx2MinMax low = four(0);
  const Avx2MinMax r = avx2_tree3(low, four(4));
  const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
  *mn_out = _mm256_permutevar8x32_ps(r.mn, order);
  *mx_out = _mm256_permutevar8x32_ps(r.mx, order);
  const __m256 inf = _mm256_or_ps(_mm256_cmp_ps(r.mn, _mm256_set1_ps(-INFINITY), _CMP_EQ_OQ),
                                  _mm256_cmp_ps(r.mx, _mm256_set1_ps(INFINITY), _CMP_EQ_OQ));
  return _mm256_movemask_ps(_mm256_or_ps(nan, inf)) == 0;
}

// The tile reduction, with the usual group size 128 compiled separately so that its group loop is
// fully unrolled.
static inline bool avx2_minmax_tile(const float* p, size_t group, size_t count, __m256* mn_out,
                                    __m256* mx_out, StreamPrefetch* pf) {
  if (group == 128) return avx2_minmax_tile_n<128>(p, group, count, mn_out, mx_out, pf);
  return avx2_minmax_tile_n<0>(p, group, count, mn_out, mx_out, pf);
}

#endif  // __AVX2__ && !__AVX512F__

#if defined(__AVX512F__)

using Avx512Floats = xsimd::batch<float, xsimd::avx512f>;

static inline Avx512Floats avx512_load(const float* p) {
  return Avx512Floats(in_register(_mm512_loadu_ps(p)));
}

static inline __mmask16 avx512_lanes(size_t n) {
  return static_cast<__mmask16>(n >= 16 ? 0xFFFFU : (1U << n) - 1U);
}

// As avx2_minmax; a partial last vector is a masked load with masked min / max.
static inline bool avx512_minmax(const float* p, size_t n, float* mn_out, float* mx_out,
                                 StreamPrefetch* pf) {
  using B = Avx512Floats;
  B mn0(INFINITY), mn1(INFINITY), mn2(INFINITY), mn3(INFINITY);
  B mx0(-INFINITY), mx1(-INFINITY), mx2(-INFINITY), mx3(-INFINITY);
  __mmask16 nan = 0;
  if (n < 64) prefetch_advance(pf, n);
  size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    prefetch_piece(pf, i, n);
    const B a = avx512_load(p + i);
    const B b = avx512_load(p + i + 16);
    const B c = avx512_load(p + i + 32);
    const B d = avx512_load(p + i + 48);
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
    const B a = avx512_load(p + i);
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

struct Avx512MinMax {
  __m512 mn;
  __m512 mx;
};

// Lane-wise min / max of one group of n floats, n a positive multiple of 16; NaN lanes into *nan.
template <size_t kFixed>
static inline Avx512MinMax avx512_group_lanes(const float* p, size_t runtime_n, __mmask16* nan,
                                              StreamPrefetch* pf) {
  const size_t n = kFixed != 0 ? kFixed : runtime_n;  // a constant lets the loop unroll
  using B = Avx512Floats;
  B mn0(INFINITY);
  B mx0(-INFINITY);
  B mn1 = mn0;
  B mx1 = mx0;
  prefetch_advance(pf, n);
  size_t k = 0;
  for (; k + 32 <= n; k += 32) {
    const B a = avx512_load(p + k);
    const B b = avx512_load(p + k + 16);
    mn0 = xsimd::min(mn0, a);
    mx0 = xsimd::max(mx0, a);
    mn1 = xsimd::min(mn1, b);
    mx1 = xsimd::max(mx1, b);
    *nan |= _mm512_cmp_ps_mask(a, b, _CMP_UNORD_Q);
  }
  if (k < n) {
    const B a = avx512_load(p + k);
    mn0 = xsimd::min(mn0, a);
    mx0 = xsimd::max(mx0, a);
    *nan |= _mm512_cmp_ps_mask(a, a, _CMP_UNORD_Q);
  }
  return {xsimd::min(mn0, mn1), xsimd::max(mx0, mx1)};
}

// Tree steps as for AVX2, over four 128-bit lanes: after step 4, lane 4l + k holds group l + 4k.
static inline Avx512MinMax avx512_merge(__m512 xn, __m512 yn, __m512 xx, __m512 yx) {
  return {_mm512_min_ps(xn, yn), _mm512_max_ps(xx, yx)};
}
static inline Avx512MinMax avx512_tree1(Avx512MinMax a, Avx512MinMax b) {
  return avx512_merge(
      _mm512_shuffle_f32x4(a.mn, b.mn, 0x44), _mm512_shuffle_f32x4(a.mn, b.mn, 0xEE),
      _mm512_shuffle_f32x4(a.mx, b.mx, 0x44), _mm512_shuffle_f32x4(a.mx, b.mx, 0xEE));
}
static inline Avx512MinMax avx512_tree2(Avx512MinMax a, Avx512MinMax b) {
  return avx512_merge(
      _mm512_shuffle_f32x4(a.mn, b.mn, 0x88), _mm512_shuffle_f32x4(a.mn, b.mn, 0xDD),
      _mm512_shuffle_f32x4(a.mx, b.mx, 0x88), _mm512_shuffle_f32x4(a.mx, b.mx, 0xDD));
}
static inline Avx512MinMax avx512_tree3(Avx512MinMax a, Avx512MinMax b) {
  return avx512_merge(_mm512_shuffle_ps(a.mn, b.mn, 0x44), _mm512_shuffle_ps(a.mn, b.mn, 0xEE),
                      _mm512_shuffle_ps(a.mx, b.mx, 0x44), _mm512_shuffle_ps(a.mx, b.mx, 0xEE));
}
static inline Avx512MinMax avx512_tree4(Avx512MinMax a, Avx512MinMax b) {
  return avx512_merge(_mm512_shuffle_ps(a.mn, b.mn, 0x88), _mm512_shuffle_ps(a.mn, b.mn, 0xDD),
                      _mm512_shuffle_ps(a.mx, b.mx, 0x88), _mm512_shuffle_ps(a.mx, b.mx, 0xDD));
}

template <size_t kFixed>
static inline bool avx512_minmax_tile_n(const float* p, size_t group, size_t count, __m512* mn_out,
                                        __m512* mx_out, StreamPrefetch* pf) {
  __mmask16 nan = 0;
  const auto one = [&](size_t j) -> Avx512MinMax {
    if (j >= count) return {_mm512_set1_ps(INFINITY), _mm512_set1_ps(-INFINITY)};
    return avx512_group_lanes<kFixed>(p + j * group, group, &nan, pf);
  };
  // In address order, as in avx2_minmax_tile.
  const auto two = [&](size_t j) {
    const Avx512MinMax a = one(j);
    return avx512_tree1(a, one(j + 1));
  };
  const auto four = [&](size_t j) {
    const Avx512MinMax a = two(j);
    return avx512_tree2(a, two(j + 2));
  };
  const auto eight = [&](size_t j) {
    const Avx512MinMax a = four(j);
    return avx512_tree3(a, four(j + 4));
  };
  const Avx512MinMax low = eight(0);
  const Avx512MinMax r = avx512_tree4(low, eight(8));
  const __m512i order = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
  *mn_out = _mm512_permutexvar_ps(order, r.mn);
  *mx_out = _mm512_permutexvar_ps(order, r.mx);
  const __mmask16 inf = _mm512_cmp_ps_mask(r.mn, _mm512_set1_ps(-INFINITY), _CMP_EQ_OQ) |
                        _mm512_cmp_ps_mask(r.mx, _mm512_set1_ps(INFINITY), _CMP_EQ_OQ);
  return (nan | inf) == 0;
}

// The tile reduction, with the usual group size 128 compiled separately so that its group loop is
// fully unrolled.
static inline bool avx512_minmax_tile(const float* p, size_t group, size_t count, __m512* mn_out,
                                      __m512* mx_out, StreamPrefetch* pf) {
  if (group == 128) return avx512_minmax_tile_n<128>(p, group, count, mn_out, mx_out, pf);
  return avx512_minmax_tile_n<0>(p, group, count, mn_out, mx_out, pf);
}

#endif  // __AVX512F__

}  // namespace mq::kernels::x86

#endif
