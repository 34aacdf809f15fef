// AVX2 variant of the reduce family. Group min / max: kernels/reduce/x86_minmax.h. all_finite: 32
// floats per step; x - x is 0 for a finite x and NaN otherwise, so one unordered compare tests two
// vectors. A step that fails is searched again in scalar code for the exact first offset.
#include <immintrin.h>

#include <cstddef>
#include <cstring>

#include "reduce/reduce.h"
#include "reduce/x86_minmax.h"
#include "reduce/x86_reduce.h"

namespace mq::kernels {
namespace {

using x86::first_non_finite;

bool supports_all(size_t /*cols*/, size_t /*group*/) { return true; }

// The first `count` lanes of v at dst (unless dst is null).
void store_lanes(float* dst, __m256 v, size_t count) {
  if (dst == nullptr) return;
  if (count == 8) {
    _mm256_storeu_ps(dst, v);
    return;
  }
  alignas(32) float lanes[8];
  _mm256_store_ps(lanes, v);
  std::memcpy(dst, lanes, count * sizeof(float));
}

struct Ops {
  static constexpr size_t kLanes = 8;

  static bool minmax(const float* w, size_t n, float* mn, float* mx, x86::StreamPrefetch* pf) {
    return x86::avx2_minmax(w, n, mn, mx, pf);
  }

  static bool tile(const float* w, size_t group, size_t count, float* mins, float* maxs,
                   float* absmaxs, x86::StreamPrefetch* pf) {
    __m256 mn;
    __m256 mx;
    if (!x86::avx2_minmax_tile(w, group, count, &mn, &mx, pf)) return false;
    const __m256 zero = _mm256_setzero_ps();
    const __m256 magnitude = _mm256_castsi256_ps(_mm256_set1_epi32(0x7FFFFFFF));
    store_lanes(mins, _mm256_add_ps(mn, zero), count);
    store_lanes(maxs, _mm256_add_ps(mx, zero), count);
    store_lanes(absmaxs, _mm256_max_ps(_mm256_and_ps(mn, magnitude), _mm256_and_ps(mx, magnitude)),
                count);
    return true;
  }
};

bool group_minmax(const float* w, size_t rows, size_t cols, size_t group, float* mins, float* maxs,
                  float* absmaxs, size_t* bad_index) {
  return x86::group_minmax_rows<Ops>(w, rows, cols, group, mins, maxs, absmaxs, bad_index);
}

// All-ones in the lanes where a or b is inf or NaN.
__m256 non_finite2(__m256 a, __m256 b) {
  return _mm256_cmp_ps(_mm256_sub_ps(a, a), _mm256_sub_ps(b, b), _CMP_UNORD_Q);
}

bool all_finite(const float* x, size_t n, size_t* bad_index) {
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m256 a = _mm256_loadu_ps(x + i);
    const __m256 b = _mm256_loadu_ps(x + i + 8);
    const __m256 c = _mm256_loadu_ps(x + i + 16);
    const __m256 d = _mm256_loadu_ps(x + i + 24);
    if (_mm256_movemask_ps(_mm256_or_ps(non_finite2(a, b), non_finite2(c, d))) != 0) {
      *bad_index = i + first_non_finite(x + i, 32);
      return false;
    }
  }
  for (; i + 8 <= n; i += 8) {
    const __m256 a = _mm256_loadu_ps(x + i);
    if (_mm256_movemask_ps(non_finite2(a, a)) != 0) {
      *bad_index = i + first_non_finite(x + i, 8);
      return false;
    }
  }
  if (i < n) {
    // The last 8 floats (overlapping ones already checked) or, for n < 8, scalar code.
    bool bad = true;
    if (n >= 8) {
      const __m256 a = _mm256_loadu_ps(x + n - 8);
      bad = _mm256_movemask_ps(non_finite2(a, a)) != 0;
    }
    if (bad) {
      const size_t at = first_non_finite(x + i, n - i);
      if (at != n - i) {
        *bad_index = i + at;
        return false;
      }
    }
  }
  return true;
}

}  // namespace

extern const ReduceKernel reduce_avx2 = {Isa::avx2, "avx2", supports_all, group_minmax, all_finite};

}  // namespace mq::kernels
