// The packed-weights handle: a matrix in the layout of one GEMV kernel variant.
#ifndef MONOQUANT_CAPI_PACKED_WEIGHTS_H
#define MONOQUANT_CAPI_PACKED_WEIGHTS_H

#include <cstddef>

#include "capi/allocator.h"
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

#endif
