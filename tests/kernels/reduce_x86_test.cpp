// Edge cases of the reduce family's SIMD variants that a generic shape sweep may miss: every row
// length 1..300 against every group size class in buffers that end at a guard page, the first
// non-finite value at every position of a SIMD block and its tail, extreme and signed-zero inputs,
// and all_finite at every length. Each variant (forced) against the scalar reference, bit for bit.
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <cstdint>
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

class ReduceX86 : public ::testing::TestWithParam<const ReduceKernel*> {};

const ReduceKernel& reference() { return reduce_kernels()[0]; }

uint32_t bits(float v) {
  uint32_t u = 0;
  std::memcpy(&u, &v, sizeof u);
  return u;
}

float from_bits(uint32_t u) {
  float v = 0;
  std::memcpy(&v, &u, sizeof v);
  return v;
}

constexpr size_t kGroups[] = {1, 3, 16, 32, 48, 64, 128, 256};

// Runs variant and reference on the same guarded input and compares every output bit for bit.
void expect_same_minmax(const ReduceKernel& k, const std::vector<float>& w, size_t rows,
                        size_t cols, size_t group) {
  test::GuardedBuffer in(w.size() * sizeof(float));
  in.fill(w.data(), w.size() * sizeof(float));
  const size_t outs = rows * groups_per_row(cols, group);
  test::GuardedBuffer mins(outs * sizeof(float));
  test::GuardedBuffer maxs(outs * sizeof(float));
  test::GuardedBuffer absmaxs(outs * sizeof(float));
  std::vector<float> rmin(outs), rmax(outs), rabs(outs);
  size_t bad = 0;
  size_t rbad = 0;
  const bool ok = k.group_minmax(in.as<float>(), rows, cols, group, mins.as<float>(),
                                 maxs.as<float>(), absmaxs.as<float>(), &bad);
  const bool rok = reference().group_minmax(w.data(), rows, cols, group, rmin.data(), rmax.data(),
                                            rabs.data(), &rbad);
  ASSERT_EQ(ok, rok) << rows << "x" << cols << " g" << group;
  if (!ok) {
    ASSERT_EQ(bad, rbad) << rows << "x" << cols << " g" << group;
    return;
  }
  for (size_t i = 0; i < outs; ++i) {
    ASSERT_EQ(bits(mins.as<float>()[i]), bits(rmin[i]))
        << "min " << i << " of " << rows << "x" << cols << " g" << group;
    ASSERT_EQ(bits(maxs.as<float>()[i]), bits(rmax[i]))
        << "max " << i << " of " << rows << "x" << cols << " g" << group;
    ASSERT_EQ(bits(absmaxs.as<float>()[i]), bits(rabs[i]))
        << "absmax " << i << " of " << rows << "x" << cols << " g" << group;
  }
}

TEST_P(ReduceX86, EveryRowLengthAndGroupSizeMatchesScalar) {
  const ReduceKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  for (size_t cols = 1; cols <= 300; ++cols) {
    const size_t rows = 2;
    const std::vector<float> w =
        test::random_floats(rows * cols, test::Distribution::student_t3, test::test_seed(cols));
    for (const size_t group : kGroups) expect_same_minmax(k, w, rows, cols, group);
    expect_same_minmax(k, w, rows, cols, cols);  // one group per row
    expect_same_minmax(k, w, rows, cols, cols + 5);
  }
}

TEST_P(ReduceX86, LargeRowsMatchScalar) {
  const ReduceKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  const size_t rows = 3;
  const size_t cols = 4099;
  const std::vector<float> w =
      test::random_floats(rows * cols, test::Distribution::laplace, test::test_seed());
  for (const size_t group : kGroups) expect_same_minmax(k, w, rows, cols, group);
  for (const size_t group : {size_t{127}, size_t{129}, size_t{1000}, cols}) {
    expect_same_minmax(k, w, rows, cols, group);
  }
}

// Signed zeros in every order, subnormals, FLT_MAX and the smallest normal: the exact values (with
// -0 reported as +0 as the reference does) must come out whatever the reduction order.
TEST_P(ReduceX86, ExtremeAndSignedZeroValues) {
  const ReduceKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  const float specials[] = {0.0F,         -0.0F,         FLT_MAX,
                            -FLT_MAX,     FLT_MIN,       -FLT_MIN,
                            FLT_TRUE_MIN, -FLT_TRUE_MIN, from_bits(0x007FFFFF),
                            1.0F,         -1.0F};
  const std::vector<uint8_t> pick = test::random_bytes(4096, test::test_seed());
  for (const size_t cols : {size_t{1}, size_t{7}, size_t{8}, size_t{9}, size_t{16}, size_t{17},
                            size_t{63}, size_t{64}, size_t{65}, size_t{200}}) {
    const size_t rows = 4;
    for (int mode = 0; mode < 4; ++mode) {
      std::vector<float> w(rows * cols);
      for (size_t i = 0; i < w.size(); ++i) {
        const uint8_t p = pick[(i * 7 + static_cast<size_t>(mode) * 131) % pick.size()];
        switch (mode) {
          case 0: w[i] = (p & 1) != 0 ? -0.0F : 0.0F; break;          // only zeros of both signs
          case 1: w[i] = (p & 1) != 0 ? -FLT_TRUE_MIN : 0.0F; break;  // subnormal groups
          case 2: w[i] = specials[p % (sizeof specials / sizeof specials[0])]; break;
          default: w[i] = i % 2 != 0 ? -FLT_MAX : FLT_MAX; break;
        }
      }
      for (const size_t group : kGroups) expect_same_minmax(k, w, rows, cols, group);
    }
  }
}

// The first non-finite value (row-major) is reported wherever it is: at every position of a
// matrix whose rows span full SIMD blocks and a tail, with a second bad value later on.
TEST_P(ReduceX86, ReportsFirstNonFiniteAtEveryPosition) {
  const ReduceKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  const float bads[] = {INFINITY, -INFINITY, std::numeric_limits<float>::quiet_NaN(),
                        -std::numeric_limits<float>::quiet_NaN(),
                        std::numeric_limits<float>::signaling_NaN()};
  const size_t rows = 2;
  for (const size_t cols : {size_t{5}, size_t{77}, size_t{131}}) {
    const std::vector<float> base =
        test::random_floats(rows * cols, test::Distribution::gaussian, test::test_seed(cols));
    for (const size_t group : {size_t{3}, size_t{16}, size_t{48}, size_t{64}, cols}) {
      for (size_t at = 0; at < rows * cols; ++at) {
        std::vector<float> w = base;
        w[at] = bads[at % 5];
        if (at + 9 < w.size()) w[at + 9] = bads[(at + 1) % 5];
        w.back() = INFINITY;
        expect_same_minmax(k, w, rows, cols, group);
      }
    }
  }
}

// A null output is skipped; the others are still written.
TEST_P(ReduceX86, NullOutputsAreSkipped) {
  const ReduceKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  const size_t rows = 3, cols = 100, group = 32;
  const size_t outs = rows * groups_per_row(cols, group);
  const std::vector<float> w =
      test::random_floats(rows * cols, test::Distribution::gaussian, test::test_seed());
  std::vector<float> rmin(outs), rmax(outs), rabs(outs), out(outs);
  size_t bad = 0;
  ASSERT_TRUE(reference().group_minmax(w.data(), rows, cols, group, rmin.data(), rmax.data(),
                                       rabs.data(), &bad));
  ASSERT_TRUE(k.group_minmax(w.data(), rows, cols, group, nullptr, nullptr, out.data(), &bad));
  EXPECT_EQ(out, rabs);
  ASSERT_TRUE(k.group_minmax(w.data(), rows, cols, group, out.data(), nullptr, nullptr, &bad));
  EXPECT_EQ(out, rmin);
  ASSERT_TRUE(k.group_minmax(w.data(), rows, cols, group, nullptr, out.data(), nullptr, &bad));
  EXPECT_EQ(out, rmax);
}

TEST_P(ReduceX86, AllFiniteAtEveryLengthAndPosition) {
  const ReduceKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  const float bads[] = {INFINITY, -INFINITY, std::numeric_limits<float>::quiet_NaN(),
                        from_bits(0xFFC00001U), std::numeric_limits<float>::signaling_NaN()};
  for (size_t n = 0; n <= 300; ++n) {
    std::vector<float> x =
        test::random_floats(n, test::Distribution::student_t3, test::test_seed(n));
    if (n > 3) x[n / 2] = FLT_MAX;
    test::GuardedBuffer buf(n * sizeof(float));
    if (n > 0) buf.fill(x.data(), n * sizeof(float));
    size_t bad = 12345;
    ASSERT_TRUE(k.all_finite(buf.as<float>(), n, &bad)) << "n " << n;
    if (n > 140 && n % 7 != 0) continue;  // every position only for a subset of lengths
    for (size_t at = 0; at < n; ++at) {
      float* p = buf.as<float>();
      std::memcpy(p, x.data(), n * sizeof(float));
      p[at] = bads[at % 5];
      p[n - 1] = INFINITY;  // a later bad value must not be the one reported
      ASSERT_FALSE(k.all_finite(p, n, &bad)) << "n " << n << " at " << at;
      ASSERT_EQ(bad, at) << "n " << n;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllVariants, ReduceX86,
                         ::testing::ValuesIn(test::variants(reduce_kernels())),
                         test::VariantName());

}  // namespace
}  // namespace mq::kernels
