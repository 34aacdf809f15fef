// Every variant of the pack family against the scalar reference, forced one by one.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "pack/pack.h"
#include "support/guarded_buffer.h"
#include "support/random_data.h"
#include "support/variants.h"

namespace mq::kernels {
namespace {

class PackVariant : public ::testing::TestWithParam<const PackKernel*> {};

// All 256 byte values, as one row of 512 codes, unpack to the nibbles the format defines.
TEST_P(PackVariant, AllByteValuesRoundTrip) {
  const PackKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  std::vector<uint8_t> bytes(256);
  for (int i = 0; i < 256; ++i) bytes[i] = static_cast<uint8_t>(i);
  for (const Scheme scheme : {Scheme::symmetric, Scheme::asymmetric}) {
    std::vector<int8_t> values(512, 99);
    k.unpack(bytes.data(), 1, 512, scheme, values.data());
    for (int i = 0; i < 256; ++i) {
      const int lo = i & 0xF, hi = i >> 4;
      const int expect_lo = scheme == Scheme::symmetric && lo >= 8 ? lo - 16 : lo;
      const int expect_hi = scheme == Scheme::symmetric && hi >= 8 ? hi - 16 : hi;
      ASSERT_EQ(values[2 * i], expect_lo) << "byte " << i;
      ASSERT_EQ(values[2 * i + 1], expect_hi) << "byte " << i;
    }
    std::vector<uint8_t> repacked(256, 0xAA);
    size_t bad = 0;
    ASSERT_TRUE(k.pack(values.data(), 1, 512, scheme, repacked.data(), &bad));
    EXPECT_EQ(repacked, bytes);
  }
}

// Random codes of every width around the SIMD widths, in buffers that end at a guard page, match
// the scalar reference bit for bit; odd widths leave the padding nibble 0.
TEST_P(PackVariant, MatchesScalarAtEveryTailWithoutOverrun) {
  const PackKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  const PackKernel& ref = pack_kernels()[0];
  for (const Scheme scheme : {Scheme::symmetric, Scheme::asymmetric}) {
    for (size_t cols = 1; cols <= 300; cols += (cols < 140 ? 1 : 37)) {
      const size_t rows = 3;
      const size_t row_bytes = int4_row_bytes(cols);
      std::vector<uint8_t> noise = test::random_bytes(rows * cols, test::test_seed(cols));
      test::GuardedBuffer values(rows * cols);
      for (size_t i = 0; i < rows * cols; ++i) {
        const int v = noise[i] & 0xF;
        values.as<int8_t>()[i] = static_cast<int8_t>(scheme == Scheme::symmetric ? v - 8 : v);
      }
      test::GuardedBuffer packed(rows * row_bytes);
      std::vector<uint8_t> expect(rows * row_bytes);
      size_t bad = 0;
      ASSERT_TRUE(ref.pack(values.as<int8_t>(), rows, cols, scheme, expect.data(), &bad));
      ASSERT_TRUE(k.pack(values.as<int8_t>(), rows, cols, scheme, packed.as<uint8_t>(), &bad));
      ASSERT_EQ(std::vector<uint8_t>(packed.as<uint8_t>(), packed.as<uint8_t>() + rows * row_bytes),
                expect)
          << "cols " << cols;
      if (cols % 2 == 1) {
        EXPECT_EQ(expect[row_bytes - 1] >> 4, 0) << "padding nibble";
      }
      test::GuardedBuffer unpacked(rows * cols);
      k.unpack(packed.as<uint8_t>(), rows, cols, scheme, unpacked.as<int8_t>());
      for (size_t i = 0; i < rows * cols; ++i) {
        ASSERT_EQ(unpacked.as<int8_t>()[i], values.as<int8_t>()[i])
            << "cols " << cols << " i " << i;
      }
    }
  }
}

// The first value out of range is found, wherever it is.
TEST_P(PackVariant, ReportsFirstOutOfRangeValue) {
  const PackKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  const size_t rows = 2, cols = 133;
  for (const Scheme scheme : {Scheme::symmetric, Scheme::asymmetric}) {
    for (const size_t at :
         {size_t{0}, size_t{1}, size_t{64}, size_t{131}, size_t{132}, size_t{200}}) {
      for (const int8_t bad_value :
           {int8_t{-9}, int8_t{8}, int8_t{16}, int8_t{-1}, int8_t{-128}, int8_t{127}}) {
        const bool in_range = scheme == Scheme::symmetric ? bad_value >= -8 && bad_value <= 7
                                                          : bad_value >= 0 && bad_value <= 15;
        if (in_range) continue;
        std::vector<int8_t> values(rows * cols, 3);
        values[at] = bad_value;
        values[rows * cols - 1] = bad_value;  // a later bad value must not be the one reported
        std::vector<uint8_t> packed(rows * int4_row_bytes(cols));
        size_t bad = 12345;
        ASSERT_FALSE(k.pack(values.data(), rows, cols, scheme, packed.data(), &bad));
        EXPECT_EQ(bad, at) << "value " << int(bad_value);
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllVariants, PackVariant,
                         ::testing::ValuesIn(test::variants(pack_kernels())), test::VariantName());

}  // namespace
}  // namespace mq::kernels
