// The kernel variants the scheduler runs, and packed weights made from its canonical outputs.
#include <new>

#include "capi/kernel_select.h"
#include "capi/scheduler/scheduler.h"
#include "common/select.h"

namespace mq::capi::sched {

const kernels::SqnrKernel& select_sqnr(const mq_context& c, size_t cols, size_t group) {
  return kernels::select_kernel(
      kernels::sqnr_kernels(), c.isa_cap,
      [&](const kernels::SqnrKernel& k) { return k.supports(cols, group); });
}

const kernels::ObserveKernel& select_observe(const mq_context& c, size_t channels) {
  return kernels::select_kernel(
      kernels::observe_kernels(), c.isa_cap,
      [&](const kernels::ObserveKernel& k) { return k.supports(channels); });
}

}  // namespace mq::capi::sched
