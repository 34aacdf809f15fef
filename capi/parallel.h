// Splits row ranges across the context's executor (the host's parallel-for or the built-in pool).
//
// Each task gets one contiguous range of rows and computes each of its rows alone, in one order, so
// the results never depend on how many threads ran: the split only decides who computes a row, not
// how.
#ifndef MONOQUANT_CAPI_PARALLEL_H
#define MONOQUANT_CAPI_PARALLEL_H

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "capi/context.h"
#include "capi/error.h"
#include "common/fp_env.h"
#include "monoquant/monoquant.h"

namespace mq::capi {

// Work is counted in bytes of a memory-bound pass: the bytes a row's kernel reads, scaled up by the
// caller for kernels that compute longer per byte (see gemv_api.cpp).
// Below this much work per task a task costs more in hand-out than it saves.
constexpr size_t kMinBytesPerTask = 64 * 1024;
// Below this much work in all, a call stays on the calling thread. Handing a job to a second core
// costs a few microseconds here (the lines of the job and of the activations move between the
// cores): INT8-mode GEMV from cache on the Zen 5 test machine, 1 thread against 2, K = 1024: 512
// rows (0.28 MB of packed weights) 2.6 against 3.6 us, 1024 rows (0.56 MB) 4.7-5.1 against
// 5.2-7.0, 1536 rows (0.84 MB) 8.2 against 7.0, 2048 rows 11.3-12.6 against 7.8-8.7.
constexpr size_t kMinBytesToSplit = 768 * 1024;
// Tasks per thread when the work allows: threads take tasks as they come free, so a thread that
// starts late or shares its core with another process costs at most one task's worth of waiting.
constexpr size_t kTasksPerThread = 4;

struct RowSplit {
  size_t tasks;
  size_t rows_per_task;  // a multiple of the row tile, except that the last task may get fewer rows
};

// How to cut `rows` rows (of `work_per_row` work each, starting at multiples of `row_tile`) into
// at most `max_tasks` tasks, none smaller than kMinBytesPerTask (one task when max_tasks is 1 or
// the work is under kMinBytesToSplit).
RowSplit split_rows(size_t rows, size_t row_tile, size_t work_per_row, uint32_t max_tasks);

// The most tasks parallel_rows cuts for a context: kTasksPerThread per thread of the built-in pool,
// which hands them out one at a time; one per thread for a host executor, whose job system
// schedules the tasks it is given.
inline uint32_t max_row_tasks(const mq_context& context) {
  if (context.threads <= 1) return 1;
  if (context.parallel_for_fn != nullptr) return context.threads;
  return context.threads * static_cast<uint32_t>(kTasksPerThread);
}

// Runs job.run(i) for every i in [0, count) on the context's executor (a host executor or the
// built-in pool; the caller has checked that there is one). Returns MQ_OK or
// MQ_ERR_CALLBACK_FAILED when the host's executor failed or skipped tasks.
template <class Job>
mq_status run_on_executor(const mq_context& context, uint64_t count, Job& job) {
  if (context.parallel_for_fn != nullptr) {
    // A host executor's tasks are counted, to catch one that skips some. The built-in pool runs
    // every task and is spared the shared counter (see ThreadPool::run_tasks for its cost).
    struct Counted {
      Job* job;
      std::atomic<uint64_t> done{0};
    } counted{&job};
    const mq_task_fn task = [](void* opaque, uint64_t index) {
      auto* c = static_cast<Counted*>(opaque);
      const kernels::DefaultFpEnvScope fp_env;  // the host's worker threads may run any FP mode
      c->job->run(index);
      c->done.fetch_add(1, std::memory_order_relaxed);
    };
    const int32_t rc = context.parallel_for_fn(context.executor_user, count, task, &counted);
    if (rc != 0) return fail(MQ_ERR_CALLBACK_FAILED, "the host executor returned %d", rc);
    if (counted.done.load() != count) {
      return fail(MQ_ERR_CALLBACK_FAILED, "the host executor ran %llu of %llu tasks",
                  static_cast<unsigned long long>(counted.done.load()),
                  static_cast<unsigned long long>(count));
    }
    return MQ_OK;
  }
  // The pool sets the FP environment once per thread and job (ThreadPool::run_tasks).
  context.pool->parallel_for(
      count, [](void* opaque, uint64_t index) { static_cast<Job*>(opaque)->run(index); }, &job);
  return MQ_OK;
}

// Runs fn(row_begin, row_end) over `rows` rows on the context's executor. Returns MQ_OK or
// MQ_ERR_CALLBACK_FAILED when the host's executor failed or skipped tasks.
template <class Fn>
mq_status parallel_rows(const mq_context& context, size_t rows, size_t row_tile,
                        size_t work_per_row, Fn&& fn) {
  const RowSplit split = split_rows(rows, row_tile, work_per_row, max_row_tasks(context));
  if (split.tasks <= 1) {
    fn(size_t{0}, rows);
    return MQ_OK;
  }
  struct Job {
    Fn* fn;
    size_t rows;
    size_t rows_per_task;
    void run(uint64_t index) {
      const size_t begin = static_cast<size_t>(index) * rows_per_task;
      const size_t end = begin + rows_per_task < rows ? begin + rows_per_task : rows;
      if (begin < end) (*fn)(begin, end);
    }
  } job{&fn, rows, split.rows_per_task};
  return run_on_executor(context, split.tasks, job);
}

// Runs fn(index) once for every index in [0, count), each index a task of its own on the context's
// executor (the built-in pool hands the next index to whichever thread is free), for work items of
// uneven size such as the layers of a model. fn must not depend on which thread runs it. Returns
// MQ_OK or MQ_ERR_CALLBACK_FAILED when the host's executor failed or skipped tasks.
template <class Fn>
mq_status parallel_tasks(const mq_context& context, size_t count, Fn&& fn) {
  const bool threaded = context.parallel_for_fn != nullptr || context.pool != nullptr;
  if (count <= 1 || context.threads <= 1 || !threaded) {
    for (size_t i = 0; i < count; ++i) fn(i);
    return MQ_OK;
  }
  struct Job {
    Fn* fn;
    void run(uint64_t index) { (*fn)(static_cast<size_t>(index)); }
  } job{&fn};
  return run_on_executor(context, count, job);
}

}  // namespace mq::capi

#endif
