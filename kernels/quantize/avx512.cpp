// AVX-512 (F/CD/BW/DQ/VL) variant of the quantize family; the row and group logic is
// kernels/quantize/x86_quantize.h.
//
// Per element only round(w * inv) is vectorised, with the same float32 operations as
// quantize_value: multiply (no FMA), round to nearest even (vrndscaleps with imm 0), add the zero
// point, clamp, convert. The symmetric INT4 code is computed as clamp(round(w * inv) + 8, 0, 15) ^
// 8, which is clamp(round(w * inv), -8, 7) & 0xF for every input. Partial vectors are masked loads
// and masked narrowing stores (vpmovdb).

#include <xsimd/xsimd.hpp>

#include "common/formats.h"
#include "common/quant_rules.h"
#include "common/x86_avx512_intrinsics.h"
#include "pack/x86_nibbles.h"
#include "quantize/quantize.h"
#include "quantize/x86_quantize.h"
#include "reduce/x86_minmax.h"

namespace mq::kernels {
namespace {

using B = x86::Avx512Floats;

bool supports_all(size_t /*cols*/, size_t /*group*/) { return true; }

// round(v * inv) as 32-bit integers, rounded to nearest even.
__m512i rounded(B v, B inv) {
  return _mm512_cvt_roundps_epi32(v * inv, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
}

// Four vectors of 32-bit integers -> 64 bytes in order, with signed saturation: the packs work per
// 128-bit lane, leaving lane l = [a_l, b_l, c_l, d_l]; the dword permute restores the order.
__m512i narrow64(__m512i a, __m512i b, __m512i c, __m512i d) {
  const __m512i bytes = _mm512_packs_epi16(_mm512_packs_epi32(a, b), _mm512_packs_epi32(c, d));
  const __m512i order = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
  return _mm512_permutexvar_epi32(order, bytes);
}

// n codes clamp(round(w * inv) + add, lo, hi) at dst, one per byte (see x86_quantize.h).
void codes_simd(const float* w, size_t n, float inv_scale, int add, int lo, int hi, void* dst,
                x86::StreamPrefetch* pf) {
  auto* out = static_cast<uint8_t*>(dst);
  const B inv(inv_scale);
  const __m512i add64 = _mm512_set1_epi8(static_cast<char>(add));
  const __m512i lo64 = _mm512_set1_epi8(static_cast<char>(lo));
  const __m512i hi64 = _mm512_set1_epi8(static_cast<char>(hi));
  if (n < 64) x86::prefetch_advance(pf, n);
  size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    x86::prefetch_piece(pf, i, n);
    const __m512i q = narrow64(
        rounded(B::load_unaligned(w + i), inv), rounded(B::load_unaligned(w + i + 16), inv),
        rounded(B::load_unaligned(w + i + 32), inv), rounded(B::load_unaligned(w + i + 48), inv));
    const __m512i c = _mm512_min_epi8(_mm512_max_epi8(_mm512_adds_epi8(q, add64), lo64), hi64);
    _mm512_storeu_si512(out + i, c);
  }
  const __m128i add16 = _mm_set1_epi8(static_cast<char>(add));
  const __m128i lo16 = _mm_set1_epi8(static_cast<char>(lo));
  const __m128i hi16 = _mm_set1_epi8(static_cast<char>(hi));
  for (; i < n; i += 16) {
    const __mmask16 lanes = x86::avx512_lanes(n - i);
    const __m128i q = _mm512_cvtsepi32_epi8(rounded(_mm512_maskz_loadu_ps(lanes, w + i), inv));
    const __m128i c = _mm_min_epi8(_mm_max_epi8(_mm_adds_epi8(q, add16), lo16), hi16);
    _mm_mask_storeu_epi8(out + i, lanes, c);
  }
}

// codes_simd's clamped 64 codes (one per byte) of w[0, 64).
__m512i codes64(const float* w, B inv, __m512i add, __m512i lo, __m512i hi) {
  const __m512i q =
      narrow64(rounded(B::load_unaligned(w), inv), rounded(B::load_unaligned(w + 16), inv),
               rounded(B::load_unaligned(w + 32), inv), rounded(B::load_unaligned(w + 48), inv));
  return _mm512_min_epi8(_mm512_max_epi8(_mm512_adds_epi8(q, add), lo), hi);
}

// `count` full groups of `group` floats (a multiple of 128) -> canonical bytes: 128 codes, 64
// bytes, per step.
void codes_packed(const float* w, size_t group, size_t count, const GroupParams* params, bool asym,
                  uint8_t* packed, x86::StreamPrefetch* pf) {
  const __m512i lo = _mm512_set1_epi8(static_cast<char>(asym ? 0 : -8));
  const __m512i hi = _mm512_set1_epi8(static_cast<char>(asym ? 15 : 7));
  for (size_t g = 0; g < count; ++g) {
    const B inv(params[g].inv);
    const __m512i add = _mm512_set1_epi8(static_cast<char>(asym ? params[g].zp : 0.0F));
    const float* src = w + g * group;
    uint8_t* dst = packed + g * group / 2;
    x86::prefetch_advance(pf, group);
    for (size_t c = 0; c < group; c += 128) {
      const __m512i a = codes64(src + c, inv, add, lo, hi);
      const __m512i b = codes64(src + c + 64, inv, add, lo, hi);
      _mm512_storeu_si512(dst + c / 2, x86::avx512_pack128(a, b));
    }
  }
}

struct Ops {
  static constexpr size_t kLanes = 16;
  static constexpr size_t kPackStep = 128;

  static void codes4_packed(const float* w, size_t group, size_t count, const GroupParams* params,
                            bool asym, uint8_t* packed, x86::StreamPrefetch* pf) {
    codes_packed(w, group, count, params, asym, packed, pf);
  }

  static bool tile(const float* w, size_t group, size_t count, float* mins, float* maxs,
                   x86::StreamPrefetch* pf) {
    __m512 mn;
    __m512 mx;
    if (!x86::avx512_minmax_tile(w, group, count, &mn, &mx, pf)) return false;
    _mm512_storeu_ps(mins, mn);
    _mm512_storeu_ps(maxs, mx);
    return true;
  }

  static bool minmax(const float* w, size_t n, float* mn, float* mx, x86::StreamPrefetch* pf) {
    return x86::avx512_minmax(w, n, mn, mx, pf);
  }

  static void codes4(const float* w, size_t n, const GroupParams& p, bool asym, uint8_t* codes,
                     x86::StreamPrefetch* pf) {
    if (asym) {
      codes_simd(w, n, p.inv, static_cast<int>(p.zp), 0, 15, codes, pf);
    } else {
      codes_simd(w, n, p.inv, 0, -8, 7, codes, pf);
    }
  }

  static void pack(const uint8_t* codes, size_t n, uint8_t* packed) {
    size_t i = 0;
    for (; i + 128 <= n; i += 128) {
      _mm512_storeu_si512(packed + i / 2, x86::avx512_pack128(_mm512_loadu_si512(codes + i),
                                                              _mm512_loadu_si512(codes + i + 64)));
    }
    if (i < n) {
      // Masked-off codes load as 0, which also makes the padding nibble of an odd n zero.
      const size_t rest = n - i;
      const __m512i lo = _mm512_maskz_loadu_epi8(x86::avx512_mask64(rest), codes + i);
      const __m512i hi =
          rest > 64 ? _mm512_maskz_loadu_epi8(x86::avx512_mask64(rest - 64), codes + i + 64)
                    : _mm512_setzero_si512();
      _mm512_mask_storeu_epi8(packed + i / 2, x86::avx512_mask64((rest + 1) / 2),
                              x86::avx512_pack128(lo, hi));
    }
  }

  static void codes8(const float* w, size_t n, const GroupParams& p, int8_t* codes,
                     x86::StreamPrefetch* pf) {
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

extern const QuantizeKernel quantize_avx512 = {Isa::avx512, "avx512", supports_all, int4,
                                               int8_rows};

}  // namespace mq::kernels
