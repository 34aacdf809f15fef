// Every variant of the reduce family against the scalar reference, forced one by one. The
// reductions are exact (no rounding), so outputs are compared bit for bit.
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include <tuple>
#include <vector>

#include "common/formats.h"
#include "reduce/reduce.h"
#include "support/guarded_buffer.h"
#include "support/random_data.h"
#include "support/real_weights.h"
#include "support/shapes.h"
#include "support/variants.h"

namespace mq::kernels {
namespace {

struct Reduction {
  bool ok;
  size_t bad;
  std::vector<float> mins, maxs, absmaxs;
};

Reduction run(const ReduceKernel& k, const std::vector<float>& w, size_t rows, size_t cols,
              size_t group) {
  const size_t n = rows * groups_per_row(cols, group);
  test::GuardedBuffer in(w.size() * sizeof(float));
  in.fill(w.data(), w.size() * sizeof(float));
  test::GuardedBuffer mins(n * sizeof(float)), maxs(n * sizeof(float)), absmaxs(n * sizeof(float));
  Reduction r{};
  r.bad = SIZE_MAX;
  r.ok = k.group_minmax(in.as<float>(), rows, cols, group, mins.as<float>(), maxs.as<float>(),
                        absmaxs.as<float>(), &r.bad);
  r.mins.assign(mins.as<float>(), mins.as<float>() + n);
  r.maxs.assign(maxs.as<float>(), maxs.as<float>() + n);
  r.absmaxs.assign(absmaxs.as<float>(), absmaxs.as<float>() + n);
  return r;
}

void expect_identical(const ReduceKernel& k, const std::vector<float>& w, size_t rows, size_t cols,
                      size_t group, const std::string& where) {
  const Reduction want = run(reduce_kernels()[0], w, rows, cols, group);
  const Reduction got = run(k, w, rows, cols, group);
  ASSERT_EQ(got.ok, want.ok) << where;
  if (!want.ok) {
    ASSERT_EQ(got.bad, want.bad) << where;
    return;
  }
  for (const auto& [a, b, what] :
       {std::tuple{&got.mins, &want.mins, "mins"}, std::tuple{&got.maxs, &want.maxs, "maxs"},
        std::tuple{&got.absmaxs, &want.absmaxs, "absmaxs"}}) {
    ASSERT_EQ(std::memcmp(a->data(), b->data(), a->size() * sizeof(float)), 0)
        << what << " " << where;
  }
}

class ReduceVariant : public ::testing::TestWithParam<const ReduceKernel*> {};

TEST_P(ReduceVariant, MatchesScalarOnEveryShapeClass) {
  const ReduceKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  for (const test::Shape& s : test::shape_grid(true)) {
    const auto w = test::random_floats(s.rows * s.cols, test::Distribution::student_t3,
                                       test::test_seed(s.rows * 7919 + s.cols * 31 + s.group));
    expect_identical(k, w, s.rows, s.cols, s.group, test::shape_name(s));
    if (HasFatalFailure()) return;
  }
}

TEST_P(ReduceVariant, MatchesScalarOnRealMatrices) {
  const ReduceKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  for (const test::RealMatrix& m : test::real_matrices()) {
    const auto w = test::load_real_matrix(m);
    for (const size_t group : {32, 128}) expect_identical(k, w, m.rows, m.cols, group, m.name);
  }
}

// Signed zeros are reported as +0 by every variant (whatever order -0 and +0 arrive in), extremes
// and subnormals pass through exactly.
TEST_P(ReduceVariant, ZerosSubnormalsAndExtremes) {
  const ReduceKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  const size_t cols = 96;
  std::vector<float> w(3 * cols, -0.0F);
  for (size_t c = 0; c < cols; c += 2) w[c] = 0.0F;
  for (size_t c = 0; c < cols; ++c) {
    w[cols + c] = FLT_MIN * 0.5F * static_cast<float>(static_cast<int>(c % 5) - 2);
  }
  w[2 * cols + 7] = FLT_MAX;
  w[2 * cols + 50] = -FLT_MAX;
  for (const size_t group : {16, 32, 96}) expect_identical(k, w, 3, cols, group, "zeros");
  const Reduction r = run(k, w, 3, cols, 32);
  EXPECT_FALSE(std::signbit(r.mins[0]));
  EXPECT_FALSE(std::signbit(r.maxs[0]));
  EXPECT_EQ(r.absmaxs[3 * 2], FLT_MAX);
}

TEST_P(ReduceVariant, ReportsFirstNonFinite) {
  const ReduceKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  const size_t rows = 2, cols = 129;
  for (const size_t at :
       {size_t{0}, size_t{7}, size_t{16}, size_t{63}, size_t{128}, size_t{129}, size_t{257}}) {
    for (const float bad :
         {std::numeric_limits<float>::infinity(), std::numeric_limits<float>::quiet_NaN()}) {
      auto w = test::random_floats(rows * cols, test::Distribution::gaussian, test::test_seed(at));
      w[at] = bad;
      const Reduction r = run(k, w, rows, cols, 64);
      ASSERT_FALSE(r.ok) << at;
      EXPECT_EQ(r.bad, at);
    }
  }
}

TEST_P(ReduceVariant, AllFiniteFindsTheFirstBadValueAtEveryTail) {
  const ReduceKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  for (size_t n = 1; n <= 200; ++n) {
    auto x = test::random_floats(n, test::Distribution::gaussian, test::test_seed(n));
    test::GuardedBuffer buf(n * sizeof(float));
    buf.fill(x.data(), n * sizeof(float));
    size_t bad = 0;
    ASSERT_TRUE(k.all_finite(buf.as<float>(), n, &bad)) << n;
    for (const size_t at : {size_t{0}, n / 2, n - 1}) {
      buf.as<float>()[at] = -std::numeric_limits<float>::infinity();
      ASSERT_FALSE(k.all_finite(buf.as<float>(), n, &bad)) << n;
      EXPECT_EQ(bad, at) << n;
      buf.as<float>()[at] = x[at];
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllVariants, ReduceVariant,
                         ::testing::ValuesIn(test::variants(reduce_kernels())),
                         test::VariantName());

}  // namespace
}  // namespace mq::kernels
