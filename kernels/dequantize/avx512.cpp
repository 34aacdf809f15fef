// AVX-512 (F/CD/BW/DQ/VL) variant of the dequantize family; the row and group logic is
// kernels/dequantize/x86_dequantize.h. Codes are widened to 32 bits (vpmovsxbd), the zero point is
// subtracted in integers, converted (exact) and multiplied once by the scale. Partial vectors are
// masked loads and stores. Outputs that go to memory take the 256-bit loop of
// kernels/dequantize/x86_values256.h instead (faster there; see x86_dequantize.h).

#include <xsimd/xsimd.hpp>

#include "common/formats.h"
#include "common/x86_avx512_intrinsics.h"
#include "dequantize/dequantize.h"
#include "dequantize/x86_dequantize.h"
#include "dequantize/x86_values256.h"
#include "pack/x86_nibbles.h"

namespace mq::kernels {
namespace {

using B = xsimd::batch<float, xsimd::avx512f>;

bool supports_all(size_t /*cols*/, size_t /*group*/) { return true; }

// (float)(q - zp) * scale for 16 codes.
B values16(__m128i q, __m512i zp, B scale) {
  return B(_mm512_cvtepi32_ps(_mm512_sub_epi32(_mm512_cvtepi8_epi32(q), zp))) * scale;
}

__m128i load16(const int8_t* codes) {
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(codes));
}

void unpack_into(__m256i bytes, bool symmetric, int8_t* codes) {
  __m512i c = x86::avx512_unpack64(bytes);
  if (symmetric) c = x86::avx512_sign_extend_nibbles(c);
  _mm512_storeu_si512(codes, c);
}

struct Ops {
  static void unpack(const uint8_t* packed, size_t n, bool symmetric, int8_t* codes) {
    size_t i = 0;
    for (; i + 128 <= n; i += 128) {
      const uint8_t* p = packed + i / 2;
      unpack_into(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)), symmetric, codes + i);
      unpack_into(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32)), symmetric,
                  codes + i + 64);
    }
    if (i < n) {
      // Only the caller's bytes are masked; the staging buffer has room for the whole step.
      const size_t bytes = (n - i + 1) / 2;
      const uint8_t* p = packed + i / 2;
      const auto first = static_cast<__mmask32>(x86::avx512_mask64(bytes < 32 ? bytes : 32));
      unpack_into(_mm256_maskz_loadu_epi8(first, p), symmetric, codes + i);
      if (bytes > 32) {
        const auto second = static_cast<__mmask32>(x86::avx512_mask64(bytes - 32));
        unpack_into(_mm256_maskz_loadu_epi8(second, p + 32), symmetric, codes + i + 64);
      }
    }
  }

  static void values(const int8_t* codes, size_t n, int32_t zp, float scale, float* out,
                     bool to_memory) {
    if (to_memory && n >= 8) {  // shorter runs: the masked 512-bit loop beats scalar code
      x86::dequantize_values256(codes, n, zp, scale, out);
      return;
    }
    const __m512i zpv = _mm512_set1_epi32(zp);
    const B s(scale);
    size_t i = 0;
    for (; i + 64 <= n; i += 64) {
      values16(load16(codes + i), zpv, s).store_unaligned(out + i);
      values16(load16(codes + i + 16), zpv, s).store_unaligned(out + i + 16);
      values16(load16(codes + i + 32), zpv, s).store_unaligned(out + i + 32);
      values16(load16(codes + i + 48), zpv, s).store_unaligned(out + i + 48);
    }
    for (; i < n; i += 16) {
      const __mmask16 lanes = x86::avx512_mask16(n - i);
      _mm512_mask_storeu_ps(out + i, lanes,
                            values16(_mm_maskz_loadu_epi8(lanes, codes + i), zpv, s));
    }
  }
};

void int4(const uint8_t* codes, const float* scales, const uint8_t* zero_points, size_t rows,
          size_t cols, size_t group, Scheme scheme, float* out) {
  x86::dequantize_int4_rows<Ops>(codes, scales, zero_points, rows, cols, group, scheme, out);
}

void int8_rows(const int8_t* codes, const float* scales, size_t rows, size_t cols, float* out) {
  x86::dequantize_int8_rows<Ops>(codes, scales, rows, cols, out);
}

}  // namespace

extern const DequantizeKernel dequantize_avx512 = {Isa::avx512, "avx512", supports_all, int4,
                                                   int8_rows};

}  // namespace mq::kernels
