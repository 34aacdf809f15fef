// Every variant of the quantize family against the scalar reference, forced one by one: codes,
// scales and zero points must be bit-identical for every shape class, group size, scheme and
// distribution, on real trained matrices, on zero / subnormal groups, and on non-finite or
// overflowing input.
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "quantize/quantize.h"
#include "support/guarded_buffer.h"
#include "support/random_data.h"
#include "support/real_weights.h"
#include "support/shapes.h"
#include "support/variants.h"

namespace mq::kernels {
namespace {

struct Int4Result {
  QuantizeResult status;
  size_t bad;
  std::vector<uint8_t> codes;
  std::vector<float> scales;
  std::vector<uint8_t> zero_points;
};

// Runs a variant on inputs and outputs that each end at a guard page.
Int4Result run_int4(const QuantizeKernel& k, const std::vector<float>& w, size_t rows, size_t cols,
                    size_t group, Scheme scheme) {
  const size_t groups = groups_per_row(cols, group);
  const size_t code_bytes = rows * int4_row_bytes(cols);
  test::GuardedBuffer in(w.size() * sizeof(float));
  in.fill(w.data(), w.size() * sizeof(float));
  test::GuardedBuffer codes(code_bytes), scales(rows * groups * sizeof(float)), zps(rows * groups);
  std::memset(codes.data(), 0xEE, code_bytes);
  Int4Result r{};
  r.bad = SIZE_MAX;
  r.status =
      k.int4(in.as<float>(), rows, cols, group, scheme, codes.as<uint8_t>(), scales.as<float>(),
             scheme == Scheme::asymmetric ? zps.as<uint8_t>() : nullptr, &r.bad);
  r.codes.assign(codes.as<uint8_t>(), codes.as<uint8_t>() + code_bytes);
  r.scales.assign(scales.as<float>(), scales.as<float>() + rows * groups);
  if (scheme == Scheme::asymmetric)
    r.zero_points.assign(zps.as<uint8_t>(), zps.as<uint8_t>() + rows * groups);
  return r;
}

void expect_same_bits(const std::vector<float>& a, const std::vector<float>& b, const char* what) {
  ASSERT_EQ(a.size(), b.size());
  ASSERT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)), 0)
      << what << " differ in bits";
}

void expect_int4_identical(const QuantizeKernel& k, const std::vector<float>& w, size_t rows,
                           size_t cols, size_t group, Scheme scheme, const std::string& where) {
  const QuantizeKernel& ref = quantize_kernels()[0];
  const Int4Result want = run_int4(ref, w, rows, cols, group, scheme);
  const Int4Result got = run_int4(k, w, rows, cols, group, scheme);
  ASSERT_EQ(got.status, want.status) << where;
  if (want.status != QuantizeResult::ok) {
    ASSERT_EQ(got.bad, want.bad) << where;
    return;
  }
  ASSERT_EQ(got.codes, want.codes) << where;
  expect_same_bits(got.scales, want.scales, "scales");
  ASSERT_EQ(got.zero_points, want.zero_points) << where;
}

class QuantizeVariant : public ::testing::TestWithParam<const QuantizeKernel*> {};

TEST_P(QuantizeVariant, Int4MatchesScalarOnEveryShapeClass) {
  const QuantizeKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  for (const test::Shape& s : test::shape_grid(true)) {
    for (const Scheme scheme : {Scheme::symmetric, Scheme::asymmetric}) {
      const auto w = test::random_floats(s.rows * s.cols, test::Distribution::laplace,
                                         test::test_seed(s.rows * 7919 + s.cols * 31 + s.group));
      expect_int4_identical(k, w, s.rows, s.cols, s.group, scheme, test::shape_name(s));
      if (HasFatalFailure()) return;
    }
  }
}

TEST_P(QuantizeVariant, Int4MatchesScalarOnEveryDistribution) {
  const QuantizeKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  for (const auto d : {test::Distribution::gaussian, test::Distribution::laplace,
                       test::Distribution::student_t3, test::Distribution::uniform}) {
    for (const size_t group : {32, 128}) {
      const auto w = test::random_floats(64 * 1000, d, test::test_seed(static_cast<uint64_t>(d)));
      for (const Scheme scheme : {Scheme::symmetric, Scheme::asymmetric}) {
        expect_int4_identical(k, w, 64, 1000, group, scheme, test::distribution_name(d));
        if (HasFatalFailure()) return;
      }
    }
  }
}

TEST_P(QuantizeVariant, Int4MatchesScalarOnRealMatrices) {
  const QuantizeKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  for (const test::RealMatrix& m : test::real_matrices()) {
    const auto w = test::load_real_matrix(m);
    ASSERT_FALSE(w.empty());
    for (const size_t group : {32, 128}) {
      for (const Scheme scheme : {Scheme::symmetric, Scheme::asymmetric}) {
        expect_int4_identical(k, w, m.rows, m.cols, group, scheme, m.name);
        if (HasFatalFailure()) return;
      }
    }
  }
}

// Ties, values that land exactly on a half step, the clamp at -8, all-negative and all-positive
// groups (zero point at 15 or 0), and a group whose max is exactly representable.
TEST_P(QuantizeVariant, Int4MatchesScalarOnRoundingEdges) {
  const QuantizeKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  const size_t cols = 160;
  std::vector<float> w(4 * cols);
  for (size_t c = 0; c < cols; ++c) {
    w[c] = static_cast<float>(static_cast<int>(c % 15) - 7) * 0.5F;  // half steps of scale 1
    w[cols + c] = -1.0F - static_cast<float>(c % 7);                 // all negative
    w[2 * cols + c] = 1.0F + static_cast<float>(c % 5) * 0.25F;      // all positive
    w[3 * cols + c] = (c % 2 == 0 ? 7.0F : -8.0F) * 0.125F;          // reaches the -8 clamp
  }
  for (const size_t group : {16, 32, 160}) {
    for (const Scheme scheme : {Scheme::symmetric, Scheme::asymmetric}) {
      expect_int4_identical(k, w, 4, cols, group, scheme, "edges");
    }
  }
}

// All-zero groups, groups of subnormals only (their 1/scale would overflow), and a mix: scale 0 and
// codes 0 exactly where design.md says so, and never inf or NaN.
TEST_P(QuantizeVariant, Int4ZeroAndSubnormalGroups) {
  const QuantizeKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  const size_t rows = 3, cols = 200, group = 32;
  std::vector<float> w(rows * cols, 0.0F);
  for (size_t c = 0; c < cols; ++c) {
    w[cols + c] = (c % 3 == 0 ? -1.0F : 1.0F) * FLT_MIN * 0.25F * static_cast<float>(c % 4);
    w[2 * cols + c] = c < 64 ? 0.0F : static_cast<float>(c) * 1e-3F;
  }
  w[2 * cols + 70] = -0.0F;
  for (const Scheme scheme : {Scheme::symmetric, Scheme::asymmetric}) {
    expect_int4_identical(k, w, rows, cols, group, scheme, "zero/subnormal");
    const Int4Result r = run_int4(k, w, rows, cols, group, scheme);
    const size_t groups = groups_per_row(cols, group);
    for (size_t g = 0; g < 2 * groups; ++g) {
      EXPECT_EQ(r.scales[g], 0.0F) << "group " << g;
      if (scheme == Scheme::asymmetric) {
        EXPECT_EQ(r.zero_points[g], 0) << "group " << g;
      }
    }
    for (size_t i = 0; i < 2 * int4_row_bytes(cols); ++i) ASSERT_EQ(r.codes[i], 0) << i;
    for (const float s : r.scales) EXPECT_TRUE(std::isfinite(s));
  }
}

// The first inf / NaN in row-major order is reported, wherever it falls in a SIMD block or tail.
TEST_P(QuantizeVariant, Int4ReportsFirstNonFinite) {
  const QuantizeKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  const size_t rows = 3, cols = 300;
  const float bad_values[] = {std::numeric_limits<float>::infinity(),
                              -std::numeric_limits<float>::infinity(),
                              std::numeric_limits<float>::quiet_NaN()};
  for (const size_t group : {32, 48, 128}) {
    for (const size_t at : {size_t{0}, size_t{5}, size_t{31}, size_t{32}, size_t{299}, size_t{300},
                            size_t{617}, size_t{899}}) {
      for (const float bad : bad_values) {
        auto w =
            test::random_floats(rows * cols, test::Distribution::gaussian, test::test_seed(at));
        w[at] = bad;
        if (at + 40 < w.size()) w[at + 40] = bad;  // a later one must not be reported
        for (const Scheme scheme : {Scheme::symmetric, Scheme::asymmetric}) {
          const Int4Result r = run_int4(k, w, rows, cols, group, scheme);
          ASSERT_EQ(r.status, QuantizeResult::non_finite) << "at " << at;
          ASSERT_EQ(r.bad, at) << "group " << group;
        }
      }
    }
  }
}

// An asymmetric group whose max - min overflows float32 is refused at the same place as the scalar
// reference; the symmetric scheme quantizes it.
TEST_P(QuantizeVariant, Int4AsymmetricRangeOverflow) {
  const QuantizeKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  std::vector<float> w(2 * 64, 1.0F);
  w[64 + 3] = FLT_MAX;
  w[64 + 20] = -FLT_MAX;  // same group of 32 as the +FLT_MAX: the range overflows
  const Int4Result asym = run_int4(k, w, 2, 64, 32, Scheme::asymmetric);
  EXPECT_EQ(asym.status, QuantizeResult::range_overflow);
  EXPECT_EQ(asym.bad, 64U);
  const Int4Result big_group = run_int4(k, w, 2, 64, 64, Scheme::asymmetric);
  EXPECT_EQ(big_group.status, QuantizeResult::range_overflow);
  expect_int4_identical(k, w, 2, 64, 64, Scheme::symmetric, "symmetric huge");
}

// A range overflow at the first, a middle and the last group of a row of 40 (x86: at tile and
// batch edges of the min / max and parameter loops), among valid, all-positive (zero point 0) and
// zero groups, stops at the same group as the scalar reference, with the same scales and zero
// points written for the groups before it; without the overflow the whole matrix is identical. It
// guards any variant that computes several groups' parameters at once (tried on x86:
// kernels-x86.md).
TEST_P(QuantizeVariant, Int4AsymmetricRangeOverflowInsideAVectorOfGroups) {
  const QuantizeKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  const QuantizeKernel& ref = quantize_kernels()[0];
  const size_t rows = 3, group = 32, groups = 40, cols = group * groups;
  auto w = test::random_floats(rows * cols, test::Distribution::gaussian, test::test_seed(40));
  for (size_t c = 5 * group; c < 9 * group; ++c) w[cols + c] = std::fabs(w[cols + c]);
  for (size_t c = 12 * group; c < 13 * group; ++c) w[cols + c] = 0.0F;
  expect_int4_identical(k, w, rows, cols, group, Scheme::asymmetric, "no overflow");
  expect_int4_identical(k, w, rows, cols, group, Scheme::symmetric, "no overflow");
  for (const size_t bad_group : {size_t{0}, size_t{7}, size_t{21}, size_t{39}}) {
    auto v = w;
    v[cols + bad_group * group + 1] = FLT_MAX;
    v[cols + bad_group * group + 30] = -FLT_MAX;
    const Int4Result want = run_int4(ref, v, rows, cols, group, Scheme::asymmetric);
    const Int4Result got = run_int4(k, v, rows, cols, group, Scheme::asymmetric);
    ASSERT_EQ(want.status, QuantizeResult::range_overflow);
    ASSERT_EQ(got.status, want.status) << "group " << bad_group;
    ASSERT_EQ(got.bad, cols + bad_group * group);
    const size_t written = groups + bad_group;  // row 0 and row 1 up to the failing group
    ASSERT_EQ(std::memcmp(got.scales.data(), want.scales.data(), written * sizeof(float)), 0)
        << "group " << bad_group;
    ASSERT_EQ(std::memcmp(got.zero_points.data(), want.zero_points.data(), written), 0)
        << "group " << bad_group;
  }
}

TEST_P(QuantizeVariant, Int8RowsMatchesScalar) {
  const QuantizeKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  const QuantizeKernel& ref = quantize_kernels()[0];
  for (const size_t cols : test::column_counts()) {
    const size_t rows = 1 + cols % 5;
    auto w =
        test::random_floats(rows * cols, test::Distribution::student_t3, test::test_seed(cols));
    if (cols > 10) {
      for (size_t c = 0; c < cols; ++c) w[c] = 0.0F;                          // a zero row
      for (size_t c = 0; c < cols; ++c) w[cols * (rows - 1) + c] *= FLT_MIN;  // a subnormal-ish row
    }
    test::GuardedBuffer in(w.size() * sizeof(float));
    in.fill(w.data(), w.size() * sizeof(float));
    test::GuardedBuffer codes(rows * cols), scales(rows * sizeof(float));
    std::vector<int8_t> want_codes(rows * cols);
    std::vector<float> want_scales(rows);
    size_t bad = 0;
    ASSERT_EQ(
        ref.int8_rows(in.as<float>(), rows, cols, want_codes.data(), want_scales.data(), &bad),
        QuantizeResult::ok);
    ASSERT_EQ(k.int8_rows(in.as<float>(), rows, cols, codes.as<int8_t>(), scales.as<float>(), &bad),
              QuantizeResult::ok);
    ASSERT_EQ(std::memcmp(codes.data(), want_codes.data(), rows * cols), 0) << "cols " << cols;
    ASSERT_EQ(std::memcmp(scales.data(), want_scales.data(), rows * sizeof(float)), 0)
        << "cols " << cols;
  }
}

TEST_P(QuantizeVariant, Int8RowsReportsFirstNonFinite) {
  const QuantizeKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  const size_t rows = 2, cols = 77;
  for (const size_t at : {size_t{0}, size_t{15}, size_t{76}, size_t{77}, size_t{153}}) {
    auto w = test::random_floats(rows * cols, test::Distribution::gaussian, test::test_seed(at));
    w[at] = std::numeric_limits<float>::quiet_NaN();
    std::vector<int8_t> codes(rows * cols);
    std::vector<float> scales(rows);
    size_t bad = 0;
    ASSERT_EQ(k.int8_rows(w.data(), rows, cols, codes.data(), scales.data(), &bad),
              QuantizeResult::non_finite);
    EXPECT_EQ(bad, at);
  }
}

INSTANTIATE_TEST_SUITE_P(AllVariants, QuantizeVariant,
                         ::testing::ValuesIn(test::variants(quantize_kernels())),
                         test::VariantName());

}  // namespace
}  // namespace mq::kernels
