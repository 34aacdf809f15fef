// Every variant of the convert family against a reference derived from the F16 / BF16 definitions,
// on all 65536 bit patterns of each format (subnormals, infinities, signalling and quiet NaNs),
// from unaligned input.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "convert/convert.h"
#include "support/half_reference.h"
#include "support/variants.h"

namespace mq::kernels {
namespace {

class ConvertVariant : public ::testing::TestWithParam<const ConvertKernel*> {};

// All 65536 patterns, little-endian, starting one byte into the buffer (a mapped tensor may sit at
// any offset).
std::vector<uint8_t> all_patterns_unaligned() {
  std::vector<uint8_t> bytes(1 + 2 * 65536);
  for (uint32_t i = 0; i < 65536; ++i) {
    bytes[1 + 2 * i] = static_cast<uint8_t>(i & 0xFF);
    bytes[2 + 2 * i] = static_cast<uint8_t>(i >> 8);
  }
  return bytes;
}

using Convert = void (*)(const uint8_t*, size_t, float*);
using Reference = uint32_t (*)(uint16_t);

void expect_all_patterns(Convert convert, Reference reference, const char* format) {
  const std::vector<uint8_t> in = all_patterns_unaligned();
  // One guard float on each side: the kernel must write exactly `count` floats.
  std::vector<float> out(65536 + 2, 123.0F);
  convert(in.data() + 1, 65536, out.data() + 1);
  size_t mismatches = 0;
  for (uint32_t i = 0; i < 65536; ++i) {
    uint32_t got = 0;
    std::memcpy(&got, &out[1 + i], sizeof got);
    const uint32_t want = reference(static_cast<uint16_t>(i));
    if (got != want && ++mismatches <= 5) {
      ADD_FAILURE() << format << " 0x" << std::hex << i << " -> 0x" << got << ", want 0x" << want;
    }
  }
  EXPECT_EQ(mismatches, 0U) << format;
  EXPECT_EQ(out.front(), 123.0F);
  EXPECT_EQ(out.back(), 123.0F);
}

TEST_P(ConvertVariant, F16AllBitPatterns) {
  const ConvertKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  expect_all_patterns(k.f16_to_f32, test::f16_to_f32_reference_bits, "F16");
}

TEST_P(ConvertVariant, Bf16AllBitPatterns) {
  const ConvertKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  expect_all_patterns(k.bf16_to_f32, test::bf16_to_f32_reference_bits, "BF16");
}

TEST_P(ConvertVariant, EveryLengthWritesExactlyCount) {
  const ConvertKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  const std::vector<uint8_t> in = all_patterns_unaligned();
  for (size_t n = 0; n <= 70; ++n) {
    for (const Convert convert : {k.f16_to_f32, k.bf16_to_f32}) {
      std::vector<float> out(n + 1, 7.0F);
      convert(in.data() + 1 + 2 * 1000, n, out.data());
      EXPECT_EQ(out[n], 7.0F) << "wrote past " << n << " elements";
    }
  }
}

// Spot values that a reader can check by eye, independent of the reference function.
TEST(ConvertScalar, KnownValues) {
  const ConvertKernel& k = convert_kernels()[0];
  const uint8_t f16[] = {0x00, 0x3C, 0x00, 0xC0, 0x01, 0x00, 0xFF, 0x7B, 0x00, 0x7C};
  float out[5] = {};
  k.f16_to_f32(f16, 5, out);
  EXPECT_EQ(out[0], 1.0F);
  EXPECT_EQ(out[1], -2.0F);
  EXPECT_EQ(out[2], 5.9604644775390625e-08F);  // the smallest F16 subnormal, 2^-24
  EXPECT_EQ(out[3], 65504.0F);                 // the largest finite F16
  EXPECT_EQ(out[4], INFINITY);
  const uint8_t bf16[] = {0x80, 0x3F, 0x49, 0x40, 0x80, 0xFF};
  k.bf16_to_f32(bf16, 3, out);
  EXPECT_EQ(out[0], 1.0F);
  EXPECT_EQ(out[1], 3.140625F);
  EXPECT_EQ(out[2], -INFINITY);
}

INSTANTIATE_TEST_SUITE_P(AllVariants, ConvertVariant,
                         ::testing::ValuesIn(test::variants(convert_kernels())),
                         test::VariantName());

}  // namespace
}  // namespace mq::kernels
