// AVX-512 variant of the sqnr family. 16 columns per step: 8 code bytes are widened to 16 nibbles
// and then to int32, dequantized in float32 exactly as the format defines, and the weights,
// differences and squares are accumulated in float64 (8 lanes per register). The last fewer than 16
// columns of a group use masked loads (masked lanes contribute exact zeros); an odd group start
// takes one scalar column. Every group size works and nothing outside the caller's buffers is
// touched.
#include <cstdint>
#include <cstring>

#include "common/formats.h"
#include "common/x86_avx512_intrinsics.h"
#include "sqnr/sqnr.h"

namespace mq::kernels {
namespace {

bool supports_all(size_t /*cols*/, size_t /*group*/) { return true; }

struct Acc {
  __m512d signal_lo, signal_hi, noise_lo, noise_hi;
  double signal_tail, noise_tail;
};

void acc_init(Acc* a) {
  a->signal_lo = a->signal_hi = a->noise_lo = a->noise_hi = _mm512_setzero_pd();
  a->signal_tail = a->noise_tail = 0.0;
}

// Adds 16 weights and their dequantized values (zeros in unused lanes add nothing).
void acc_add16(Acc* a, __m512 w, __m512 deq) {
  const __m512d w_lo = _mm512_cvtps_pd(_mm512_castps512_ps256(w));
  const __m512d w_hi = _mm512_cvtps_pd(_mm512_extractf32x8_ps(w, 1));
  const __m512d e_lo = _mm512_sub_pd(w_lo, _mm512_cvtps_pd(_mm512_castps512_ps256(deq)));
  const __m512d e_hi = _mm512_sub_pd(w_hi, _mm512_cvtps_pd(_mm512_extractf32x8_ps(deq, 1)));
  a->signal_lo = _mm512_fmadd_pd(w_lo, w_lo, a->signal_lo);
  a->signal_hi = _mm512_fmadd_pd(w_hi, w_hi, a->signal_hi);
  a->noise_lo = _mm512_fmadd_pd(e_lo, e_lo, a->noise_lo);
  a->noise_hi = _mm512_fmadd_pd(e_hi, e_hi, a->noise_hi);
}

void acc_add1(Acc* a, float w, float deq) {
  const double v = w;
  const double e = v - static_cast<double>(deq);
  a->signal_tail += v * v;
  a->noise_tail += e * e;
}

SqnrSums acc_total(const Acc& a) {
  return {_mm512_reduce_add_pd(_mm512_add_pd(a.signal_lo, a.signal_hi)) + a.signal_tail,
          _mm512_reduce_add_pd(_mm512_add_pd(a.noise_lo, a.noise_hi)) + a.noise_tail};
}

__mmask16 lanes(size_t n) { return static_cast<__mmask16>(n >= 16 ? 0xFFFFU : (1U << n) - 1U); }

// Up to 8 code bytes (the `byte_mask` ones) -> 16 nibble codes as int32, in column order:
// ((n ^ flip) - offset), with flip = offset = 8 for symmetric and flip = 0, offset = zp otherwise.
__m512i codes16(const uint8_t* bytes, __mmask16 byte_mask, __m512i flip, __m512i offset) {
  const __m128i b = _mm_cvtepu8_epi16(_mm_maskz_loadu_epi8(byte_mask, bytes));
  const __m128i lo = _mm_and_si128(b, _mm_set1_epi16(0x0F));
  const __m128i hi = _mm_srli_epi16(b, 4);
  const __m256i ordered = _mm256_inserti128_si256(
      _mm256_castsi128_si256(_mm_unpacklo_epi16(lo, hi)), _mm_unpackhi_epi16(lo, hi), 1);
  const __m512i n = _mm512_cvtepu16_epi32(ordered);
  return _mm512_sub_epi32(_mm512_xor_si512(n, flip), offset);
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
  for (size_t r = 0; r < rows; ++r) {
    const float* wr = w + r * cols;
    const uint8_t* cr = codes + r * row_bytes;
    Acc a{};
    acc_init(&a);
    for (size_t g = 0; g < groups; ++g) {
      const float scale = scales[r * groups + g];
      const int flip = symmetric ? 8 : 0;
      const int offset = symmetric ? 8 : zero_points[r * groups + g];
      const __m512i flip_v = _mm512_set1_epi32(flip);
      const __m512i offset_v = _mm512_set1_epi32(offset);
      const __m512 scale_v = _mm512_set1_ps(scale);
      size_t c = g * group;
      const size_t end = c + group < cols ? c + group : cols;
      if (c % 2 == 1 && c < end) {
        acc_add1(&a, wr[c], static_cast<float>(nibble_code(cr, c, flip, offset)) * scale);
        ++c;
      }
      for (; c < end; c += 16) {
        const size_t n = end - c < 16 ? end - c : 16;
        const __mmask16 m = lanes(n);
        const __m512i q = codes16(cr + c / 2, lanes((n + 1) / 2), flip_v, offset_v);
        const __m512 deq = _mm512_maskz_mul_ps(m, _mm512_cvtepi32_ps(q), scale_v);
        acc_add16(&a, _mm512_maskz_loadu_ps(m, wr + c), deq);
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
    const __m512 scale_v = _mm512_set1_ps(scales[r]);
    Acc a{};
    acc_init(&a);
    for (size_t c = 0; c < cols; c += 16) {
      const __mmask16 m = lanes(cols - c);
      const __m512i q = _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(m, cr + c));
      const __m512 deq = _mm512_maskz_mul_ps(m, _mm512_cvtepi32_ps(q), scale_v);
      acc_add16(&a, _mm512_maskz_loadu_ps(m, wr + c), deq);
    }
    sums[r] = acc_total(a);
  }
}

}  // namespace

extern const SqnrKernel sqnr_avx512 = {Isa::avx512, "avx512", supports_all, int4, int8_rows};

}  // namespace mq::kernels
