#include "capi/packed_weights.h"

#include <new>

#include "capi/kernel_select.h"

namespace mq::capi {

mq_packed_weights* create_packed_weights(const mq_context& c, const kernels::GemvShape& shape,
                                         const void* codes, const float* scales,
                                         const uint8_t* zero_points) {
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

void destroy_packed_weights(mq_packed_weights* packed) {
  if (packed == nullptr) return;
  const Allocator allocator = packed->allocator;
  allocator.release(packed->data);
  packed->~mq_packed_weights();
  allocator.release(packed);
}

}  // namespace mq::capi
