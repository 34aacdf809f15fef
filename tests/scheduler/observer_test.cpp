// Calibration observers through the public API: statistics against a plain loop, whatever the
// threads; merging equals observing everything at once; counts; failures leave the state unchanged.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <thread>
#include <vector>

#include "monoquant/monoquant.h"
#include "scheduler/scheduler_fixture.h"

namespace mq::sched_test {
namespace {

struct Stats {
  std::vector<float> mins, maxs, absmaxs;
  explicit Stats(size_t channels)
      : mins(channels, std::numeric_limits<float>::infinity()),
        maxs(channels, -std::numeric_limits<float>::infinity()),
        absmaxs(channels, 0.0F) {}
  bool operator==(const Stats& o) const {
    const size_t bytes = mins.size() * sizeof(float);
    return mins.size() == o.mins.size() && std::memcmp(mins.data(), o.mins.data(), bytes) == 0 &&
           std::memcmp(maxs.data(), o.maxs.data(), bytes) == 0 &&
           std::memcmp(absmaxs.data(), o.absmaxs.data(), bytes) == 0;
  }
};

Stats read(const mq_observer* o, size_t channels) {
  Stats s(channels);
  EXPECT_EQ(mq_observer_read(o, s.mins.data(), s.maxs.data(), s.absmaxs.data(), channels), MQ_OK)
      << last_error();
  return s;
}

// Activations with outlier channels and exact zeros of both signs.
std::vector<float> batch(size_t rows, size_t channels, uint64_t seed) {
  std::vector<float> x = test::random_floats(rows * channels, test::Distribution::gaussian, seed);
  for (size_t r = 0; r < rows; ++r) {
    x[r * channels + (seed % channels)] *= 40.0F;
    if (r % 3 == 0) x[r * channels] = (r % 2 == 0) ? 0.0F : -0.0F;
  }
  return x;
}

TEST(Observer, MatchesAPlainLoopWithAnyThreads) {
  HostExecutor host;
  const size_t channels = 4096 + 5;  // wide enough to be split across threads, with a tail
  std::vector<std::vector<float>> batches;
  const size_t rows[] = {1, 7, 64, 33};
  for (size_t b = 0; b < 4; ++b) batches.push_back(batch(rows[b], channels, 100 + b));
  Stats expect(channels);
  for (size_t b = 0; b < 4; ++b) {
    for (size_t r = 0; r < rows[b]; ++r) {
      for (size_t c = 0; c < channels; ++c) {
        const float v = batches[b][r * channels + c];
        if (v < expect.mins[c]) expect.mins[c] = v;
        if (v > expect.maxs[c]) expect.maxs[c] = v;
        if (std::fabs(v) > expect.absmaxs[c]) expect.absmaxs[c] = std::fabs(v);
      }
    }
  }
  for (const uint32_t threads : {1U, 2U, 4U, 0U}) {
    SCOPED_TRACE(threads);
    ContextHandle ctx(make_context(threads, threads == 0 ? &host : nullptr));
    mq_observer* o = nullptr;
    ASSERT_EQ(mq_observer_create(ctx.c, channels, &o), MQ_OK);
    for (size_t b = 0; b < 4; ++b) {
      ASSERT_EQ(
          mq_observer_observe(ctx.c, o, batches[b].data(), batches[b].size(), rows[b], channels, 0),
          MQ_OK)
          << last_error();
    }
    EXPECT_TRUE(read(o, channels) == expect);
    mq_observer_info info{};
    info.struct_size = sizeof(info);
    ASSERT_EQ(mq_observer_get_info(o, &info), MQ_OK);
    EXPECT_EQ(info.channels, channels);
    EXPECT_EQ(info.samples, 1U + 7 + 64 + 33);
    EXPECT_EQ(info.rows, 1U + 7 + 64 + 33);
    EXPECT_EQ(info.batches, 4U);
    mq_observer_destroy(o);
  }
  EXPECT_GT(host.calls.load(), 0U);
}

// Two threads each observe half of the batches with their own observer; the merge equals one
// observer that saw every batch, bit for bit, and the counts add.
TEST(Observer, MergeEqualsObservingEverything) {
  const size_t channels = 300;
  std::vector<std::vector<float>> batches;
  for (size_t b = 0; b < 8; ++b) batches.push_back(batch(5 + b, channels, 7 * b + 1));
  mq_observer* all = nullptr;
  mq_observer* halves[2] = {nullptr, nullptr};
  ASSERT_EQ(mq_observer_create(nullptr, channels, &all), MQ_OK);
  for (mq_observer*& h : halves) ASSERT_EQ(mq_observer_create(nullptr, channels, &h), MQ_OK);
  for (const std::vector<float>& x : batches) {
    ASSERT_EQ(
        mq_observer_observe(nullptr, all, x.data(), x.size(), x.size() / channels, channels, 1),
        MQ_OK);
  }
  std::vector<std::thread> workers;
  for (size_t t = 0; t < 2; ++t) {
    workers.emplace_back([&, t] {
      for (size_t b = t * 4; b < t * 4 + 4; ++b) {
        mq_observer_observe(nullptr, halves[t], batches[b].data(), batches[b].size(),
                            batches[b].size() / channels, channels, 1);
      }
    });
  }
  for (std::thread& w : workers) w.join();
  ASSERT_EQ(mq_observer_merge(halves[0], halves[1]), MQ_OK);
  EXPECT_TRUE(read(halves[0], channels) == read(all, channels));
  mq_observer_info merged{}, single{};
  merged.struct_size = single.struct_size = sizeof(mq_observer_info);
  ASSERT_EQ(mq_observer_get_info(halves[0], &merged), MQ_OK);
  ASSERT_EQ(mq_observer_get_info(all, &single), MQ_OK);
  EXPECT_EQ(merged.samples, 8U);  // one sample per batch, as given
  EXPECT_EQ(merged.samples, single.samples);
  EXPECT_EQ(merged.rows, single.rows);
  EXPECT_EQ(merged.batches, single.batches);
  // Merging into an empty observer copies; merging an empty one changes nothing.
  mq_observer* empty = nullptr;
  ASSERT_EQ(mq_observer_create(nullptr, channels, &empty), MQ_OK);
  ASSERT_EQ(mq_observer_merge(halves[0], empty), MQ_OK);
  EXPECT_TRUE(read(halves[0], channels) == read(all, channels));
  ASSERT_EQ(mq_observer_merge(empty, all), MQ_OK);
  EXPECT_TRUE(read(empty, channels) == read(all, channels));
  for (mq_observer* o : {all, halves[0], halves[1], empty}) mq_observer_destroy(o);
}

TEST(Observer, EmptyStateAndReset) {
  const size_t channels = 17;
  mq_observer* o = nullptr;
  ASSERT_EQ(mq_observer_create(nullptr, channels, &o), MQ_OK);
  const Stats empty(channels);
  EXPECT_TRUE(read(o, channels) == empty);
  const std::vector<float> x = batch(4, channels, 3);
  ASSERT_EQ(mq_observer_observe(nullptr, o, x.data(), x.size(), 4, channels, 0), MQ_OK);
  EXPECT_FALSE(read(o, channels) == empty);
  ASSERT_EQ(mq_observer_reset(o), MQ_OK);
  EXPECT_TRUE(read(o, channels) == empty);
  mq_observer_info info{};
  info.struct_size = sizeof(info);
  ASSERT_EQ(mq_observer_get_info(o, &info), MQ_OK);
  EXPECT_EQ(info.samples, 0U);
  EXPECT_EQ(info.batches, 0U);
  // Any one output may be read alone.
  std::vector<float> maxs(channels, 5.0F);
  ASSERT_EQ(mq_observer_read(o, nullptr, maxs.data(), nullptr, channels), MQ_OK);
  EXPECT_EQ(maxs[0], -std::numeric_limits<float>::infinity());
  mq_observer_destroy(o);
}

TEST(Observer, NonFiniteBatchLeavesTheObserverUnchanged) {
  for (const uint32_t threads : {1U, 2U}) {
    ContextHandle ctx(make_context(threads));
    const size_t channels = 2048, rows = 6;
    mq_observer* o = nullptr;
    ASSERT_EQ(mq_observer_create(ctx.c, channels, &o), MQ_OK);
    const std::vector<float> good = batch(rows, channels, 11);
    ASSERT_EQ(mq_observer_observe(ctx.c, o, good.data(), good.size(), rows, channels, 0), MQ_OK);
    const Stats before = read(o, channels);
    std::vector<float> bad = batch(rows, channels, 12);
    bad[3 * channels + 2000] = NAN;  // in the second half of the channels
    bad[4 * channels + 10] = INFINITY;
    EXPECT_EQ(mq_observer_observe(ctx.c, o, bad.data(), bad.size(), rows, channels, 0),
              MQ_ERR_NON_FINITE);
    EXPECT_EQ(last_error(),
              "mq_observer_observe: x at row 3, column 2000 is nan; activations must be finite "
              "(the observer is unchanged)");
    EXPECT_TRUE(read(o, channels) == before);
    mq_observer_info info{};
    info.struct_size = sizeof(info);
    ASSERT_EQ(mq_observer_get_info(o, &info), MQ_OK);
    EXPECT_EQ(info.rows, rows);
    EXPECT_EQ(info.batches, 1U);
    mq_observer_destroy(o);
  }
}

}  // namespace
}  // namespace mq::sched_test
