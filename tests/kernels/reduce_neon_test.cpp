// The Arm variants of the reduce family against the scalar reference: every row length 1..300 in
// buffers that end at a guard page, group sizes around the vector widths, extreme and signed-zero
// values, and the first non-finite index wherever it is. Instantiated for the variants of the
// neon chain only (none on x86-64, where the generic variant tests cover the x86 variants).
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "common/formats.h"
#include "reduce/reduce.h"
#include "support/guarded_buffer.h"
#include "support/random_data.h"
#include "support/variants.h"

namespace mq::kernels {
namespace {

std::vector<const ReduceKernel*> arm_variants() {
  std::vector<const ReduceKernel*> v;
  for (const ReduceKernel* k : test::variants(reduce_kernels())) {
    if (k->isa == Isa::neon || k->isa == Isa::neon_dotprod || k->isa == Isa::neon_i8mm) {
      v.push_back(k);
    }
  }
  return v;
}

class ReduceNeon : public ::testing::TestWithParam<const ReduceKernel*> {};

bool same_bits(const float* a, const float* b, size_t n) {
  return std::memcmp(a, b, n * sizeof(float)) == 0;
}

// Runs the variant on guarded copies and the reference on vectors; outputs must match bit for bit.
void expect_matches(const ReduceKernel& k, const std::vector<float>& w, size_t rows, size_t cols,
                    size_t group) {
  const ReduceKernel& ref = reduce_kernels()[0];
  const size_t out_n = rows * groups_per_row(cols, group);
  test::GuardedBuffer in(w.size() * sizeof(float));
  in.fill(w.data(), w.size() * sizeof(float));
  test::GuardedBuffer mn(out_n * sizeof(float));
  test::GuardedBuffer mx(out_n * sizeof(float));
  test::GuardedBuffer am(out_n * sizeof(float));
  std::vector<float> emn(out_n), emx(out_n), eam(out_n);
  size_t bad = 0;
  size_t ebad = 0;
  const bool eok =
      ref.group_minmax(w.data(), rows, cols, group, emn.data(), emx.data(), eam.data(), &ebad);
  const bool ok = k.group_minmax(in.as<float>(), rows, cols, group, mn.as<float>(), mx.as<float>(),
                                 am.as<float>(), &bad);
  ASSERT_EQ(ok, eok) << "cols " << cols << " group " << group;
  if (!ok) {
    EXPECT_EQ(bad, ebad) << "cols " << cols << " group " << group;
    return;
  }
  EXPECT_TRUE(same_bits(mn.as<float>(), emn.data(), out_n))
      << "min, cols " << cols << " g " << group;
  EXPECT_TRUE(same_bits(mx.as<float>(), emx.data(), out_n))
      << "max, cols " << cols << " g " << group;
  EXPECT_TRUE(same_bits(am.as<float>(), eam.data(), out_n))
      << "absmax, cols " << cols << " g " << group;
}

TEST_P(ReduceNeon, MatchesScalarForEveryTailAndGroup) {
  const ReduceKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  const size_t rows = 2;
  for (size_t cols = 1; cols <= 300; ++cols) {
    std::vector<float> w =
        test::random_floats(rows * cols, test::Distribution::laplace, test::test_seed(cols));
    for (size_t i = 0; i < w.size(); i += 7) w[i] = (i % 2 == 0) ? 0.0F : -0.0F;
    for (const size_t group : {size_t{1}, size_t{3}, size_t{4}, size_t{15}, size_t{16}, size_t{17},
                               size_t{32}, size_t{128}, cols}) {
      expect_matches(k, w, rows, cols, group);
      if (HasFailure()) return;
    }
  }
}

TEST_P(ReduceNeon, ExtremeAndSignedZeroValues) {
  const ReduceKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  const float denorm = std::numeric_limits<float>::denorm_min();
  const std::vector<std::vector<float>> patterns = {
      {-0.0F},
      {0.0F, -0.0F},
      {-0.0F, 0.0F},
      {FLT_MAX, -FLT_MAX},
      {denorm, -denorm, FLT_MIN, -0.0F},
      {-FLT_MAX, -FLT_MAX},
      {1.0F, -1.0F},
  };
  for (const auto& pattern : patterns) {
    for (const size_t cols :
         {size_t{1}, size_t{5}, size_t{16}, size_t{33}, size_t{64}, size_t{257}}) {
      std::vector<float> w(3 * cols);
      for (size_t i = 0; i < w.size(); ++i) w[i] = pattern[i % pattern.size()];
      for (const size_t group : {size_t{1}, size_t{4}, size_t{16}, size_t{32}, cols}) {
        expect_matches(k, w, 3, cols, group);
      }
      std::vector<float> zeros(2 * cols, -0.0F);
      expect_matches(k, zeros, 2, cols, cols);
    }
  }
}

TEST_P(ReduceNeon, NullOutputsAreSkipped) {
  const ReduceKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  const size_t rows = 3, cols = 70, group = 16;
  const std::vector<float> w =
      test::random_floats(rows * cols, test::Distribution::gaussian, test::test_seed());
  const size_t out_n = rows * groups_per_row(cols, group);
  std::vector<float> emx(out_n), mx(out_n);
  size_t bad = 0;
  ASSERT_TRUE(reduce_kernels()[0].group_minmax(w.data(), rows, cols, group, nullptr, emx.data(),
                                               nullptr, &bad));
  ASSERT_TRUE(k.group_minmax(w.data(), rows, cols, group, nullptr, mx.data(), nullptr, &bad));
  EXPECT_TRUE(same_bits(mx.data(), emx.data(), out_n));
}

TEST_P(ReduceNeon, FirstNonFiniteIsReported) {
  const ReduceKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  const float specials[] = {INFINITY, -INFINITY, std::numeric_limits<float>::quiet_NaN()};
  const size_t rows = 2;
  for (const size_t cols :
       {size_t{1}, size_t{7}, size_t{16}, size_t{31}, size_t{70}, size_t{129}}) {
    const std::vector<float> base =
        test::random_floats(rows * cols, test::Distribution::gaussian, test::test_seed(cols));
    // Every position of short rows; every third (all lanes and tails still) of longer ones.
    for (size_t at = 0; at < rows * cols; at += (cols <= 16 ? 1 : 3)) {
      for (const float s : specials) {
        std::vector<float> w = base;
        w[at] = s;
        w[rows * cols - 1] = -s;  // a later (or the same) bad value must not be the one reported
        for (const size_t group : {size_t{4}, size_t{16}, cols}) {
          expect_matches(k, w, rows, cols, group);
          if (HasFailure()) return;
        }
      }
    }
  }
}

TEST_P(ReduceNeon, AllFiniteFindsTheFirstBadValueAtEveryTail) {
  const ReduceKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  const ReduceKernel& ref = reduce_kernels()[0];
  for (size_t n = 1; n <= 300; ++n) {
    const std::vector<float> base =
        test::random_floats(n, test::Distribution::student_t3, test::test_seed(n));
    test::GuardedBuffer x(n * sizeof(float));
    x.fill(base.data(), n * sizeof(float));
    size_t bad = 99999;
    ASSERT_TRUE(k.all_finite(x.as<float>(), n, &bad)) << "n " << n;
    // A few positions per length keep the run short under qemu; every position for short lengths.
    for (size_t at = 0; at < n; at += (n < 80 ? 1 : 13)) {
      for (const float s : {INFINITY, -INFINITY, std::numeric_limits<float>::quiet_NaN()}) {
        x.as<float>()[at] = s;
        if (at + 1 < n) x.as<float>()[n - 1] = s;
        size_t ebad = 0;
        ASSERT_FALSE(ref.all_finite(x.as<float>(), n, &ebad));
        ASSERT_FALSE(k.all_finite(x.as<float>(), n, &bad)) << "n " << n << " at " << at;
        ASSERT_EQ(bad, ebad) << "n " << n << " at " << at;
        x.fill(base.data(), n * sizeof(float));
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Arm, ReduceNeon, ::testing::ValuesIn(arm_variants()), test::VariantName());
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ReduceNeon);

}  // namespace
}  // namespace mq::kernels
