// The Arm variants of the quantize family against the scalar reference, bit for bit: every row
// length 1..300 in buffers that end at a guard page, group sizes that start groups at odd columns,
// exact ties (round half to even), zero / subnormal / huge groups, and the first failing group.
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
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

std::vector<const QuantizeKernel*> arm_variants() {
  std::vector<const QuantizeKernel*> v;
  for (const QuantizeKernel* k : test::variants(quantize_kernels())) {
    if (k->isa == Isa::neon || k->isa == Isa::neon_dotprod || k->isa == Isa::neon_i8mm) {
      v.push_back(k);
    }
  }
  return v;
}

class QuantizeNeon : public ::testing::TestWithParam<const QuantizeKernel*> {};

template <class T>
std::vector<T> contents(const test::GuardedBuffer& b, size_t n) {
  return std::vector<T>(b.as<T>(), b.as<T>() + n);
}

std::vector<uint32_t> float_bits(const float* f, size_t n) {
  std::vector<uint32_t> v(n);
  std::memcpy(v.data(), f, n * sizeof(float));
  return v;
}

void expect_int4_matches(const QuantizeKernel& k, const std::vector<float>& w, size_t rows,
                         size_t cols, size_t group, Scheme scheme) {
  const QuantizeKernel& ref = quantize_kernels()[0];
  const size_t code_n = rows * int4_row_bytes(cols);
  const size_t group_n = rows * groups_per_row(cols, group);
  const bool asym = scheme == Scheme::asymmetric;
  test::GuardedBuffer in(w.size() * sizeof(float));
  in.fill(w.data(), w.size() * sizeof(float));
  test::GuardedBuffer codes(code_n);
  test::GuardedBuffer scales(group_n * sizeof(float));
  test::GuardedBuffer zps(asym ? group_n : 1);
  std::memset(codes.data(), 0xA5, code_n);
  std::vector<uint8_t> ecodes(code_n, 0xA5);
  std::vector<float> escales(group_n);
  std::vector<uint8_t> ezps(group_n);
  size_t bad = 0;
  size_t ebad = 0;
  const QuantizeResult er = ref.int4(w.data(), rows, cols, group, scheme, ecodes.data(),
                                     escales.data(), ezps.data(), &ebad);
  const QuantizeResult r = k.int4(in.as<float>(), rows, cols, group, scheme, codes.as<uint8_t>(),
                                  scales.as<float>(), asym ? zps.as<uint8_t>() : nullptr, &bad);
  ASSERT_EQ(r, er) << "cols " << cols << " group " << group;
  if (r != QuantizeResult::ok) {
    EXPECT_EQ(bad, ebad) << "cols " << cols << " group " << group;
    return;
  }
  EXPECT_EQ(contents<uint8_t>(codes, code_n), ecodes) << "cols " << cols << " group " << group;
  EXPECT_EQ(float_bits(scales.as<float>(), group_n), float_bits(escales.data(), group_n))
      << "cols " << cols << " group " << group;
  if (asym) {
    EXPECT_EQ(contents<uint8_t>(zps, group_n), ezps) << "cols " << cols << " group " << group;
  }
}

void expect_int8_matches(const QuantizeKernel& k, const std::vector<float>& w, size_t rows,
                         size_t cols) {
  const QuantizeKernel& ref = quantize_kernels()[0];
  test::GuardedBuffer in(w.size() * sizeof(float));
  in.fill(w.data(), w.size() * sizeof(float));
  test::GuardedBuffer codes(rows * cols);
  test::GuardedBuffer scales(rows * sizeof(float));
  std::vector<int8_t> ecodes(rows * cols);
  std::vector<float> escales(rows);
  size_t bad = 0;
  size_t ebad = 0;
  const QuantizeResult er =
      ref.int8_rows(w.data(), rows, cols, ecodes.data(), escales.data(), &ebad);
  const QuantizeResult r =
      k.int8_rows(in.as<float>(), rows, cols, codes.as<int8_t>(), scales.as<float>(), &bad);
  ASSERT_EQ(r, er) << "cols " << cols;
  if (r != QuantizeResult::ok) {
    EXPECT_EQ(bad, ebad) << "cols " << cols;
    return;
  }
  EXPECT_EQ(contents<int8_t>(codes, rows * cols), ecodes) << "cols " << cols;
  EXPECT_EQ(float_bits(scales.as<float>(), rows), float_bits(escales.data(), rows));
}

TEST_P(QuantizeNeon, Int4MatchesScalarForEveryTailAndGroup) {
  const QuantizeKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  const size_t rows = 2;
  for (size_t cols = 1; cols <= 300; cols += (cols < 150 ? 1 : 7)) {
    const std::vector<float> w =
        test::random_floats(rows * cols, test::Distribution::student_t3, test::test_seed(cols));
    for (const Scheme scheme : {Scheme::symmetric, Scheme::asymmetric}) {
      for (const size_t group : {size_t{1}, size_t{3}, size_t{7}, size_t{16}, size_t{17},
                                 size_t{32}, size_t{33}, size_t{128}, cols}) {
        expect_int4_matches(k, w, rows, cols, group, scheme);
        if (HasFailure()) return;
      }
    }
  }
}

TEST_P(QuantizeNeon, Int8RowsMatchScalarForEveryTail) {
  const QuantizeKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  for (size_t cols = 1; cols <= 300; ++cols) {
    const std::vector<float> w =
        test::random_floats(3 * cols, test::Distribution::gaussian, test::test_seed(cols));
    expect_int8_matches(k, w, 3, cols);
    if (HasFailure()) return;
  }
}

// Groups whose absmax makes the scale exactly 1 (INT4: absmax 7; INT8: 127), so that w * inv lands
// exactly on every half-integer: round half to even must agree with the reference (a
// round-half-away implementation fails here).
TEST_P(QuantizeNeon, ExactTiesRoundToEven) {
  const QuantizeKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  for (const size_t cols : {size_t{16}, size_t{37}, size_t{64}, size_t{300}}) {
    std::vector<float> w4(2 * cols);
    std::vector<float> w8(2 * cols);
    for (size_t i = 0; i < w4.size(); ++i) {
      w4[i] = static_cast<float>(static_cast<int>(i % 15) - 7) + 0.5F;  // -6.5 .. 7.5
      w8[i] = static_cast<float>(static_cast<int>(i % 254) - 127) + 0.5F;
      if (i % cols == 0) {
        w4[i] = 7.0F;  // absmax 7 (symmetric scale 1)
        w8[i] = -127.0F;
      }
    }
    // w4 has values above 7: clamp them at absmax 7 so that the scale stays exactly 1.
    for (float& v : w4) v = v > 7.0F ? 6.5F : v;
    expect_int4_matches(k, w4, 2, cols, cols, Scheme::symmetric);
    expect_int4_matches(k, w4, 2, cols, 16, Scheme::symmetric);
    expect_int8_matches(k, w8, 2, cols);
    // Asymmetric with lo = 0, hi = 15: scale 1, zero point 0, ties at every half.
    std::vector<float> wa(2 * cols);
    for (size_t i = 0; i < wa.size(); ++i) wa[i] = static_cast<float>(i % 15) + 0.5F;
    for (size_t r = 0; r < 2; ++r) {
      wa[r * cols] = 0.0F;
      wa[r * cols + cols - 1] = 15.0F;
    }
    expect_int4_matches(k, wa, 2, cols, cols, Scheme::asymmetric);
  }
}

TEST_P(QuantizeNeon, ZeroSubnormalAndHugeGroups) {
  const QuantizeKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  const float denorm = std::numeric_limits<float>::denorm_min();
  const std::vector<std::vector<float>> patterns = {
      {0.0F, -0.0F},
      {denorm, -denorm, 1e-39F},
      {FLT_MAX, 1.0F, -3.0F},
      {-FLT_MAX, FLT_MAX / 2},
      {FLT_MIN * 7.0F, -FLT_MIN},
      {1e30F, -1e-30F, 0.0F},
      {-5.0F, -1.0F},  // all negative: asymmetric zero point 15
      {2.0F, 9.0F},    // all positive: zero point 0
  };
  for (const auto& pattern : patterns) {
    for (const size_t cols : {size_t{1}, size_t{17}, size_t{48}, size_t{131}}) {
      std::vector<float> w(2 * cols);
      for (size_t i = 0; i < w.size(); ++i) w[i] = pattern[i % pattern.size()];
      for (const Scheme scheme : {Scheme::symmetric, Scheme::asymmetric}) {
        for (const size_t group : {size_t{1}, size_t{16}, size_t{33}, cols}) {
          expect_int4_matches(k, w, 2, cols, group, scheme);
        }
      }
      expect_int8_matches(k, w, 2, cols);
    }
  }
  // A group spanning -FLT_MAX .. FLT_MAX overflows the asymmetric range: reported at its start.
  std::vector<float> w(100, 1.0F);
  w[40] = -FLT_MAX;
  w[41] = FLT_MAX;
  for (const size_t group : {size_t{8}, size_t{32}, size_t{100}}) {
    expect_int4_matches(k, w, 1, 100, group, Scheme::asymmetric);
  }
}

TEST_P(QuantizeNeon, FirstNonFiniteIsReported) {
  const QuantizeKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  const size_t rows = 2;
  for (const size_t cols : {size_t{5}, size_t{16}, size_t{33}, size_t{100}}) {
    const std::vector<float> base =
        test::random_floats(rows * cols, test::Distribution::gaussian, test::test_seed(cols));
    for (size_t at = 0; at < rows * cols; at += 3) {
      for (const float s : {INFINITY, -INFINITY, std::numeric_limits<float>::quiet_NaN()}) {
        std::vector<float> w = base;
        w[at] = s;
        w[rows * cols - 1] = s;
        for (const Scheme scheme : {Scheme::symmetric, Scheme::asymmetric}) {
          expect_int4_matches(k, w, rows, cols, 16, scheme);
        }
        expect_int8_matches(k, w, rows, cols);
        if (HasFailure()) return;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Arm, QuantizeNeon, ::testing::ValuesIn(arm_variants()),
                         test::VariantName());
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(QuantizeNeon);

}  // namespace
}  // namespace mq::kernels
