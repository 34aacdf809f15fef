// AVX2 variant of the dequantize family; the row and group logic is
// kernels/dequantize/x86_dequantize.h, the value loop kernels/dequantize/x86_values256.h. Codes
// are widened to 32 bits (vpmovsxbd), the zero point is subtracted in integers, converted (exact)
// and multiplied once by the scale. The unpack's last partial step reads the caller's bytes
// through a stack copy.
#include <immintrin.h>

#include <cstring>

#include "common/formats.h"
#include "dequantize/dequantize.h"
#include "dequantize/x86_dequantize.h"
#include "dequantize/x86_values256.h"
#include "pack/x86_nibbles.h"

namespace mq::kernels {
namespace {

bool supports_all(size_t /*cols*/, size_t /*group*/) { return true; }

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
  static void unpack(const uint8_t* packed, size_t n, bool symmetric, int8_t* codes) {
    size_t i = 0;
    for (; i + 64 <= n; i += 64) unpack_step(packed + i / 2, symmetric, codes + i);
    if (i < n) {
      alignas(32) uint8_t tail[32] = {};
      std::memcpy(tail, packed + i / 2, (n - i + 1) / 2);
      unpack_step(tail, symmetric, codes + i);  // the staging buffer has room for the whole step
    }
  }

  static void values(const int8_t* codes, size_t n, int32_t zp, float scale, float* out,
                     bool /*to_memory*/) {
    x86::dequantize_values256(codes, n, zp, scale, out);
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
