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

mq_packed_weights* make_packed(const mq_context& c, const kernels::GemvShape& shape,
                               const void* codes, const float* scales, const uint8_t* zero_points) {
  const kernels::GemvKernel& kernel = select_gemv(c, shape);
  const size_t bytes = kernel.packed_bytes(shape);
  void* handle = c.allocator.allocate(sizeof(mq_packed_weights), alignof(mq_packed_weights));
  if (handle == nullptr) return nullptr;
  void* data = c.allocator.allocate(bytes, kernels::kGemvBufferAlignment);
  if (data == nullptr) {
    c.allocator.release(handle);
    return nullptr;
  }
  kernel.pack(shape, codes, scales, zero_points, data);
  return new (handle) mq_packed_weights{c.allocator, &kernel, shape, data, bytes};
}

void release_packed(mq_packed_weights* packed) {
  if (packed == nullptr) return;
  const Allocator allocator = packed->allocator;
  allocator.release(packed->data);
  packed->~mq_packed_weights();
  allocator.release(packed);
}

}  // namespace mq::capi::sched
