// AVX-512 (F/CD/BW/DQ/VL) variant of the pack family: 128 codes per step; the last partial step
// uses masked loads and stores, so nothing outside the caller's buffers is read or written.

#include "common/formats.h"
#include "common/x86_avx512_intrinsics.h"
#include "pack/pack.h"
#include "pack/x86_nibbles.h"
#include "pack/x86_pack.h"

namespace mq::kernels {
namespace {

using x86::avx512_mask64;
using x86::avx512_pack128;
using x86::avx512_sign_extend_nibbles;
using x86::avx512_unpack64;

constexpr size_t kCodes = 128;  // codes per step, kCodes / 2 canonical bytes

bool supports_all(size_t /*cols*/) { return true; }

// Lanes of the 64 codes whose value is outside the scheme's range.
__mmask64 out_of_range(__m512i codes, __m512i bias) {
  return _mm512_test_epi8_mask(_mm512_add_epi8(codes, bias),
                               _mm512_set1_epi8(static_cast<char>(0xF0)));
}

// Offset of the first code out of range in lo, hi (128 codes), or kCodes.
size_t first_bad(__m512i lo, __m512i hi, __m512i bias) {
  const __mmask64 bad_lo = out_of_range(lo, bias);
  if (bad_lo != 0) return static_cast<size_t>(__builtin_ctzll(bad_lo));
  const __mmask64 bad_hi = out_of_range(hi, bias);
  if (bad_hi != 0) return 64 + static_cast<size_t>(__builtin_ctzll(bad_hi));
  return kCodes;
}

void unpack_into(__m256i bytes, bool symmetric, int8_t* values, __mmask64 lanes) {
  __m512i codes = avx512_unpack64(bytes);
  if (symmetric) codes = avx512_sign_extend_nibbles(codes);
  _mm512_mask_storeu_epi8(values, lanes, codes);
}

struct Stream {
  static bool pack(const int8_t* values, size_t n, Scheme scheme, uint8_t* packed, size_t* bad) {
    const __m512i bias = _mm512_set1_epi8(x86::range_bias(scheme));
    size_t i = 0;
    for (; i + kCodes <= n; i += kCodes) {
      const __m512i lo = _mm512_loadu_si512(values + i);
      const __m512i hi = _mm512_loadu_si512(values + i + 64);
      const __m512i biased = _mm512_or_si512(_mm512_add_epi8(lo, bias), _mm512_add_epi8(hi, bias));
      if (_mm512_test_epi8_mask(biased, _mm512_set1_epi8(static_cast<char>(0xF0))) != 0) {
        *bad = i + first_bad(lo, hi, bias);
        return false;
      }
      _mm512_storeu_si512(packed + i / 2, avx512_pack128(lo, hi));
    }
    if (i < n) {
      // Masked-off lanes load as 0, which is in range for both schemes and makes the padding
      // nibble of an odd n zero.
      const size_t rest = n - i;
      const __m512i lo = _mm512_maskz_loadu_epi8(avx512_mask64(rest), values + i);
      const __m512i hi = rest > 64
                             ? _mm512_maskz_loadu_epi8(avx512_mask64(rest - 64), values + i + 64)
                             : _mm512_setzero_si512();
      const size_t at = first_bad(lo, hi, bias);
      if (at != kCodes) {
        *bad = i + at;
        return false;
      }
      _mm512_mask_storeu_epi8(packed + i / 2, avx512_mask64((rest + 1) / 2),
                              avx512_pack128(lo, hi));
    }
    return true;
  }

  static void unpack(const uint8_t* packed, size_t n, Scheme scheme, int8_t* values) {
    const bool symmetric = scheme == Scheme::symmetric;
    const __mmask64 all = ~__mmask64{0};
    size_t i = 0;
    for (; i + kCodes <= n; i += kCodes) {
      const uint8_t* p = packed + i / 2;
      unpack_into(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)), symmetric, values + i,
                  all);
      unpack_into(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32)), symmetric,
                  values + i + 64, all);
    }
    if (i < n) {
      const size_t rest = n - i;
      const size_t bytes = (rest + 1) / 2;
      const uint8_t* p = packed + i / 2;
      const auto first = static_cast<__mmask32>(avx512_mask64(bytes < 32 ? bytes : 32));
      unpack_into(_mm256_maskz_loadu_epi8(first, p), symmetric, values + i, avx512_mask64(rest));
      if (rest > 64) {
        const auto second = static_cast<__mmask32>(avx512_mask64(bytes - 32));
        unpack_into(_mm256_maskz_loadu_epi8(second, p + 32), symmetric, values + i + 64,
                    avx512_mask64(rest - 64));
      }
    }
  }
};

bool pack(const int8_t* values, size_t rows, size_t cols, Scheme scheme, uint8_t* packed,
          size_t* bad_index) {
  return x86::pack_rows<Stream>(values, rows, cols, scheme, packed, bad_index);
}

void unpack(const uint8_t* packed, size_t rows, size_t cols, Scheme scheme, int8_t* values) {
  x86::unpack_rows<Stream>(packed, rows, cols, scheme, values);
}

}  // namespace

extern const PackKernel pack_avx512 = {Isa::avx512, "avx512", supports_all, pack, unpack};

}  // namespace mq::kernels
