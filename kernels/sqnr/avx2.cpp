// AVX2 variant of the sqnr family. Codes are widened in registers (8 bytes -> 16 nibbles -> int32
// -> float), dequantized with the group's scale in float32 exactly as the format defines, and the
// weights, differences and squares are accumulated in float64 (4 lanes per register, two register
// pairs per 8 columns). Steps of 16 and 8 columns run inside one group; an odd group start and the
// last columns of a group take a scalar path, so every group size works and nothing is over-read.
#include <immintrin.h>

#include <cstdint>
#include <cstring>

#include "common/formats.h"
#include "sqnr/sqnr.h"

namespace mq::kernels {
namespace {

bool supports_all(size_t /*cols*/, size_t /*group*/) { return true; }

struct Acc {
  __m256d signal_lo, signal_hi, noise_lo, noise_hi;
  double signal_tail, noise_tail;
};

void acc_init(Acc* a) {
  a->signal_lo = a->signal_hi = a->noise_lo = a->noise_hi = _mm256_setzero_pd();
  a->signal_tail = a->noise_tail = 0.0;
}

// Adds 8 weights and their dequantized values.
void acc_add8(Acc* a, __m256 w, __m256 deq) {
  const __m256d w_lo = _mm256_cvtps_pd(_mm256_castps256_ps128(w));
  const __m256d w_hi = _mm256_cvtps_pd(_mm256_extractf128_ps(w, 1));
  const __m256d e_lo = _mm256_sub_pd(w_lo, _mm256_cvtps_pd(_mm256_castps256_ps128(deq)));
  const __m256d e_hi = _mm256_sub_pd(w_hi, _mm256_cvtps_pd(_mm256_extractf128_ps(deq, 1)));
  a->signal_lo = _mm256_fmadd_pd(w_lo, w_lo, a->signal_lo);
  a->signal_hi = _mm256_fmadd_pd(w_hi, w_hi, a->signal_hi);
  a->noise_lo = _mm256_fmadd_pd(e_lo, e_lo, a->noise_lo);
  a->noise_hi = _mm256_fmadd_pd(e_hi, e_hi, a->noise_hi);
}

void acc_add1(Acc* a, float w, float deq) {
  const double v = w;
  const double e = v - static_cast<double>(deq);
  a->signal_tail += v * v;
  a->noise_tail += e * e;
}

double hsum(__m256d v) {
  const __m128d s = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
  return _mm_cvtsd_f64(_mm_add_sd(s, _mm_unpackhi_pd(s, s)));
}

SqnrSums acc_total(const Acc& a) {
  return {hsum(_mm256_add_pd(a.signal_lo, a.signal_hi)) + a.signal_tail,
          hsum(_mm256_add_pd(a.noise_lo, a.noise_hi)) + a.noise_tail};
}

// 8 nibbles (as uint16 lanes) -> float32 dequantized values: ((n ^ flip) - offset) * scale, where
// flip = offset = 8 sign-extends a symmetric nibble and flip = 0, offset = zp applies a zero point.
__m256 dequant8(__m128i nibbles, __m256i flip, __m256i offset, __m256 scale) {
  const __m256i n = _mm256_cvtepu16_epi32(nibbles);
  const __m256i q = _mm256_sub_epi32(_mm256_xor_si256(n, flip), offset);
  return _mm256_mul_ps(_mm256_cvtepi32_ps(q), scale);
}

// Splits 8 code bytes (zero-extended to uint16) into nibble vectors for columns 0..7 and 8..15.
void split_nibbles(__m128i bytes16, __m128i* first, __m128i* second) {
  const __m128i lo = _mm_and_si128(bytes16, _mm_set1_epi16(0x0F));
  const __m128i hi = _mm_srli_epi16(bytes16, 4);
  *first = _mm_unpacklo_epi16(lo, hi);
  *second = _mm_unpackhi_epi16(lo, hi);
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
      const __m256i flip_v = _mm256_set1_epi32(flip);
      const __m256i offset_v = _mm256_set1_epi32(offset);
      const __m256 scale_v = _mm256_set1_ps(scale);
      size_t c = g * group;
      const size_t end = c + group < cols ? c + group : cols;
      if (c % 2 == 1 && c < end) {
        acc_add1(&a, wr[c], static_cast<float>(nibble_code(cr, c, flip, offset)) * scale);
        ++c;
      }
      for (; c + 16 <= end; c += 16) {
        uint64_t eight = 0;
        std::memcpy(&eight, cr + c / 2, sizeof(eight));
        __m128i first{};
        __m128i second{};
        split_nibbles(_mm_cvtepu8_epi16(_mm_cvtsi64_si128(static_cast<long long>(eight))), &first,
                      &second);
        acc_add8(&a, _mm256_loadu_ps(wr + c), dequant8(first, flip_v, offset_v, scale_v));
        acc_add8(&a, _mm256_loadu_ps(wr + c + 8), dequant8(second, flip_v, offset_v, scale_v));
      }
      if (c + 8 <= end) {
        uint32_t four = 0;
        std::memcpy(&four, cr + c / 2, sizeof(four));
        __m128i first{};
        __m128i second{};
        split_nibbles(_mm_cvtepu8_epi16(_mm_cvtsi32_si128(static_cast<int>(four))), &first,
                      &second);
        acc_add8(&a, _mm256_loadu_ps(wr + c), dequant8(first, flip_v, offset_v, scale_v));
        c += 8;
      }
      for (; c < end; ++c) {
        acc_add1(&a, wr[c], static_cast<float>(nibble_code(cr, c, flip, offset)) * scale);
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
    const __m256 scale_v = _mm256_set1_ps(scales[r]);
    Acc a{};
    acc_init(&a);
    size_t c = 0;
    for (; c + 8 <= cols; c += 8) {
      uint64_t eight = 0;
      std::memcpy(&eight, cr + c, sizeof(eight));
      const __m256i q = _mm256_cvtepi8_epi32(_mm_cvtsi64_si128(static_cast<long long>(eight)));
      acc_add8(&a, _mm256_loadu_ps(wr + c), _mm256_mul_ps(_mm256_cvtepi32_ps(q), scale_v));
    }
    for (; c < cols; ++c) acc_add1(&a, wr[c], static_cast<float>(cr[c]) * scales[r]);
    sums[r] = acc_total(a);
  }
}

}  // namespace

extern const SqnrKernel sqnr_avx2 = {Isa::avx2, "avx2", supports_all, int4, int8_rows};

}  // namespace mq::kernels
