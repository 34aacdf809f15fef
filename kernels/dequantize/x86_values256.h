// The 256-bit dequantize loop: out[i] = (float)(codes[i] - zp) * scale, 8 values per vector, with
// ordinary stores. It is the AVX2 variant's loop, and the AVX-512 variant's for outputs that go to
// memory: on the Zen 5 test machine the 512-bit loop wrote a large output more slowly than this
// one (figures in kernels/dequantize/x86_dequantize.h).
#ifndef MONOQUANT_KERNELS_DEQUANTIZE_X86_VALUES256_H
#define MONOQUANT_KERNELS_DEQUANTIZE_X86_VALUES256_H

#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#if defined(__AVX2__)

namespace mq::kernels::x86 {

// (float)(codes[0..8) - zp) * scale.
static inline __m256 dequantize_values8(const int8_t* codes, __m256i zp, __m256 scale) {
  const __m128i q = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(codes));
  return _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_sub_epi32(_mm256_cvtepi8_epi32(q), zp)), scale);
}

// Runs of 8 or more end with an overlapping recomputation of their last 8 values (same bits);
// shorter runs are the reference's scalar expression.
static inline void dequantize_values256(const int8_t* codes, size_t n, int32_t zp, float scale,
                                        float* out) {
  if (n < 8) {
    for (size_t i = 0; i < n; ++i) out[i] = static_cast<float>(codes[i] - zp) * scale;
    return;
  }
  const __m256i zpv = _mm256_set1_epi32(zp);
  const __m256 s = _mm256_set1_ps(scale);
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    _mm256_storeu_ps(out + i, dequantize_values8(codes + i, zpv, s));
    _mm256_storeu_ps(out + i + 8, dequantize_values8(codes + i + 8, zpv, s));
    _mm256_storeu_ps(out + i + 16, dequantize_values8(codes + i + 16, zpv, s));
    _mm256_storeu_ps(out + i + 24, dequantize_values8(codes + i + 24, zpv, s));
  }
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(out + i, dequantize_values8(codes + i, zpv, s));
  if (i < n) _mm256_storeu_ps(out + n - 8, dequantize_values8(codes + n - 8, zpv, s));
}

}  // namespace mq::kernels::x86

#endif  // __AVX2__

#endif
