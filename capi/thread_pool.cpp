#include "capi/thread_pool.h"

#include "common/fp_env.h"

namespace mq::capi {
namespace {

// Spinning this many rounds before sleeping lets back-to-back GEMVs reach idle workers without a
// futex wake-up (tens of microseconds), which would otherwise be a large share of a cache-resident
// GEMV.
constexpr int kSpinRounds = 2000;  // about a millisecond of yields

}  // namespace

ThreadPool::ThreadPool(uint32_t threads) {
  workers_.reserve(threads > 0 ? threads - 1 : 0);
  try {
    for (uint32_t i = 1; i < threads; ++i) workers_.emplace_back([this] { worker_loop(); });
  } catch (...) {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (std::thread& t : workers_) t.join();
    throw;
  }
}

ThreadPool::~ThreadPool() {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& t : workers_) t.join();
}

void ThreadPool::run_tasks() {
  const kernels::DefaultFpEnvScope fp_env;
  for (uint64_t i = next_.fetch_add(1); i < count_; i = next_.fetch_add(1)) task_(context_, i);
}

void ThreadPool::worker_loop() {
  uint64_t seen = 0;
  for (;;) {
    for (int spin = 0; spin < kSpinRounds && generation_.load(std::memory_order_acquire) == seen;
         ++spin) {
      std::this_thread::yield();
    }
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || generation_.load() != seen; });
      if (stopping_) return;
      seen = generation_.load();
    }
    run_tasks();
    busy_workers_.fetch_sub(1, std::memory_order_acq_rel);
  }
}

void ThreadPool::parallel_for(uint64_t count, mq_task_fn task, void* context) {
  std::unique_lock<std::mutex> submit(submit_mutex_, std::try_to_lock);
  if (!submit.owns_lock() || workers_.empty() || count <= 1) {
    for (uint64_t i = 0; i < count; ++i) task(context, i);
    return;
  }
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    task_ = task;
    context_ = context;
    count_ = count;
    next_.store(0);
    busy_workers_.store(static_cast<uint32_t>(workers_.size()));
    generation_.fetch_add(1, std::memory_order_release);
  }
  wake_.notify_all();
  run_tasks();
  while (busy_workers_.load(std::memory_order_acquire) != 0) std::this_thread::yield();
}

}  // namespace mq::capi
