// Reference F16 / BF16 -> fp32 conversions for the tests, derived from the formats' definitions
// (sign, exponent and mantissa evaluated in double with ldexp) rather than from bit tricks, so they
// check the library's bit manipulation independently.
#ifndef MONOQUANT_TESTS_SUPPORT_HALF_REFERENCE_H
#define MONOQUANT_TESTS_SUPPORT_HALF_REFERENCE_H

#include <cstdint>

namespace mq::test {

// The fp32 bit pattern that a 16-bit pattern must convert to (the NaN rules of
// include/monoquant/monoquant_model.h: F16 NaNs keep sign and payload and are quieted; BF16 keeps
// every bit).
uint32_t f16_to_f32_reference_bits(uint16_t h);
uint32_t bf16_to_f32_reference_bits(uint16_t b);

}  // namespace mq::test

#endif
