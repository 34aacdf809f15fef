// Every variant of the dequantize family against the scalar reference, forced one by one. Each
// value is one float multiply of an exact integer, so outputs are compared bit for bit.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "dequantize/dequantize.h"
#include "support/guarded_buffer.h"
#include "support/random_data.h"
#include "support/shapes.h"
#include "support/variants.h"

namespace mq::kernels {
namespace {

class DequantizeVariant : public ::testing::TestWithParam<const DequantizeKernel*> {};

TEST_P(DequantizeVariant, Int4MatchesScalarOnEveryShapeClass) {
  const DequantizeKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  const DequantizeKernel& ref = dequantize_kernels()[0];
  for (const test::Shape& s : test::shape_grid(true)) {
    const size_t groups = groups_per_row(s.cols, s.group);
    const size_t code_bytes = s.rows * int4_row_bytes(s.cols);
    const uint64_t seed = test::test_seed(s.rows * 7919 + s.cols * 31 + s.group);
    const auto codes = test::random_bytes(code_bytes, seed);
    auto scales = test::random_floats(s.rows * groups, test::Distribution::uniform, seed + 1);
    for (float& v : scales) v = v < 0 ? -v : v;
    scales[0] = 0.0F;  // a zero group dequantizes to exact zeros
    auto zps = test::random_bytes(s.rows * groups, seed + 2);
    for (uint8_t& z : zps) z &= 0xF;
    for (const Scheme scheme : {Scheme::symmetric, Scheme::asymmetric}) {
      const uint8_t* zp = scheme == Scheme::asymmetric ? zps.data() : nullptr;
      test::GuardedBuffer c(code_bytes), sc(scales.size() * sizeof(float)), z(zps.size());
      c.fill(codes.data(), code_bytes);
      sc.fill(scales.data(), scales.size() * sizeof(float));
      z.fill(zps.data(), zps.size());
      std::vector<float> want(s.rows * s.cols);
      test::GuardedBuffer got(s.rows * s.cols * sizeof(float));
      ref.int4(codes.data(), scales.data(), zp, s.rows, s.cols, s.group, scheme, want.data());
      k.int4(c.as<uint8_t>(), sc.as<float>(), zp != nullptr ? z.as<uint8_t>() : nullptr, s.rows,
             s.cols, s.group, scheme, got.as<float>());
      ASSERT_EQ(std::memcmp(got.data(), want.data(), want.size() * sizeof(float)), 0)
          << test::shape_name(s);
      for (size_t c0 = 0; c0 < (s.group < s.cols ? s.group : s.cols); ++c0) {
        ASSERT_EQ(want[c0], 0.0F) << "zero-scale group";
      }
    }
  }
}

TEST_P(DequantizeVariant, Int8RowsMatchesScalar) {
  const DequantizeKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  const DequantizeKernel& ref = dequantize_kernels()[0];
  for (const size_t cols : test::column_counts()) {
    const size_t rows = 1 + cols % 4;
    auto bytes = test::random_bytes(rows * cols, test::test_seed(cols));
    std::vector<int8_t> codes(rows * cols);
    for (size_t i = 0; i < codes.size(); ++i) {
      codes[i] = static_cast<int8_t>(bytes[i] == 0x80 ? 0x81 : bytes[i]);  // [-127, 127]
    }
    auto scales = test::random_floats(rows, test::Distribution::uniform, test::test_seed(cols + 1));
    for (float& v : scales) v = v < 0 ? -v : v;
    test::GuardedBuffer c(codes.size()), sc(rows * sizeof(float)),
        got(codes.size() * sizeof(float));
    c.fill(codes.data(), codes.size());
    sc.fill(scales.data(), rows * sizeof(float));
    std::vector<float> want(codes.size());
    ref.int8_rows(codes.data(), scales.data(), rows, cols, want.data());
    k.int8_rows(c.as<int8_t>(), sc.as<float>(), rows, cols, got.as<float>());
    ASSERT_EQ(std::memcmp(got.data(), want.data(), want.size() * sizeof(float)), 0) << cols;
  }
}

INSTANTIATE_TEST_SUITE_P(AllVariants, DequantizeVariant,
                         ::testing::ValuesIn(test::variants(dequantize_kernels())),
                         test::VariantName());

}  // namespace
}  // namespace mq::kernels
