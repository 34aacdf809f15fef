// The built-in thread pool, used when the host gives no executor. The calling thread takes part in
// every job, so a pool of T threads starts T - 1 workers.
//
// Each thread of the pool has a home range of a job's tasks, the same for every job of the same
// size (the caller's is the first), and takes its own tasks first, one index at a time, then
// those left in the other ranges. So a cache-resident matrix called again and again has each range
// of rows computed by the same core from call to call, while a worker that starts late (or a core
// busy with another process) still only means the others take more of the tasks. The caller
// returns as soon as every task has finished and no worker is inside the job: it never waits for a
// sleeping worker to wake up just to find the work already done.
#ifndef MONOQUANT_CAPI_THREAD_POOL_H
#define MONOQUANT_CAPI_THREAD_POOL_H

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "monoquant/monoquant.h"

namespace mq::capi {

class ThreadPool {
 public:
  // Starts threads - 1 workers; throws std::system_error / std::bad_alloc if it cannot.
  explicit ThreadPool(uint32_t threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  uint32_t threads() const { return static_cast<uint32_t>(workers_.size()) + 1; }

  // Runs task(context, i) for every i in [0, count) and returns when all are done. A second caller
  // that arrives while a job runs (a context shared between host threads) runs its job on its own
  // thread instead of waiting: the results are the same, since they never depend on the thread
  // count.
  void parallel_for(uint64_t count, mq_task_fn task, void* context);

 private:
  void worker_loop(uint32_t self);
  void run_tasks(uint32_t self);

  std::vector<std::thread> workers_;
  std::mutex submit_mutex_;  // one job at a time

  std::mutex mutex_;  // guards sleeping: generation_ changes and stopping_ are made under it
  std::condition_variable wake_;
  std::atomic<uint64_t> generation_{0};
  std::atomic<bool> stopping_{false};

  // The current job. The fields are written before finished_ is cleared; a worker that has
  // registered in in_job_ and then sees finished_ false may read them until it deregisters, and
  // the caller does not return (nor publish another job) before in_job_ drops to zero.
  mq_task_fn task_ = nullptr;
  void* context_ = nullptr;
  // One home range of tasks per thread: tasks [begin, end) of the job, next taken from begin +
  // next (owner and thieves alike, so every task is taken once). A cache line each, so that the
  // threads' counters do not share one.
  struct alignas(64) Range {
    uint64_t begin = 0;
    uint64_t end = 0;
    std::atomic<uint64_t> next{0};
  };
  std::unique_ptr<Range[]> ranges_;
  std::atomic<uint64_t> done_{0};  // tasks finished, added once per thread and job
  std::atomic<bool> finished_{true};
  std::atomic<uint32_t> in_job_{0};
};

}  // namespace mq::capi

#endif
