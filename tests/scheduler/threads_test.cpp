// The built-in pool and the row split under stress, through the public API: many back-to-back
// jobs, two host threads sharing one context, contexts created and destroyed around a job. Every
// result must equal the single-threaded one.
#include <gtest/gtest.h>

#include <cstring>
#include <thread>
#include <vector>

#include "monoquant/monoquant.h"
#include "scheduler/scheduler_fixture.h"

namespace mq::sched_test {
namespace {

constexpr uint64_t kRows = 64, kCols = 4096, kGroup = 128;  // 1 MiB: split into many tasks

std::vector<float> reduce(mq_context* c, const std::vector<float>& w) {
  std::vector<float> out(3 * kRows * (kCols / kGroup));
  const uint64_t n = kRows * (kCols / kGroup);
  EXPECT_EQ(mq_group_reduce(c, w.data(), w.size(), kRows, kCols, kGroup, out.data(), out.data() + n,
                            out.data() + 2 * n, n),
            MQ_OK)
      << last_error();
  return out;
}

TEST(ThreadPool, BackToBackJobsMatchOneThread) {
  const std::vector<float> w =
      test::random_floats(kRows * kCols, test::Distribution::gaussian, test::test_seed());
  const std::vector<float> expect = reduce(nullptr, w);
  for (const uint32_t threads : {2U, 4U}) {
    ContextHandle ctx(make_context(threads));
    for (int i = 0; i < 400; ++i) {
      ASSERT_EQ(reduce(ctx.c, w), expect) << "threads " << threads << " job " << i;
    }
  }
}

TEST(ThreadPool, HostThreadsSharingAContext) {
  const std::vector<float> w =
      test::random_floats(kRows * kCols, test::Distribution::laplace, test::test_seed());
  const std::vector<float> expect = reduce(nullptr, w);
  ContextHandle ctx(make_context(2));
  std::atomic<int> mismatches{0};
  std::vector<std::thread> callers;
  callers.reserve(3);
  for (int t = 0; t < 3; ++t) {
    callers.emplace_back([&] {
      for (int i = 0; i < 150; ++i) {
        if (reduce(ctx.c, w) != expect) mismatches.fetch_add(1);
      }
    });
  }
  for (std::thread& t : callers) t.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(ThreadPool, ContextsComeAndGoAroundJobs) {
  const std::vector<float> w =
      test::random_floats(kRows * kCols, test::Distribution::uniform, test::test_seed());
  const std::vector<float> expect = reduce(nullptr, w);
  for (int i = 0; i < 60; ++i) {
    ContextHandle ctx(make_context(2 + i % 3));
    ASSERT_EQ(reduce(ctx.c, w), expect);
  }
}

// GEMV on packed weights gives bit-identical outputs with 1, 2 and 4 threads and a host executor.
TEST(ThreadPool, GemvIsBitIdenticalAcrossThreadCounts) {
  const uint64_t rows = 1024, cols = 1024;
  const std::vector<float> w =
      test::random_floats(rows * cols, test::Distribution::laplace, test::test_seed());
  const std::vector<float> x =
      test::random_floats(4 * cols, test::Distribution::gaussian, test::test_seed(1));
  mq_packed_weights* p = nullptr;
  ASSERT_EQ(mq_packed_create_from_f32(nullptr, w.data(), w.size(), rows, cols, nullptr, &p), MQ_OK);
  std::vector<float> expect(4 * rows);
  ASSERT_EQ(mq_gemm(nullptr, p, MQ_COMPUTE_F32, x.data(), x.size(), 4, nullptr, 0, expect.data(),
                    expect.size()),
            MQ_OK);
  HostExecutor host;
  for (const uint32_t threads : {1U, 2U, 4U, 0U}) {
    ContextHandle ctx(make_context(threads, threads == 0 ? &host : nullptr));
    for (const mq_compute_mode mode : {MQ_COMPUTE_F32, MQ_COMPUTE_INT8}) {
      std::vector<float> single(4 * rows), y(4 * rows);
      ASSERT_EQ(mq_gemm(nullptr, p, mode, x.data(), x.size(), 4, nullptr, 0, single.data(),
                        single.size()),
                MQ_OK);
      for (int rep = 0; rep < 20; ++rep) {
        ASSERT_EQ(mq_gemm(ctx.c, p, mode, x.data(), x.size(), 4, nullptr, 0, y.data(), y.size()),
                  MQ_OK);
        ASSERT_EQ(std::memcmp(y.data(), single.data(), y.size() * sizeof(float)), 0)
            << "threads " << threads << " mode " << mode;
      }
    }
  }
  mq_packed_destroy(p);
}

}  // namespace
}  // namespace mq::sched_test
