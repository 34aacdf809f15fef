#include "capi/thread_pool.h"

#include "common/fp_env.h"

namespace mq::capi {
namespace {

// A worker between jobs first spins on the CPU's pause hint (back-to-back GEMVs then start in well
// under a microsecond), then yields for about a millisecond, then sleeps on the condition variable
// (a futex wake-up costs tens of microseconds, a large share of a cache-resident GEMV).
constexpr int kPauseRounds = 1 << 14;
constexpr int kYieldRounds = 2000;
// The caller waiting for the last tasks of other threads pauses only briefly before it yields: a
// yield with nothing else to run costs about a microsecond, and when the machine is busy it lets a
// worker sharing this core finish its task instead of spinning against it.
constexpr int kWaitPauseRounds = 256;

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

template <class Done>
void wait_until(Done done) {
  for (int i = 0; i < kWaitPauseRounds; ++i) {
    if (done()) return;
    cpu_relax();
  }
  while (!done()) std::this_thread::yield();
}

}  // namespace

ThreadPool::ThreadPool(uint32_t threads) : ranges_(new Range[threads > 0 ? threads : 1]) {
  workers_.reserve(threads > 0 ? threads - 1 : 0);
  try {
    for (uint32_t i = 1; i < threads; ++i) workers_.emplace_back([this, i] { worker_loop(i); });
  } catch (...) {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      stopping_.store(true);
    }
    wake_.notify_all();
    for (std::thread& t : workers_) t.join();
    throw;
  }
}

ThreadPool::~ThreadPool() {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    stopping_.store(true);
  }
  wake_.notify_all();
  for (std::thread& t : workers_) t.join();
}

void ThreadPool::run_tasks(uint32_t self) {
  const kernels::DefaultFpEnvScope fp_env;
  const uint32_t n = threads();
  // Counted here and published once per thread and job: a counter shared by the threads and bumped
  // after every task moved its cache line between the cores each time. With two such counters per
  // task (this one and one that parallel_rows kept for every executor), the 1024 x 1024 INT8 GEMV
  // from cache took 6.0-6.3 us on 2 threads, against 5.2-5.7 counted once (2048 x 1024: 8.9-10.3
  // -> 7.8-8.7 us; one thread 4.7-5.1 and 11.3-12.6). One run of the new code, on another minute,
  // took 3.7-3.9 and 6.2: the cost of a line moving between these two vCPUs changes as the host
  // places them.
  uint64_t ran = 0;
  for (uint32_t k = 0; k < n; ++k) {
    Range& r = ranges_[(self + k) % n];
    for (uint64_t i = r.begin + r.next.fetch_add(1); i < r.end; i = r.begin + r.next.fetch_add(1)) {
      task_(context_, i);
      ++ran;
    }
  }
  done_.fetch_add(ran, std::memory_order_release);
}

void ThreadPool::worker_loop(uint32_t self) {
  uint64_t seen = 0;
  for (;;) {
    bool woke = false;
    for (int i = 0; i < kPauseRounds && !woke; ++i) {
      woke = generation_.load(std::memory_order_acquire) != seen || stopping_.load();
      if (!woke) cpu_relax();
    }
    for (int i = 0; i < kYieldRounds && !woke; ++i) {
      woke = generation_.load(std::memory_order_acquire) != seen || stopping_.load();
      if (!woke) std::this_thread::yield();
    }
    if (!woke) {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stopping_.load() || generation_.load() != seen; });
    }
    if (stopping_.load()) return;
    seen = generation_.load();
    // Register, then look: a job whose caller has not yet seen in_job_ == 0 cannot finish under
    // us, and a finished one is left alone.
    in_job_.fetch_add(1);
    if (!finished_.load()) run_tasks(self);
    in_job_.fetch_sub(1);
  }
}

void ThreadPool::parallel_for(uint64_t count, mq_task_fn task, void* context) {
  std::unique_lock<std::mutex> submit(submit_mutex_, std::try_to_lock);
  if (!submit.owns_lock() || workers_.empty() || count <= 1) {
    for (uint64_t i = 0; i < count; ++i) task(context, i);
    return;
  }
  task_ = task;
  context_ = context;
  // Thread t's home range: count / n tasks, one more for the first count % n threads.
  const uint32_t n = threads();
  for (uint32_t t = 0; t < n; ++t) {
    ranges_[t].begin = count / n * t + (t < count % n ? t : count % n);
    ranges_[t].end = ranges_[t].begin + count / n + (t < count % n ? 1 : 0);
    ranges_[t].next.store(0);
  }
  done_.store(0);
  finished_.store(false);
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    generation_.fetch_add(1);
  }
  wake_.notify_all();
  run_tasks(0);
  wait_until([&] { return done_.load(std::memory_order_acquire) == count; });
  finished_.store(true);
  wait_until([&] { return in_job_.load() == 0; });
}

}  // namespace mq::capi
