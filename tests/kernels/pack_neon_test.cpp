// The Arm variants of the pack family: the first out-of-range value wherever it lies in a vector
// step or a tail (every position of rows up to 70 columns), every row length 1..300 with guard
// pages on both sides and both schemes, and every nibble value in every lane.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "common/formats.h"
#include "pack/pack.h"
#include "support/guarded_buffer.h"
#include "support/random_data.h"
#include "support/variants.h"

namespace mq::kernels {
namespace {

std::vector<const PackKernel*> arm_variants() {
  std::vector<const PackKernel*> v;
  for (const PackKernel* k : test::variants(pack_kernels())) {
    if (k->isa == Isa::neon || k->isa == Isa::neon_dotprod || k->isa == Isa::neon_i8mm) {
      v.push_back(k);
    }
  }
  return v;
}

class PackNeon : public ::testing::TestWithParam<const PackKernel*> {};

TEST_P(PackNeon, FirstOutOfRangeValueAtEveryPosition) {
  const PackKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  const PackKernel& ref = pack_kernels()[0];
  for (const Scheme scheme : {Scheme::symmetric, Scheme::asymmetric}) {
    const int8_t bads[] = {scheme == Scheme::symmetric ? int8_t{8} : int8_t{16},
                           scheme == Scheme::symmetric ? int8_t{-9} : int8_t{-1}, int8_t{-128},
                           int8_t{127}};
    for (const size_t cols : {size_t{1}, size_t{2}, size_t{31}, size_t{32}, size_t{33}, size_t{64},
                              size_t{65}, size_t{70}}) {
      const size_t rows = 2;
      for (size_t at = 0; at < rows * cols; ++at) {
        for (const int8_t bad_value : bads) {
          test::GuardedBuffer values(rows * cols);
          for (size_t i = 0; i < rows * cols; ++i) {
            values.as<int8_t>()[i] = static_cast<int8_t>(scheme == Scheme::symmetric ? -8 : 15);
          }
          values.as<int8_t>()[at] = bad_value;
          values.as<int8_t>()[rows * cols - 1] = bad_value;
          test::GuardedBuffer packed(rows * int4_row_bytes(cols));
          std::vector<uint8_t> expect(rows * int4_row_bytes(cols));
          size_t bad = 0;
          size_t ebad = 0;
          ASSERT_FALSE(ref.pack(values.as<int8_t>(), rows, cols, scheme, expect.data(), &ebad));
          ASSERT_FALSE(k.pack(values.as<int8_t>(), rows, cols, scheme, packed.as<uint8_t>(), &bad))
              << "cols " << cols << " at " << at;
          ASSERT_EQ(bad, ebad) << "cols " << cols << " at " << at << " value " << int(bad_value);
        }
      }
    }
  }
}

// Every nibble value in every byte lane of a 16-byte step, unpacked and packed again, at every row
// length 1..300 (the buffers' starts then take every alignment).
TEST_P(PackNeon, RoundTripEveryNibbleInEveryLane) {
  const PackKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  const PackKernel& ref = pack_kernels()[0];
  for (const Scheme scheme : {Scheme::symmetric, Scheme::asymmetric}) {
    for (size_t cols = 1; cols <= 300; ++cols) {
      const size_t rows = 3;
      const size_t row_bytes = int4_row_bytes(cols);
      test::GuardedBuffer packed(rows * row_bytes);
      std::vector<uint8_t> noise = test::random_bytes(rows * row_bytes, test::test_seed(cols));
      for (size_t i = 0; i < rows * row_bytes; ++i) {
        packed.as<uint8_t>()[i] = static_cast<uint8_t>((i * 17 + cols) ^ noise[i]);
      }
      test::GuardedBuffer values(rows * cols);
      std::vector<int8_t> expect(rows * cols);
      ref.unpack(packed.as<uint8_t>(), rows, cols, scheme, expect.data());
      k.unpack(packed.as<uint8_t>(), rows, cols, scheme, values.as<int8_t>());
      ASSERT_EQ(std::vector<int8_t>(values.as<int8_t>(), values.as<int8_t>() + rows * cols), expect)
          << "cols " << cols;
      test::GuardedBuffer repacked(rows * row_bytes);
      size_t bad = 0;
      ASSERT_TRUE(k.pack(values.as<int8_t>(), rows, cols, scheme, repacked.as<uint8_t>(), &bad));
      for (size_t r = 0; r < rows; ++r) {
        for (size_t j = 0; j < row_bytes; ++j) {
          uint8_t want = packed.as<uint8_t>()[r * row_bytes + j];
          if (cols % 2 == 1 && j == row_bytes - 1) want &= 0x0F;  // the padding nibble becomes 0
          ASSERT_EQ(repacked.as<uint8_t>()[r * row_bytes + j], want)
              << "cols " << cols << " row " << r << " byte " << j;
        }
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Arm, PackNeon, ::testing::ValuesIn(arm_variants()), test::VariantName());
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(PackNeon);

}  // namespace
}  // namespace mq::kernels
