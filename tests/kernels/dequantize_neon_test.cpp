// The Arm variants of the dequantize family against the scalar reference, bit for bit: every row
// length 1..300 in buffers that end at a guard page, group sizes that start groups at odd columns,
// every code and zero point, and extreme scales (0, subnormal-producing, FLT_MAX).
#include <gtest/gtest.h>

#include <cfloat>
#include <cstring>
#include <vector>

#include "common/formats.h"
#include "dequantize/dequantize.h"
#include "support/guarded_buffer.h"
#include "support/random_data.h"
#include "support/variants.h"

namespace mq::kernels {
namespace {

std::vector<const DequantizeKernel*> arm_variants() {
  std::vector<const DequantizeKernel*> v;
  for (const DequantizeKernel* k : test::variants(dequantize_kernels())) {
    if (k->isa == Isa::neon || k->isa == Isa::neon_dotprod || k->isa == Isa::neon_i8mm) {
      v.push_back(k);
    }
  }
  return v;
}

class DequantizeNeon : public ::testing::TestWithParam<const DequantizeKernel*> {};

std::vector<float> random_scales(size_t n, uint64_t seed) {
  std::vector<float> s = test::random_floats(n, test::Distribution::uniform, seed);
  const float extremes[] = {0.0F, FLT_MIN, FLT_MAX / 16.0F, 1e-30F};
  for (size_t i = 0; i < n; ++i) {
    s[i] = s[i] < 0.0F ? -s[i] : s[i];
    if (i % 5 == 3) s[i] = extremes[(i / 5) % 4];
  }
  return s;
}

TEST_P(DequantizeNeon, Int4MatchesScalarForEveryTailAndGroup) {
  const DequantizeKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  const DequantizeKernel& ref = dequantize_kernels()[0];
  const size_t rows = 2;
  for (size_t cols = 1; cols <= 300; cols += (cols < 150 ? 1 : 7)) {
    const size_t code_n = rows * int4_row_bytes(cols);
    test::GuardedBuffer codes(code_n);
    const std::vector<uint8_t> noise = test::random_bytes(code_n, test::test_seed(cols));
    codes.fill(noise.data(), code_n);
    for (const size_t group :
         {size_t{1}, size_t{3}, size_t{16}, size_t{17}, size_t{32}, size_t{128}, cols}) {
      const size_t group_n = rows * groups_per_row(cols, group);
      test::GuardedBuffer scales(group_n * sizeof(float));
      const std::vector<float> s = random_scales(group_n, test::test_seed(cols * 1000 + group));
      scales.fill(s.data(), group_n * sizeof(float));
      test::GuardedBuffer zps(group_n);
      for (size_t i = 0; i < group_n; ++i) zps.as<uint8_t>()[i] = static_cast<uint8_t>(i % 16);
      for (const Scheme scheme : {Scheme::symmetric, Scheme::asymmetric}) {
        const uint8_t* zp = scheme == Scheme::asymmetric ? zps.as<uint8_t>() : nullptr;
        test::GuardedBuffer out(rows * cols * sizeof(float));
        std::vector<float> expect(rows * cols);
        ref.int4(codes.as<uint8_t>(), scales.as<float>(), zp, rows, cols, group, scheme,
                 expect.data());
        k.int4(codes.as<uint8_t>(), scales.as<float>(), zp, rows, cols, group, scheme,
               out.as<float>());
        ASSERT_EQ(std::memcmp(out.data(), expect.data(), rows * cols * sizeof(float)), 0)
            << "cols " << cols << " group " << group;
      }
    }
  }
}

TEST_P(DequantizeNeon, Int8RowsMatchScalarForEveryTail) {
  const DequantizeKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  const DequantizeKernel& ref = dequantize_kernels()[0];
  const size_t rows = 3;
  for (size_t cols = 1; cols <= 300; ++cols) {
    test::GuardedBuffer codes(rows * cols);
    const std::vector<uint8_t> noise = test::random_bytes(rows * cols, test::test_seed(cols));
    for (size_t i = 0; i < rows * cols; ++i) {
      const auto v = static_cast<int8_t>(noise[i]);
      codes.as<int8_t>()[i] = v == -128 ? int8_t{-127} : v;  // the format's range
    }
    test::GuardedBuffer scales(rows * sizeof(float));
    const std::vector<float> s = random_scales(rows, test::test_seed(cols + 7));
    scales.fill(s.data(), rows * sizeof(float));
    test::GuardedBuffer out(rows * cols * sizeof(float));
    std::vector<float> expect(rows * cols);
    ref.int8_rows(codes.as<int8_t>(), scales.as<float>(), rows, cols, expect.data());
    k.int8_rows(codes.as<int8_t>(), scales.as<float>(), rows, cols, out.as<float>());
    ASSERT_EQ(std::memcmp(out.data(), expect.data(), rows * cols * sizeof(float)), 0)
        << "cols " << cols;
  }
}

INSTANTIATE_TEST_SUITE_P(Arm, DequantizeNeon, ::testing::ValuesIn(arm_variants()),
                         test::VariantName());
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(DequantizeNeon);

}  // namespace
}  // namespace mq::kernels
