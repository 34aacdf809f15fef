// AVX2 variant of the quantize family; the row and group logic is kernels/quantize/x86_quantize.h.
//
// Per element only round(w * inv) is vectorised, with the same float32 operations as
// quantize_value: multiply (no FMA), round to nearest even (vroundps), add the zero point, clamp,
// convert. The symmetric INT4 code is computed as clamp(round(w * inv) + 8, 0, 15) ^ 8, which is
// clamp(round(w * inv), -8, 7) & 0xF for every input. Runs of 8 or more end with an overlapping
// recomputation of their last 8 elements (same values); shorter runs use quantize_value itself.
#include <immintrin.h>

#include <cstring>
#include <xsimd/xsimd.hpp>

#include "common/formats.h"
#include "common/quant_rules.h"
#include "pack/x86_nibbles.h"
#include "quantize/quantize.h"
#include "quantize/x86_quantize.h"
#include "reduce/x86_minmax.h"

namespace mq::kernels {
namespace {

using B = x86::Avx2Floats;

bool supports_all(size_t /*cols*/, size_t /*group*/) { return true; }

// clamp(round(w * inv) + offset, lo, hi) as 32-bit integers.
__m256i code_step(const float* w, B inv, B offset, B lo, B hi) {
  const B q = xsimd::nearbyint(B::load_unaligned(w) * inv) + offset;
  return _mm256_cvttps_epi32(xsimd::min(xsimd::max(q, lo), hi));
}

// Four vectors of 32-bit integers in -128..127 -> 32 bytes in order.
__m256i narrow32(__m256i a, __m256i b, __m256i c, __m256i d) {
  const __m256i bytes = _mm256_packs_epi16(_mm256_packs_epi32(a, b), _mm256_packs_epi32(c, d));
  return _mm256_permutevar8x32_epi32(bytes, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
}

// One vector of 32-bit integers in -128..127 -> 8 bytes in order (low half).
__m128i narrow8(__m256i a) {
  const __m128i words = _mm_packs_epi32(_mm256_castsi256_si128(a), _mm256_extracti128_si256(a, 1));
  return _mm_packs_epi16(words, words);
}

void store8(void* dst, __m128i v) { _mm_storel_epi64(static_cast<__m128i*>(dst), v); }

// n >= 8 codes of w at dst, one per byte, XORed with `flip`.
void codes_simd(const float* w, size_t n, B inv, B offset, B lo, B hi, __m256i flip, void* dst) {
  auto* out = static_cast<uint8_t*>(dst);
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m256i bytes = narrow32(
        code_step(w + i, inv, offset, lo, hi), code_step(w + i + 8, inv, offset, lo, hi),
        code_step(w + i + 16, inv, offset, lo, hi), code_step(w + i + 24, inv, offset, lo, hi));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), _mm256_xor_si256(bytes, flip));
  }
  const __m128i flip8 = _mm256_castsi256_si128(flip);
  for (; i + 8 <= n; i += 8) {
    store8(out + i, _mm_xor_si128(narrow8(code_step(w + i, inv, offset, lo, hi)), flip8));
  }
  if (i < n) {
    const size_t j = n - 8;
    store8(out + j, _mm_xor_si128(narrow8(code_step(w + j, inv, offset, lo, hi)), flip8));
  }
}

struct Ops {
  static bool minmax(const float* w, size_t n, float* mn, float* mx) {
    return x86::avx2_minmax(w, n, mn, mx);
  }

  static void codes4(const float* w, size_t n, const GroupParams& p, bool asym, uint8_t* codes) {
    if (n < 8) {
      const float lo = x86::int4_code_lo(asym);
      const float hi = x86::int4_code_hi(asym);
      for (size_t i = 0; i < n; ++i) {
        codes[i] = static_cast<uint8_t>(quantize_value(w[i], p, lo, hi) & 0xF);
      }
      return;
    }
    codes_simd(w, n, B(p.inv), B(asym ? p.zp : 8.0F), B(0.0F), B(15.0F),
               _mm256_set1_epi8(asym ? 0 : 8), codes);
  }

  static void pack(const uint8_t* codes, size_t n, uint8_t* packed) {
    size_t i = 0;
    for (; i + 64 <= n; i += 64) {
      const __m256i lo = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(codes + i));
      const __m256i hi = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(codes + i + 32));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(packed + i / 2), x86::avx2_pack64(lo, hi));
    }
    if (i < n) {
      // The staging buffer has room for the whole step; only (n - i + 1) / 2 bytes go out.
      const __m256i lo = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(codes + i));
      const __m256i hi = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(codes + i + 32));
      alignas(32) uint8_t tail[32];
      _mm256_store_si256(reinterpret_cast<__m256i*>(tail), x86::avx2_pack64(lo, hi));
      std::memcpy(packed + i / 2, tail, (n - i + 1) / 2);
    }
  }

  static void codes8(const float* w, size_t n, const GroupParams& p, int8_t* codes) {
    if (n < 8) {
      for (size_t i = 0; i < n; ++i) {
        codes[i] = static_cast<int8_t>(quantize_value(w[i], p, -127.0F, 127.0F));
      }
      return;
    }
    codes_simd(w, n, B(p.inv), B(0.0F), B(-127.0F), B(127.0F), _mm256_setzero_si256(), codes);
  }
};

QuantizeResult int4(const float* w, size_t rows, size_t cols, size_t group, Scheme scheme,
                    uint8_t* codes, float* scales, uint8_t* zero_points, size_t* bad_index) {
  return x86::quantize_int4_rows<Ops>(w, rows, cols, group, scheme, codes, scales, zero_points,
                                      bad_index);
}

QuantizeResult int8_rows(const float* w, size_t rows, size_t cols, int8_t* codes, float* scales,
                         size_t* bad_index) {
  return x86::quantize_int8_rows<Ops>(w, rows, cols, codes, scales, bad_index);
}

}  // namespace

extern const QuantizeKernel quantize_avx2 = {Isa::avx2, "avx2", supports_all, int4, int8_rows};

}  // namespace mq::kernels
