// The context: allocator, executor, log sink and ISA cap that every entry point runs under.
#ifndef MONOQUANT_CAPI_CONTEXT_H
#define MONOQUANT_CAPI_CONTEXT_H

#include <cstdint>
#include <memory>

#include "capi/allocator.h"
#include "capi/thread_pool.h"
#include "common/isa.h"
#include "monoquant/monoquant.h"

struct mq_context {
  mq::capi::Allocator allocator;
  mq_parallel_for_fn parallel_for_fn = nullptr;
  void* executor_user = nullptr;
  uint32_t threads = 1;  // how many tasks run at once (pool size, or the host's executor_threads)
  std::unique_ptr<mq::capi::ThreadPool> pool;
  mq_log_fn log_fn = nullptr;
  void* log_user = nullptr;
  mq_log_level log_level = MQ_LOG_DEBUG;
  mq::kernels::Isa isa_cap = mq::kernels::Isa::scalar;
};

namespace mq::capi {

// The context an entry point runs under: `context` itself, or the process default for NULL. Fails
// with MQ_ERR_UNSUPPORTED when NULL is given and MONOQUANT_ISA names an ISA that cannot run here.
mq_status resolve_context(const mq_context* context, const mq_context** resolved);

// The process-wide ISA cap: MONOQUANT_ISA when set (read once), else the best this CPU runs.
mq_status default_isa(kernels::Isa* isa);

// Converts and checks a public ISA value: a known level that this build and CPU run.
mq_status runnable_isa(mq_isa isa, kernels::Isa* out);

// Sends a line to the context's log callback, if any and if `level` passes its filter.
void log_message(const mq_context& context, mq_log_level level, const char* message);

}  // namespace mq::capi

#endif
