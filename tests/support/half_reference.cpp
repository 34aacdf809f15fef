#include "support/half_reference.h"

#include <cmath>
#include <cstring>

namespace mq::test {
namespace {

uint32_t bits_of(float f) {
  uint32_t b = 0;
  std::memcpy(&b, &f, sizeof b);
  return b;
}

// (-1)^sign * value, rounded to float (exact for every value these formats hold).
uint32_t signed_value_bits(bool negative, double value) {
  return bits_of(static_cast<float>(negative ? -value : value));
}

}  // namespace

uint32_t f16_to_f32_reference_bits(uint16_t h) {
  const bool negative = (h & 0x8000) != 0;
  const int exponent = (h >> 10) & 0x1F;
  const int mantissa = h & 0x3FF;
  if (exponent == 0x1F) {
    if (mantissa == 0) return signed_value_bits(negative, INFINITY);
    // NaN: sign, quiet bit, the 10 payload bits at the top of fp32's 23.
    return (negative ? 0x80000000U : 0U) | 0x7FC00000U | (static_cast<uint32_t>(mantissa) << 13);
  }
  const double value = exponent == 0
                           ? std::ldexp(mantissa, -24)                    // subnormal: m * 2^-24
                           : std::ldexp(1024 + mantissa, exponent - 25);  // 1.m * 2^(e-15)
  return signed_value_bits(negative, value);
}

uint32_t bf16_to_f32_reference_bits(uint16_t b) {
  const bool negative = (b & 0x8000) != 0;
  const int exponent = (b >> 7) & 0xFF;
  const int mantissa = b & 0x7F;
  if (exponent == 0xFF) {
    if (mantissa == 0) return signed_value_bits(negative, INFINITY);
    return static_cast<uint32_t>(b) << 16;  // NaN: every bit kept, signalling ones too
  }
  const double value = exponent == 0
                           ? std::ldexp(mantissa, -133)                   // subnormal: m * 2^-133
                           : std::ldexp(128 + mantissa, exponent - 134);  // 1.m * 2^(e-127)
  return signed_value_bits(negative, value);
}

}  // namespace mq::test
