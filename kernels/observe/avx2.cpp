// AVX2 variant of the observe family. Channels are processed in register-resident strips of 16
// (then 8) over all rows, so each activation is loaded once and the state is loaded and stored once
// per call; fewer than 8 remaining channels take a scalar tail (no over-read). Non-finite inputs
// are folded into one mask and, only when it is set, located by a scalar rescan in row-major order.
#include <immintrin.h>

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

// |v| and the running "some lane was inf or NaN" mask (|v| >= inf, or unordered).
__m256 abs_and_flag(__m256 v, __m256 sign, __m256 inf, __m256* bad) {
  const __m256 a = _mm256_andnot_ps(sign, v);
  *bad = _mm256_or_ps(*bad, _mm256_cmp_ps(a, inf, _CMP_NLT_UQ));
  return a;
}

// The scalar tail for channels [begin, end): the same selections as the reference. Returns false
// when a non-finite value was seen (located later).
bool update_tail(const float* x, size_t rows, size_t stride, size_t begin, size_t end, float* mins,
                 float* maxs, float* absmaxs) {
  bool ok = true;
  for (size_t c = begin; c < end; ++c) {
    float mn = mins[c];
    float mx = maxs[c];
    float ab = absmaxs[c];
    for (size_t r = 0; r < rows; ++r) {
      const float v = x[r * stride + c];
      ok = ok && finite_bits(v);
      const float a = abs_bits(v);
      mn = v < mn ? v : mn;
      mx = v > mx ? v : mx;
      ab = a > ab ? a : ab;
    }
    mins[c] = mn;
    maxs[c] = mx;
    absmaxs[c] = ab;
  }
  return ok;
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
  const __m256 sign = _mm256_set1_ps(-0.0F);
  const __m256 inf = _mm256_set1_ps(__builtin_inff());
  __m256 bad = _mm256_setzero_ps();
  size_t c = 0;
  for (; c + 16 <= channels; c += 16) {
    __m256 mn0 = _mm256_loadu_ps(mins + c);
    __m256 mn1 = _mm256_loadu_ps(mins + c + 8);
    __m256 mx0 = _mm256_loadu_ps(maxs + c);
    __m256 mx1 = _mm256_loadu_ps(maxs + c + 8);
    __m256 ab0 = _mm256_loadu_ps(absmaxs + c);
    __m256 ab1 = _mm256_loadu_ps(absmaxs + c + 8);
    const float* p = x + c;
    for (size_t r = 0; r < rows; ++r, p += stride) {
      const __m256 v0 = _mm256_loadu_ps(p);
      const __m256 v1 = _mm256_loadu_ps(p + 8);
      mn0 = _mm256_min_ps(v0, mn0);
      mn1 = _mm256_min_ps(v1, mn1);
      mx0 = _mm256_max_ps(v0, mx0);
      mx1 = _mm256_max_ps(v1, mx1);
      ab0 = _mm256_max_ps(abs_and_flag(v0, sign, inf, &bad), ab0);
      ab1 = _mm256_max_ps(abs_and_flag(v1, sign, inf, &bad), ab1);
    }
    _mm256_storeu_ps(mins + c, mn0);
    _mm256_storeu_ps(mins + c + 8, mn1);
    _mm256_storeu_ps(maxs + c, mx0);
    _mm256_storeu_ps(maxs + c + 8, mx1);
    _mm256_storeu_ps(absmaxs + c, ab0);
    _mm256_storeu_ps(absmaxs + c + 8, ab1);
  }
  for (; c + 8 <= channels; c += 8) {
    __m256 mn = _mm256_loadu_ps(mins + c);
    __m256 mx = _mm256_loadu_ps(maxs + c);
    __m256 ab = _mm256_loadu_ps(absmaxs + c);
    const float* p = x + c;
    for (size_t r = 0; r < rows; ++r, p += stride) {
      const __m256 v = _mm256_loadu_ps(p);
      mn = _mm256_min_ps(v, mn);
      mx = _mm256_max_ps(v, mx);
      ab = _mm256_max_ps(abs_and_flag(v, sign, inf, &bad), ab);
    }
    _mm256_storeu_ps(mins + c, mn);
    _mm256_storeu_ps(maxs + c, mx);
    _mm256_storeu_ps(absmaxs + c, ab);
  }
  const bool tail_ok = update_tail(x, rows, stride, c, channels, mins, maxs, absmaxs);
  if (!tail_ok || _mm256_movemask_ps(bad) != 0) {
    return !first_non_finite(x, rows, stride, channels, bad_index);
  }
  return true;
}

void merge(size_t channels, const float* src_mins, const float* src_maxs, const float* src_absmaxs,
           float* mins, float* maxs, float* absmaxs) {
  size_t c = 0;
  for (; c + 8 <= channels; c += 8) {
    _mm256_storeu_ps(mins + c,
                     _mm256_min_ps(_mm256_loadu_ps(src_mins + c), _mm256_loadu_ps(mins + c)));
    _mm256_storeu_ps(maxs + c,
                     _mm256_max_ps(_mm256_loadu_ps(src_maxs + c), _mm256_loadu_ps(maxs + c)));
    _mm256_storeu_ps(absmaxs + c,
                     _mm256_max_ps(_mm256_loadu_ps(src_absmaxs + c), _mm256_loadu_ps(absmaxs + c)));
  }
  for (; c < channels; ++c) {
    mins[c] = src_mins[c] < mins[c] ? src_mins[c] : mins[c];
    maxs[c] = src_maxs[c] > maxs[c] ? src_maxs[c] : maxs[c];
    absmaxs[c] = src_absmaxs[c] > absmaxs[c] ? src_absmaxs[c] : absmaxs[c];
  }
}

}  // namespace

extern const ObserveKernel observe_avx2 = {Isa::avx2, "avx2", supports_all, update, merge};

}  // namespace mq::kernels
