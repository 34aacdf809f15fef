// Edge cases of the quantize family's SIMD variants that a generic shape sweep may miss: every row
// length 1..300 against every group size class (odd group sizes put nibbles of two groups in one
// byte) in buffers that end at a guard page, groups that straddle the x86 variants' staging window,
// rounding ties, zero / subnormal / huge groups, asymmetric range overflow, and the first
// non-finite weight at every position. Each variant (forced) against the scalar reference, bit for
// bit.
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "common/formats.h"
#include "quantize/quantize.h"
#include "support/guarded_buffer.h"
#include "support/random_data.h"
#include "support/variants.h"

namespace mq::kernels {
namespace {

class QuantizeX86 : public ::testing::TestWithParam<const QuantizeKernel*> {};

const QuantizeKernel& reference() { return quantize_kernels()[0]; }

uint32_t bits(float v) {
  uint32_t u = 0;
  std::memcpy(&u, &v, sizeof u);
  return u;
}

constexpr size_t kGroups[] = {1, 3, 16, 32, 48, 64, 128, 256};
constexpr Scheme kSchemes[] = {Scheme::symmetric, Scheme::asymmetric};

const char* scheme_name(Scheme s) { return s == Scheme::symmetric ? "sym" : "asym"; }

// Runs variant (on guarded buffers) and reference on the same input; compares every output.
void expect_same_int4(const QuantizeKernel& k, const std::vector<float>& w, size_t rows,
                      size_t cols, size_t group, Scheme scheme) {
  const size_t outs = rows * groups_per_row(cols, group);
  const size_t bytes = rows * int4_row_bytes(cols);
  const bool asym = scheme == Scheme::asymmetric;
  test::GuardedBuffer in(w.size() * sizeof(float));
  in.fill(w.data(), w.size() * sizeof(float));
  test::GuardedBuffer codes(bytes);
  test::GuardedBuffer scales(outs * sizeof(float));
  test::GuardedBuffer zps(asym ? outs : 0);
  std::vector<uint8_t> rcodes(bytes);
  std::vector<float> rscales(outs);
  std::vector<uint8_t> rzps(outs);
  size_t bad = 0;
  size_t rbad = 0;
  const QuantizeResult res = k.int4(in.as<float>(), rows, cols, group, scheme, codes.as<uint8_t>(),
                                    scales.as<float>(), asym ? zps.as<uint8_t>() : nullptr, &bad);
  const QuantizeResult rres = reference().int4(w.data(), rows, cols, group, scheme, rcodes.data(),
                                               rscales.data(), asym ? rzps.data() : nullptr, &rbad);
  const auto where = [&] {
    return ::testing::Message() << rows << "x" << cols << " g" << group << " "
                                << scheme_name(scheme);
  };
  ASSERT_EQ(static_cast<int>(res), static_cast<int>(rres)) << where();
  if (res != QuantizeResult::ok) {
    ASSERT_EQ(bad, rbad) << where();
    return;
  }
  for (size_t i = 0; i < bytes; ++i) {
    ASSERT_EQ(codes.as<uint8_t>()[i], rcodes[i]) << "code byte " << i << " of " << where();
  }
  for (size_t i = 0; i < outs; ++i) {
    ASSERT_EQ(bits(scales.as<float>()[i]), bits(rscales[i])) << "scale " << i << " of " << where();
    if (asym) {
      ASSERT_EQ(zps.as<uint8_t>()[i], rzps[i]) << "zero point " << i << " of " << where();
    }
  }
}

void expect_same_int8(const QuantizeKernel& k, const std::vector<float>& w, size_t rows,
                      size_t cols) {
  test::GuardedBuffer in(w.size() * sizeof(float));
  in.fill(w.data(), w.size() * sizeof(float));
  test::GuardedBuffer codes(rows * cols);
  test::GuardedBuffer scales(rows * sizeof(float));
  std::vector<int8_t> rcodes(rows * cols);
  std::vector<float> rscales(rows);
  size_t bad = 0;
  size_t rbad = 0;
  const QuantizeResult res =
      k.int8_rows(in.as<float>(), rows, cols, codes.as<int8_t>(), scales.as<float>(), &bad);
  const QuantizeResult rres =
      reference().int8_rows(w.data(), rows, cols, rcodes.data(), rscales.data(), &rbad);
  ASSERT_EQ(static_cast<int>(res), static_cast<int>(rres)) << rows << "x" << cols;
  if (res != QuantizeResult::ok) {
    ASSERT_EQ(bad, rbad) << rows << "x" << cols;
    return;
  }
  for (size_t i = 0; i < rows * cols; ++i) {
    ASSERT_EQ(codes.as<int8_t>()[i], rcodes[i]) << "code " << i << " of " << rows << "x" << cols;
  }
  for (size_t r = 0; r < rows; ++r) {
    ASSERT_EQ(bits(scales.as<float>()[r]), bits(rscales[r])) << "scale " << r;
  }
}

TEST_P(QuantizeX86, Int4EveryRowLengthAndGroupSizeMatchesScalar) {
  const QuantizeKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  for (size_t cols = 1; cols <= 300; ++cols) {
    const size_t rows = 2;
    const std::vector<float> w =
        test::random_floats(rows * cols, test::Distribution::student_t3, test::test_seed(cols));
    for (const Scheme scheme : kSchemes) {
      for (const size_t group : kGroups) expect_same_int4(k, w, rows, cols, group, scheme);
      expect_same_int4(k, w, rows, cols, cols, scheme);
      expect_same_int4(k, w, rows, cols, cols + 3, scheme);
    }
  }
}

// Rows longer than the x86 staging window (1024 columns), with group sizes that make a group
// straddle it at an even and at an odd column.
TEST_P(QuantizeX86, Int4LongRowsAndStraddlingGroupsMatchScalar) {
  const QuantizeKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  for (const size_t cols : {size_t{1023}, size_t{1024}, size_t{1025}, size_t{2049}, size_t{4099}}) {
    const size_t rows = 3;
    const std::vector<float> w =
        test::random_floats(rows * cols, test::Distribution::laplace, test::test_seed(cols));
    for (const Scheme scheme : kSchemes) {
      for (const size_t group : kGroups) expect_same_int4(k, w, rows, cols, group, scheme);
      for (const size_t group :
           {size_t{7}, size_t{100}, size_t{1000}, size_t{1023}, size_t{1025}, size_t{2048}, cols}) {
        expect_same_int4(k, w, rows, cols, group, scheme);
      }
    }
  }
}

// Values on exact rounding ties (x.5 after scaling by 1) must round to even in every variant.
TEST_P(QuantizeX86, RoundingTiesGoToEven) {
  const QuantizeKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  // Symmetric: absmax 7 gives scale 1. Asymmetric: range [-7.5, 7.5] gives scale 1, zero point 8.
  std::vector<float> w;
  for (int rep = 0; rep < 3; ++rep) {
    for (int i = -15; i <= 15; ++i) w.push_back(static_cast<float>(i) * 0.5F);
  }
  const size_t cols = w.size();  // 93
  std::vector<float> sym = w;
  for (float& v : sym) v = std::fmin(std::fmax(v, -7.0F), 7.0F);
  for (const size_t group : {size_t{31}, size_t{93}, size_t{16}, size_t{3}}) {
    expect_same_int4(k, sym, 1, cols, group, Scheme::symmetric);
    expect_same_int4(k, w, 1, cols, group, Scheme::asymmetric);
  }
  std::vector<float> w8;
  for (int i = -254; i <= 254; ++i) w8.push_back(static_cast<float>(i) * 0.5F);  // absmax 127
  expect_same_int8(k, w8, 1, w8.size());
}

// Zero, signed-zero and subnormal-only groups get scale 0 and codes 0; groups at FLT_MAX work;
// an asymmetric group whose range overflows is reported at its first column.
TEST_P(QuantizeX86, ZeroSubnormalAndHugeGroups) {
  const QuantizeKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  const size_t rows = 3;
  for (const size_t cols : {size_t{1}, size_t{9}, size_t{33}, size_t{130}, size_t{257}}) {
    std::vector<float> w =
        test::random_floats(rows * cols, test::Distribution::gaussian, test::test_seed(cols));
    for (size_t c = 0; c < cols; ++c) {
      w[c] = c % 3 == 0 ? -0.0F : 0.0F;                                   // row 0: zeros
      w[cols + c] = c % 2 == 0 ? FLT_TRUE_MIN : -FLT_MIN * 0.5F;          // row 1: subnormals
      if (c % 5 == 0) w[2 * cols + c] = c % 2 == 0 ? FLT_MAX : -FLT_MAX;  // row 2: huge
    }
    for (const Scheme scheme : kSchemes) {
      for (const size_t group : kGroups) expect_same_int4(k, w, rows, cols, group, scheme);
    }
    expect_same_int8(k, w, rows, cols);
  }
  // A range that overflows in the second group only; a later NaN must not be the one reported,
  // while a NaN in the same group as the overflow wins (the reference checks finiteness first).
  for (const size_t group : {size_t{3}, size_t{16}, size_t{64}}) {
    const size_t cols = 4 * group + 1;
    std::vector<float> w =
        test::random_floats(2 * cols, test::Distribution::gaussian, test::test_seed(group));
    w[group + 1] = -FLT_MAX;
    w[2 * group - 1] = FLT_MAX;
    w[3 * group] = std::numeric_limits<float>::quiet_NaN();
    expect_same_int4(k, w, 2, cols, group, Scheme::asymmetric);
    expect_same_int4(k, w, 2, cols, group, Scheme::symmetric);
    w[group] = INFINITY;
    expect_same_int4(k, w, 2, cols, group, Scheme::asymmetric);
  }
}

// The first non-finite weight (row-major) is reported wherever it is.
TEST_P(QuantizeX86, ReportsFirstNonFiniteAtEveryPosition) {
  const QuantizeKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  const float bads[] = {INFINITY, -INFINITY, std::numeric_limits<float>::quiet_NaN(),
                        -std::numeric_limits<float>::quiet_NaN(),
                        std::numeric_limits<float>::signaling_NaN()};
  const size_t rows = 2;
  for (const size_t cols : {size_t{5}, size_t{77}, size_t{131}}) {
    const std::vector<float> base =
        test::random_floats(rows * cols, test::Distribution::gaussian, test::test_seed(cols));
    for (size_t at = 0; at < rows * cols; ++at) {
      std::vector<float> w = base;
      w[at] = bads[at % 5];
      if (at + 9 < w.size()) w[at + 9] = bads[(at + 1) % 5];
      w.back() = INFINITY;
      for (const size_t group : {size_t{3}, size_t{16}, size_t{48}}) {
        expect_same_int4(k, w, rows, cols, group,
                         at % 2 == 0 ? Scheme::symmetric : Scheme::asymmetric);
      }
      expect_same_int8(k, w, rows, cols);
    }
  }
}

TEST_P(QuantizeX86, Int8EveryRowLengthMatchesScalar) {
  const QuantizeKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  for (size_t cols = 1; cols <= 300; ++cols) {
    const std::vector<float> w =
        test::random_floats(3 * cols, test::Distribution::student_t3, test::test_seed(cols));
    expect_same_int8(k, w, 3, cols);
  }
  const std::vector<float> w =
      test::random_floats(2 * 11011, test::Distribution::laplace, test::test_seed());
  expect_same_int8(k, w, 2, 11011);
}

INSTANTIATE_TEST_SUITE_P(AllVariants, QuantizeX86,
                         ::testing::ValuesIn(test::variants(quantize_kernels())),
                         test::VariantName());

}  // namespace
}  // namespace mq::kernels
