// AVX2 variant of the dequantize family; the row and group logic is
// kernels/dequantize/x86_dequantize.h. Codes are widened to 32 bits (vpmovsxbd), the zero point is
// subtracted in integers, converted (exact) and multiplied once by the scale. Runs of 8 or more end
// with an overlapping recomputation of their last 8 values (same bits); shorter runs are the
// reference's scalar expression. The unpack's last partial step reads the caller's bytes through a
// stack copy.
#include <immintrin.h>

#include <cstring>
#include <xsimd/xsimd.hpp>

#include "common/formats.h"
#include "dequantize/dequantize.h"
#include "dequantize/x86_dequantize.h"
#include "pack/x86_nibbles.h"

namespace mq::kernels {
namespace {

using B = xsimd::batch<float, xsimd::avx2>;

bool supports_all(size_t /*cols*/, size_t /*group*/) { return true; }

// (float)(codes[0..8) - zp) * scale.
B values8(const int8_t* codes, __m256i zp, B scale) {
  const __m128i q = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(codes));
  return B(_mm256_cvtepi32_ps(_mm256_sub_epi32(_mm256_cvtepi8_epi32(q), zp))) * scale;
}

// 32 canonical bytes at `packed` -> 64 codes at `codes`.
void unpack_step(const uint8_t* packed, bool symmetric, int8_t* codes) {
  __m256i a = x86::avx2_unpack32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(packed)));
  __m256i b = x86::avx2_unpack32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(packed + 16)));
  if (symmetric) {
    a = x86::avx2_sign_extend_nibbles(a);
    b = x86::avx2_sign_extend_nibbles(b);
  }
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(codes), a);
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(codes + 32), b);
}

struct Ops {
  static constexpr bool kStreamingStores = false;

  static void unpack(const uint8_t* packed, size_t n, bool symmetric, int8_t* codes) {
    size_t i = 0;
    for (; i + 64 <= n; i += 64) unpack_step(packed + i / 2, symmetric, codes + i);
    if (i < n) {
      alignas(32) uint8_t tail[32] = {};
      std::memcpy(tail, packed + i / 2, (n - i + 1) / 2);
      unpack_step(tail, symmetric, codes + i);  // the staging buffer has room for the whole step
    }
  }

  // Ordinary stores only (kStreamingStores).
  static void values(const int8_t* codes, size_t n, int32_t zp, float scale, float* out,
                     bool /*stream*/) {
    if (n < 8) {
      for (size_t i = 0; i < n; ++i) out[i] = static_cast<float>(codes[i] - zp) * scale;
      return;
    }
    const __m256i zpv = _mm256_set1_epi32(zp);
    const B s(scale);
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
      values8(codes + i, zpv, s).store_unaligned(out + i);
      values8(codes + i + 8, zpv, s).store_unaligned(out + i + 8);
      values8(codes + i + 16, zpv, s).store_unaligned(out + i + 16);
      values8(codes + i + 24, zpv, s).store_unaligned(out + i + 24);
    }
    for (; i + 8 <= n; i += 8) values8(codes + i, zpv, s).store_unaligned(out + i);
    if (i < n) values8(codes + n - 8, zpv, s).store_unaligned(out + n - 8);
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

extern const DequantizeKernel dequantize_avx2 = {Isa::avx2, "avx2", supports_all, int4, int8_rows};

}  // namespace mq::kernels
