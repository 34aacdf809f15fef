// AVX2 variant of the pack family: 64 codes per step; the last partial step goes through a small
// zero-filled stack buffer, so nothing outside the caller's buffers is read or written.
#include <immintrin.h>

#include <cstring>

#include "common/formats.h"
#include "pack/pack.h"
#include "pack/x86_nibbles.h"
#include "pack/x86_pack.h"

namespace mq::kernels {
namespace {

using x86::avx2_pack64;
using x86::avx2_sign_extend_nibbles;
using x86::avx2_unpack32;

constexpr size_t kCodes = 64;  // codes per step, kCodes / 2 canonical bytes

bool supports_all(size_t /*cols*/) { return true; }

// Range-checks the 64 codes at `values` and packs them into 32 bytes at `packed`.
bool pack_step(const int8_t* values, __m256i bias, uint8_t* packed) {
  const __m256i lo = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(values));
  const __m256i hi = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(values + 32));
  const __m256i biased = _mm256_or_si256(_mm256_add_epi8(lo, bias), _mm256_add_epi8(hi, bias));
  if (!_mm256_testz_si256(biased, _mm256_set1_epi8(static_cast<char>(0xF0)))) return false;
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(packed), avx2_pack64(lo, hi));
  return true;
}

// 32 canonical bytes at `packed` -> 64 values at `values`.
void unpack_step(const uint8_t* packed, bool symmetric, int8_t* values) {
  __m256i a = avx2_unpack32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(packed)));
  __m256i b = avx2_unpack32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(packed + 16)));
  if (symmetric) {
    a = avx2_sign_extend_nibbles(a);
    b = avx2_sign_extend_nibbles(b);
  }
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(values), a);
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(values + 32), b);
}

struct Stream {
  static bool pack(const int8_t* values, size_t n, Scheme scheme, uint8_t* packed, size_t* bad) {
    const __m256i bias = _mm256_set1_epi8(x86::range_bias(scheme));
    size_t i = 0;
    for (; i + kCodes <= n; i += kCodes) {
      if (!pack_step(values + i, bias, packed + i / 2)) {
        *bad = i + x86::first_out_of_range(values + i, kCodes, scheme);
        return false;
      }
    }
    if (i < n) {
      // Zero codes are in range for both schemes and make the padding nibble of an odd n zero.
      const size_t rest = n - i;
      alignas(32) int8_t in[kCodes] = {};
      alignas(32) uint8_t out[kCodes / 2];
      std::memcpy(in, values + i, rest);
      if (!pack_step(in, bias, out)) {
        *bad = i + x86::first_out_of_range(in, rest, scheme);
        return false;
      }
      std::memcpy(packed + i / 2, out, (rest + 1) / 2);
    }
    return true;
  }

  static void unpack(const uint8_t* packed, size_t n, Scheme scheme, int8_t* values) {
    const bool symmetric = scheme == Scheme::symmetric;
    size_t i = 0;
    for (; i + kCodes <= n; i += kCodes) unpack_step(packed + i / 2, symmetric, values + i);
    if (i < n) {
      const size_t rest = n - i;
      alignas(32) uint8_t in[kCodes / 2] = {};
      alignas(32) int8_t out[kCodes];
      std::memcpy(in, packed + i / 2, (rest + 1) / 2);
      unpack_step(in, symmetric, out);
      std::memcpy(values + i, out, rest);
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

extern const PackKernel pack_avx2 = {Isa::avx2, "avx2", supports_all, pack, unpack};

}  // namespace mq::kernels
