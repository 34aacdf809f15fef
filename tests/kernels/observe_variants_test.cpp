// Every variant of the observe family against the scalar reference, forced one by one: the running
// state is bit-identical (including the sign of zeros), non-finite inputs are located in row-major
// order, and nothing outside the caller's buffers is read or written.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "observe/observe.h"
#include "support/guarded_buffer.h"
#include "support/random_data.h"
#include "support/variants.h"

namespace mq::kernels {
namespace {

class ObserveVariant : public ::testing::TestWithParam<const ObserveKernel*> {};

constexpr float kInf = std::numeric_limits<float>::infinity();

struct State {
  std::vector<float> mins, maxs, absmaxs;
  explicit State(size_t channels)
      : mins(channels, kInf), maxs(channels, -kInf), absmaxs(channels, 0.0F) {}
};

// A state in guarded buffers (each ends at a guard page), so a kernel writing or reading one float
// too many faults.
struct GuardedState {
  test::GuardedBuffer mins, maxs, absmaxs;
  size_t channels;
  explicit GuardedState(const State& s)
      : mins(s.mins.size() * sizeof(float)),
        maxs(s.maxs.size() * sizeof(float)),
        absmaxs(s.absmaxs.size() * sizeof(float)),
        channels(s.mins.size()) {
    mins.fill(s.mins.data(), channels * sizeof(float));
    maxs.fill(s.maxs.data(), channels * sizeof(float));
    absmaxs.fill(s.absmaxs.data(), channels * sizeof(float));
  }
};

bool same_bits(const float* a, const float* b, size_t n) {
  return std::memcmp(a, b, n * sizeof(float)) == 0;
}

// Activation-like data with exact ties and both signs of zero, so that every selection rule (which
// of two equal values wins) is exercised.
std::vector<float> activations(size_t n, uint64_t seed) {
  std::vector<float> v = test::random_floats(n, test::Distribution::student_t3, seed);
  std::vector<uint8_t> pick = test::random_bytes(n, seed + 1);
  for (size_t i = 0; i < n; ++i) {
    if (pick[i] < 24) v[i] = 0.0F;
    if (pick[i] >= 24 && pick[i] < 48) v[i] = -0.0F;
    if (pick[i] >= 48 && pick[i] < 64) v[i] = std::round(v[i]);
  }
  return v;
}

TEST_P(ObserveVariant, MatchesScalarBitForBitAtEveryWidth) {
  const ObserveKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  const ObserveKernel& ref = observe_kernels()[0];
  for (size_t channels = 1; channels <= 300; channels += (channels < 80 ? 1 : 31)) {
    for (const size_t rows : {size_t{1}, size_t{2}, size_t{5}, size_t{33}}) {
      for (const size_t pad : {size_t{0}, size_t{3}}) {
        const size_t stride = channels + pad;
        const size_t n = (rows - 1) * stride + channels;  // the last row ends the buffer
        const std::vector<float> data = activations(n, test::test_seed(channels * 131 + rows));
        test::GuardedBuffer x(n * sizeof(float));
        x.fill(data.data(), n * sizeof(float));
        // Two batches: from the initial state, then on top of a non-trivial one.
        State expect(channels);
        GuardedState got(expect);
        for (int batch = 0; batch < 2; ++batch) {
          size_t bad = 0;
          ASSERT_TRUE(ref.update(x.as<float>(), rows, stride, channels, expect.mins.data(),
                                 expect.maxs.data(), expect.absmaxs.data(), &bad));
          ASSERT_TRUE(k.update(x.as<float>(), rows, stride, channels, got.mins.as<float>(),
                               got.maxs.as<float>(), got.absmaxs.as<float>(), &bad));
          ASSERT_TRUE(same_bits(got.mins.as<float>(), expect.mins.data(), channels))
              << "mins, channels " << channels << " rows " << rows;
          ASSERT_TRUE(same_bits(got.maxs.as<float>(), expect.maxs.data(), channels))
              << "maxs, channels " << channels << " rows " << rows;
          ASSERT_TRUE(same_bits(got.absmaxs.as<float>(), expect.absmaxs.data(), channels))
              << "absmaxs, channels " << channels << " rows " << rows;
        }
      }
    }
  }
}

// The first inf or NaN in row-major order is reported, wherever it is; values in the gap between
// rows (columns past `channels` within the stride) are never looked at.
TEST_P(ObserveVariant, ReportsFirstNonFiniteAndIgnoresTheStrideGap) {
  const ObserveKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  const float bad_values[] = {kInf, -kInf, std::numeric_limits<float>::quiet_NaN()};
  for (const size_t channels : {size_t{1}, size_t{7}, size_t{16}, size_t{45}, size_t{100}}) {
    const size_t rows = 9, stride = channels + 2;
    const size_t n = (rows - 1) * stride + channels;
    std::vector<float> clean = activations(n, test::test_seed(channels));
    for (size_t r = 0; r + 1 < rows; ++r) {
      for (size_t c = channels; c < stride; ++c) {
        clean[r * stride + c] = std::numeric_limits<float>::quiet_NaN();
      }
    }
    {
      State s(channels);
      size_t bad = 777;
      EXPECT_TRUE(k.update(clean.data(), rows, stride, channels, s.mins.data(), s.maxs.data(),
                           s.absmaxs.data(), &bad))
          << "a NaN in the stride gap was read, channels " << channels;
      EXPECT_EQ(bad, 777U);
    }
    for (const float bad_value : bad_values) {
      for (const size_t r : {size_t{0}, size_t{4}, rows - 1}) {
        for (const size_t c : {size_t{0}, channels / 2, channels - 1}) {
          std::vector<float> v = clean;
          v[r * stride + c] = bad_value;
          v[n - 1] = bad_value;  // a later one must not be the one reported
          State s(channels);
          size_t bad = 0;
          ASSERT_FALSE(k.update(v.data(), rows, stride, channels, s.mins.data(), s.maxs.data(),
                                s.absmaxs.data(), &bad));
          EXPECT_EQ(bad, r * stride + c) << "channels " << channels << " value " << bad_value;
        }
      }
    }
  }
}

TEST_P(ObserveVariant, MergeMatchesScalarBitForBit) {
  const ObserveKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  const ObserveKernel& ref = observe_kernels()[0];
  for (size_t channels = 1; channels <= 200; channels += (channels < 70 ? 1 : 23)) {
    const std::vector<float> a = activations(3 * channels, test::test_seed(channels));
    const std::vector<float> b = activations(3 * channels, test::test_seed(channels + 1000));
    State sa(channels), sb(channels);
    size_t bad = 0;
    ASSERT_TRUE(ref.update(a.data(), 3, channels, channels, sa.mins.data(), sa.maxs.data(),
                           sa.absmaxs.data(), &bad));
    ASSERT_TRUE(ref.update(b.data(), 3, channels, channels, sb.mins.data(), sb.maxs.data(),
                           sb.absmaxs.data(), &bad));
    State expect = sa;
    ref.merge(channels, sb.mins.data(), sb.maxs.data(), sb.absmaxs.data(), expect.mins.data(),
              expect.maxs.data(), expect.absmaxs.data());
    GuardedState got(sa);
    GuardedState src(sb);
    k.merge(channels, src.mins.as<float>(), src.maxs.as<float>(), src.absmaxs.as<float>(),
            got.mins.as<float>(), got.maxs.as<float>(), got.absmaxs.as<float>());
    ASSERT_TRUE(same_bits(got.mins.as<float>(), expect.mins.data(), channels)) << channels;
    ASSERT_TRUE(same_bits(got.maxs.as<float>(), expect.maxs.data(), channels)) << channels;
    ASSERT_TRUE(same_bits(got.absmaxs.as<float>(), expect.absmaxs.data(), channels)) << channels;
    // Merging equals observing the second batch after the first.
    State sequential = sa;
    ASSERT_TRUE(ref.update(b.data(), 3, channels, channels, sequential.mins.data(),
                           sequential.maxs.data(), sequential.absmaxs.data(), &bad));
    EXPECT_TRUE(same_bits(sequential.mins.data(), expect.mins.data(), channels));
    EXPECT_TRUE(same_bits(sequential.maxs.data(), expect.maxs.data(), channels));
    EXPECT_TRUE(same_bits(sequential.absmaxs.data(), expect.absmaxs.data(), channels));
  }
}

// The scalar reference itself against a plain loop with the documented selections.
TEST(ObserveScalar, FollowsTheDocumentedSelections) {
  const ObserveKernel& ref = observe_kernels()[0];
  const size_t rows = 17, channels = 23;
  const std::vector<float> x = activations(rows * channels, test::test_seed());
  State s(channels);
  size_t bad = 0;
  ASSERT_TRUE(ref.update(x.data(), rows, channels, channels, s.mins.data(), s.maxs.data(),
                         s.absmaxs.data(), &bad));
  for (size_t c = 0; c < channels; ++c) {
    float mn = kInf, mx = -kInf, ab = 0.0F;
    for (size_t r = 0; r < rows; ++r) {
      const float v = x[r * channels + c];
      if (v < mn) mn = v;
      if (v > mx) mx = v;
      if (std::fabs(v) > ab) ab = std::fabs(v);
    }
    EXPECT_TRUE(same_bits(&s.mins[c], &mn, 1)) << c;
    EXPECT_TRUE(same_bits(&s.maxs[c], &mx, 1)) << c;
    EXPECT_TRUE(same_bits(&s.absmaxs[c], &ab, 1)) << c;
  }
}

INSTANTIATE_TEST_SUITE_P(AllVariants, ObserveVariant,
                         ::testing::ValuesIn(test::variants(observe_kernels())),
                         test::VariantName());

}  // namespace
}  // namespace mq::kernels
