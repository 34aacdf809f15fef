// The packed-weights handle: a matrix in the layout of one GEMV kernel variant.
#ifndef MONOQUANT_CAPI_PACKED_WEIGHTS_H
#define MONOQUANT_CAPI_PACKED_WEIGHTS_H

#include <cstddef>

#include "capi/allocator.h"
#include "capi/context.h"
#include "gemv/gemv.h"
#include "monoquant/monoquant.h"

struct mq_packed_weights {
  // A copy of the creating context's allocator, so the handle may outlive that context.
  mq::capi::Allocator allocator;
  const mq::kernels::GemvKernel* kernel;
  mq::kernels::GemvShape shape;
  void* data;
  size_t bytes;
};

namespace mq::capi {

// Makes packed weights from canonical buffers under a context: selects the GEMV variant for the
// context's ISA cap and the shape, allocates from the context's allocator, packs. Returns null
// (with nothing left allocated) when an allocation fails. The arguments are already checked.
mq_packed_weights* create_packed_weights(const mq_context& c, const kernels::GemvShape& shape,
                                         const void* codes, const float* scales,
                                         const uint8_t* zero_points);

// Frees packed weights through the allocator they were made with; null is accepted.
void destroy_packed_weights(mq_packed_weights* packed);

}  // namespace mq::capi

#endif
