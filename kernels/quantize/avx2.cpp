// AVX2 variant of the quantize family; the row and group logic is kernels/quantize/x86_quantize.h.
//
// Per element: w * inv (one float32 multiply, no FMA, as quantize_value), converted to int32 with
// the MXCSR rounding (vcvtps2dq), narrowed with signed saturation, zero point and clamp on bytes
// (why that is exact: x86_quantize.h). Runs of 8 or more end with an overlapping recomputation of
// their last 8 codes (same values); shorter runs use quantize_value itself.
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

// round(w[0..8) * inv) as 32-bit integers, rounded to nearest even: vcvtps2dq rounds by MXCSR,
// which is round-to-nearest-even in every kernel call (each API entry point and worker task holds
// a DefaultFpEnvScope, common/fp_env.h; the scalar reference's nearbyintf relies on the same).
// One instruction instead of vroundps + vcvttps2dq: symmetric INT4 on 4096 x 11008 streamed
// 0.79-0.84 of the read ceiling against 0.75-0.79 (Zen 5, alternating runs); asymmetric unchanged.
__m256i rounded(const float* w, B inv) { return _mm256_cvtps_epi32(B::load_unaligned(w) * inv); }

// Four vectors of 32-bit integers -> 32 bytes in order, with signed saturation.
__m256i narrow32(__m256i a, __m256i b, __m256i c, __m256i d) {
  const __m256i bytes = _mm256_packs_epi16(_mm256_packs_epi32(a, b), _mm256_packs_epi32(c, d));
  return _mm256_permutevar8x32_epi32(bytes, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
}

// One vector of 32-bit integers -> 8 bytes in order (low half), with signed saturation.
__m128i narrow8(__m256i a) {
  const __m128i words = _mm_packs_epi32(_mm256_castsi256_si128(a), _mm256_extracti128_si256(a, 1));
  return _mm_packs_epi16(words, words);
}

// n >= 8 codes clamp(round(w * inv) + add, lo, hi) at dst, one per byte (see x86_quantize.h).
void codes_simd(const float* w, size_t n, float inv_scale, int add, int lo, int hi, void* dst,
                x86::StreamPrefetch* pf) {
  auto* out = static_cast<uint8_t*>(dst);
  const B inv(inv_scale);
  const __m256i add32 = _mm256_set1_epi8(static_cast<char>(add));
  const __m256i lo32 = _mm256_set1_epi8(static_cast<char>(lo));
  const __m256i hi32 = _mm256_set1_epi8(static_cast<char>(hi));
  if (n < 32) x86::prefetch_advance(pf, n);
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    x86::prefetch_piece(pf, i, n);
    const __m256i q = narrow32(rounded(w + i, inv), rounded(w + i + 8, inv),
                               rounded(w + i + 16, inv), rounded(w + i + 24, inv));
    const __m256i c = _mm256_min_epi8(_mm256_max_epi8(_mm256_adds_epi8(q, add32), lo32), hi32);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), c);
  }
  const __m128i add8 = _mm256_castsi256_si128(add32);
  const __m128i lo8 = _mm256_castsi256_si128(lo32);
  const __m128i hi8 = _mm256_castsi256_si128(hi32);
  const auto step = [&](size_t at) {
    const __m128i q = narrow8(rounded(w + at, inv));
    _mm_storel_epi64(reinterpret_cast<__m128i*>(out + at),
                     _mm_min_epi8(_mm_max_epi8(_mm_adds_epi8(q, add8), lo8), hi8));
  };
  for (; i + 8 <= n; i += 8) step(i);
  if (i < n) step(n - 8);  // overlaps codes already written, with the same values
}

// codes_simd's clamped 32 codes (one per byte) of w[0, 32).
__m256i codes32(const float* w, B inv, __m256i add, __m256i lo, __m256i hi) {
  const __m256i q =
      narrow32(rounded(w, inv), rounded(w + 8, inv), rounded(w + 16, inv), rounded(w + 24, inv));
  return _mm256_min_epi8(_mm256_max_epi8(_mm256_adds_epi8(q, add), lo), hi);
}

// `count` full groups of `group` floats (a multiple of 64) -> canonical bytes: 64 codes, 32 bytes,
// per step.
void codes_packed(const float* w, size_t group, size_t count, const GroupParams* params, bool asym,
                  uint8_t* packed, x86::StreamPrefetch* pf) {
  const __m256i lo = _mm256_set1_epi8(static_cast<char>(asym ? 0 : -8));
  const __m256i hi = _mm256_set1_epi8(static_cast<char>(asym ? 15 : 7));
  for (size_t g = 0; g < count; ++g) {
    const B inv(params[g].inv);
    const __m256i add = _mm256_set1_epi8(static_cast<char>(asym ? params[g].zp : 0.0F));
    const float* src = w + g * group;
    uint8_t* dst = packed + g * group / 2;
    x86::prefetch_advance(pf, group);
    for (size_t c = 0; c < group; c += 64) {
      const __m256i a = codes32(src + c, inv, add, lo, hi);
      const __m256i b = codes32(src + c + 32, inv, add, lo, hi);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + c / 2), x86::avx2_pack64(a, b));
    }
  }
}

struct Ops {
  static constexpr size_t kLanes = 8;
  static constexpr size_t kPackStep = 64;

  static void codes4_packed(const float* w, size_t group, size_t count, const GroupParams* params,
                            bool asym, uint8_t* packed, x86::StreamPrefetch* pf) {
    codes_packed(w, group, count, params, asym, packed, pf);
  }

  static bool tile(const float* w, size_t group, size_t count, float* mins, float* maxs,
                   x86::StreamPrefetch* pf) {
    __m256 mn;
    __m256 mx;
    if (!x86::avx2_minmax_tile(w, group, count, &mn, &mx, pf)) return false;
    _mm256_storeu_ps(mins, mn);
    _mm256_storeu_ps(maxs, mx);
    return true;
  }

  static bool minmax(const float* w, size_t n, float* mn, float* mx, x86::StreamPrefetch* pf) {
    return x86::avx2_minmax(w, n, mn, mx, pf);
  }

  static void codes4(const float* w, size_t n, const GroupParams& p, bool asym, uint8_t* codes,
                     x86::StreamPrefetch* pf) {
    if (n < 8) {
      x86::prefetch_advance(pf, n);
      const float lo = x86::int4_code_lo(asym);
      const float hi = x86::int4_code_hi(asym);
      for (size_t i = 0; i < n; ++i) {
        codes[i] = static_cast<uint8_t>(quantize_value(w[i], p, lo, hi) & 0xF);
      }
      return;
    }
    if (asym) {
      codes_simd(w, n, p.inv, static_cast<int>(p.zp), 0, 15, codes, pf);
    } else {
      codes_simd(w, n, p.inv, 0, -8, 7, codes, pf);
    }
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

  static void codes8(const float* w, size_t n, const GroupParams& p, int8_t* codes,
                     x86::StreamPrefetch* pf) {
    if (n < 8) {
      x86::prefetch_advance(pf, n);
      for (size_t i = 0; i < n; ++i) {
        codes[i] = static_cast<int8_t>(quantize_value(w[i], p, -127.0F, 127.0F));
      }
      return;
    }
    codes_simd(w, n, p.inv, 0, -127, 127, codes, pf);
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
