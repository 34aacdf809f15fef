// Scalar reference of the convert family: F16 / BF16 -> fp32 by integer bit manipulation, so the
// result does not depend on the compiler's or the CPU's half-precision support.
#include <cstring>

#include "convert/convert.h"

namespace mq::kernels {
namespace {

uint32_t load_u16le(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8);
}

// Stores the bits through memory, never through a float register: on some ABIs (x87) a float
// passing through a register would have a signalling NaN quieted.
void store_bits(float* out, uint32_t bits) { std::memcpy(out, &bits, sizeof bits); }

// binary16: 1 sign, 5 exponent (bias 15), 10 mantissa bits. fp32: 1, 8 (bias 127), 23.
uint32_t f16_bits_to_f32_bits(uint32_t h) {
  const uint32_t sign = (h & 0x8000U) << 16;
  const uint32_t exponent = (h >> 10) & 0x1FU;
  uint32_t mantissa = h & 0x3FFU;
  if (exponent == 0x1FU) {
    if (mantissa == 0) return sign | 0x7F800000U;  // infinity
    return sign | 0x7FC00000U | (mantissa << 13);  // NaN: payload kept, quieted
  }
  if (exponent != 0) return sign | ((exponent + 112U) << 23) | (mantissa << 13);  // 127 - 15
  if (mantissa == 0) return sign;                                                 // +-0
  // Subnormal: mantissa * 2^-24. Shift the leading 1 up to the implicit-bit position (bit 10),
  // lowering the exponent once per shift; every such value is a normal fp32.
  uint32_t e = 113;  // the exponent of 2^-14, the subnormals' scale, biased for fp32
  while ((mantissa & 0x400U) == 0) {
    mantissa <<= 1;
    --e;
  }
  return sign | (e << 23) | ((mantissa & 0x3FFU) << 13);
}

void f16_to_f32(const uint8_t* in, size_t count, float* out) {
  for (size_t i = 0; i < count; ++i) {
    store_bits(out + i, f16_bits_to_f32_bits(load_u16le(in + 2 * i)));
  }
}

void bf16_to_f32(const uint8_t* in, size_t count, float* out) {
  for (size_t i = 0; i < count; ++i) store_bits(out + i, load_u16le(in + 2 * i) << 16);
}

}  // namespace

extern const ConvertKernel convert_scalar = {Isa::scalar, "scalar", f16_to_f32, bf16_to_f32};

}  // namespace mq::kernels
