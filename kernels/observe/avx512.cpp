// AVX-512 variant of the observe family. Channels are processed in register-resident strips of 32
// (then 16) over all rows; the last fewer than 16 channels use masked loads and stores, so nothing
// outside the caller's buffers is touched. Non-finite inputs set bits of one mask register and,
// only when it is set, are located by a scalar rescan in row-major order.
#include <cstdint>
#include <cstring>

#include "common/x86_avx512_intrinsics.h"
#include "observe/observe.h"

namespace mq::kernels {
namespace {

bool supports_all(size_t /*channels*/) { return true; }

bool finite_bits(float v) {
  uint32_t bits = 0;
  std::memcpy(&bits, &v, sizeof(bits));
  return (bits & 0x7F800000U) != 0x7F800000U;
}

// |v|, and the lanes of `active` where v is inf or NaN or-ed into *bad.
__m512 abs_and_flag(__m512 v, __mmask16 active, __m512 inf, __mmask16* bad) {
  const __m512 a = _mm512_abs_ps(v);
  *bad = static_cast<__mmask16>(*bad | _mm512_mask_cmp_ps_mask(active, a, inf, _CMP_NLT_UQ));
  return a;
}

// One strip of 16 channels (lanes of `m`) over every row.
void update_strip16(const float* x, size_t rows, size_t stride, __mmask16 m, float* mins,
                    float* maxs, float* absmaxs, __m512 inf, __mmask16* bad) {
  __m512 mn = _mm512_maskz_loadu_ps(m, mins);
  __m512 mx = _mm512_maskz_loadu_ps(m, maxs);
  __m512 ab = _mm512_maskz_loadu_ps(m, absmaxs);
  for (size_t r = 0; r < rows; ++r, x += stride) {
    const __m512 v = _mm512_maskz_loadu_ps(m, x);
    mn = _mm512_min_ps(v, mn);
    mx = _mm512_max_ps(v, mx);
    ab = _mm512_max_ps(abs_and_flag(v, m, inf, bad), ab);
  }
  _mm512_mask_storeu_ps(mins, m, mn);
  _mm512_mask_storeu_ps(maxs, m, mx);
  _mm512_mask_storeu_ps(absmaxs, m, ab);
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
  const __m512 inf = _mm512_set1_ps(__builtin_inff());
  const __mmask16 all = 0xFFFF;
  __mmask16 bad = 0;
  size_t c = 0;
  for (; c + 32 <= channels; c += 32) {
    __m512 mn0 = _mm512_loadu_ps(mins + c);
    __m512 mn1 = _mm512_loadu_ps(mins + c + 16);
    __m512 mx0 = _mm512_loadu_ps(maxs + c);
    __m512 mx1 = _mm512_loadu_ps(maxs + c + 16);
    __m512 ab0 = _mm512_loadu_ps(absmaxs + c);
    __m512 ab1 = _mm512_loadu_ps(absmaxs + c + 16);
    const float* p = x + c;
    for (size_t r = 0; r < rows; ++r, p += stride) {
      const __m512 v0 = _mm512_loadu_ps(p);
      const __m512 v1 = _mm512_loadu_ps(p + 16);
      mn0 = _mm512_min_ps(v0, mn0);
      mn1 = _mm512_min_ps(v1, mn1);
      mx0 = _mm512_max_ps(v0, mx0);
      mx1 = _mm512_max_ps(v1, mx1);
      ab0 = _mm512_max_ps(abs_and_flag(v0, all, inf, &bad), ab0);
      ab1 = _mm512_max_ps(abs_and_flag(v1, all, inf, &bad), ab1);
    }
    _mm512_storeu_ps(mins + c, mn0);
    _mm512_storeu_ps(mins + c + 16, mn1);
    _mm512_storeu_ps(maxs + c, mx0);
    _mm512_storeu_ps(maxs + c + 16, mx1);
    _mm512_storeu_ps(absmaxs + c, ab0);
    _mm512_storeu_ps(absmaxs + c + 16, ab1);
  }
  for (; c < channels; c += 16) {
    const size_t n = channels - c < 16 ? channels - c : 16;
    const auto m = static_cast<__mmask16>(n == 16 ? 0xFFFFU : (1U << n) - 1U);
    update_strip16(x + c, rows, stride, m, mins + c, maxs + c, absmaxs + c, inf, &bad);
  }
  if (bad != 0) return !first_non_finite(x, rows, stride, channels, bad_index);
  return true;
}

void merge(size_t channels, const float* src_mins, const float* src_maxs, const float* src_absmaxs,
           float* mins, float* maxs, float* absmaxs) {
  for (size_t c = 0; c < channels; c += 16) {
    const size_t n = channels - c < 16 ? channels - c : 16;
    const auto m = static_cast<__mmask16>(n == 16 ? 0xFFFFU : (1U << n) - 1U);
    _mm512_mask_storeu_ps(
        mins + c, m,
        _mm512_min_ps(_mm512_maskz_loadu_ps(m, src_mins + c), _mm512_maskz_loadu_ps(m, mins + c)));
    _mm512_mask_storeu_ps(
        maxs + c, m,
        _mm512_max_ps(_mm512_maskz_loadu_ps(m, src_maxs + c), _mm512_maskz_loadu_ps(m, maxs + c)));
    _mm512_mask_storeu_ps(absmaxs + c, m,
                          _mm512_max_ps(_mm512_maskz_loadu_ps(m, src_absmaxs + c),
                                        _mm512_maskz_loadu_ps(m, absmaxs + c)));
  }
}

}  // namespace

extern const ObserveKernel observe_avx512 = {Isa::avx512, "avx512", supports_all, update, merge};

}  // namespace mq::kernels
