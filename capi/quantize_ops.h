// The quantization work behind mq_quantize_int4 / mq_quantize_int8_rows, on arguments already
// checked, shared with the packed-weights and scheduler entry points.
#ifndef MONOQUANT_CAPI_QUANTIZE_OPS_H
#define MONOQUANT_CAPI_QUANTIZE_OPS_H

#include <cstdint>

#include "capi/checks.h"
#include "capi/context.h"
#include "monoquant/monoquant.h"

namespace mq::capi {

// Quantizes a checked matrix on the context's threads. On a data error (non-finite weight,
// asymmetric range overflow) or an executor failure, zero-fills the outputs and fails with a
// message naming the first offending element. zero_points is null for the symmetric scheme.
mq_status quantize_int4_checked(const mq_context& c, const MatrixShape& s, const float* weights,
                                mq_scheme scheme, uint8_t* codes, float* scales,
                                uint8_t* zero_points);

mq_status quantize_int8_rows_checked(const mq_context& c, const MatrixShape& s,
                                     const float* weights, int8_t* codes, float* scales);

}  // namespace mq::capi

#endif
