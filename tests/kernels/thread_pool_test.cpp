// The built-in pool's hand-out of tasks (internal view; the public API's thread tests are in
// tests/scheduler): every task runs exactly once, and each thread starts in its own home range, so
// that the same rows go to the same core from call to call.
#include "capi/thread_pool.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace mq::capi {
namespace {

struct Record {
  std::mutex mutex;
  std::vector<std::pair<std::thread::id, uint64_t>> order;  // (thread, task) as tasks finish
  std::vector<int> runs;                                    // times each task ran
};

void record_task(void* opaque, uint64_t index) {
  auto* r = static_cast<Record*>(opaque);
  // Long enough that the worker, woken by the job, takes part in most jobs.
  std::this_thread::sleep_for(std::chrono::microseconds(200));
  const std::lock_guard<std::mutex> lock(r->mutex);
  r->order.emplace_back(std::this_thread::get_id(), index);
  ++r->runs[index];
}

// With two threads and 8 tasks the caller's home range is [0, 4) and the worker's [4, 8). A thread
// takes its own range first and another's only once its own is used up, so the first task a thread
// runs is in its home range whatever the timing: the other thread could only have emptied that
// range after emptying its own, and then nothing is left at all. (A shared counter would give the
// worker task 1 or 2.)
TEST(ThreadPoolHandOut, EveryTaskOnceAndEachThreadStartsAtHome) {
  constexpr uint64_t kTasks = 8;
  ThreadPool pool(2);
  const std::thread::id caller = std::this_thread::get_id();
  int jobs_with_worker = 0;
  for (int job = 0; job < 50; ++job) {
    Record r;
    r.runs.assign(kTasks, 0);
    pool.parallel_for(kTasks, record_task, &r);
    for (uint64_t i = 0; i < kTasks; ++i) ASSERT_EQ(r.runs[i], 1) << "task " << i << " job " << job;
    bool caller_seen = false;
    bool worker_seen = false;
    for (const auto& [thread, index] : r.order) {
      if (thread == caller && !caller_seen) {
        caller_seen = true;
        EXPECT_LT(index, kTasks / 2) << "job " << job;
      } else if (thread != caller && !worker_seen) {
        worker_seen = true;
        EXPECT_GE(index, kTasks / 2) << "job " << job;
      }
    }
    jobs_with_worker += worker_seen ? 1 : 0;
  }
  // Otherwise the test above proved nothing about the worker.
  EXPECT_GT(jobs_with_worker, 0);
}

// Counts that do not divide among the threads, and fewer tasks than threads: every task once.
TEST(ThreadPoolHandOut, UnevenCountsRunEveryTaskOnce) {
  for (const uint32_t threads : {2U, 3U, 4U}) {
    ThreadPool pool(threads);
    for (const uint64_t count : {2U, 3U, 5U, 7U, 9U, 13U}) {
      Record r;
      r.runs.assign(count, 0);
      pool.parallel_for(count, record_task, &r);
      for (uint64_t i = 0; i < count; ++i) {
        ASSERT_EQ(r.runs[i], 1) << "threads " << threads << " count " << count << " task " << i;
      }
    }
  }
}

}  // namespace
}  // namespace mq::capi
