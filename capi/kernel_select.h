// Which variant of each kernel family an entry point runs, for a context and a shape.
#ifndef MONOQUANT_CAPI_KERNEL_SELECT_H
#define MONOQUANT_CAPI_KERNEL_SELECT_H

#include "capi/checks.h"
#include "capi/context.h"
#include "convert/convert.h"
#include "dequantize/dequantize.h"
#include "gemv/gemv.h"
#include "pack/pack.h"
#include "quantize/quantize.h"
#include "reduce/reduce.h"

namespace mq::capi {

// For rows of `cols` columns in groups of `group` (the row length again for per-row work).
const kernels::ReduceKernel& select_reduce(const mq_context& c, size_t cols, size_t group);
const kernels::QuantizeKernel& select_quantize(const mq_context& c, size_t cols, size_t group);
const kernels::PackKernel& select_pack(const mq_context& c, size_t cols);
const kernels::DequantizeKernel& select_dequantize(const mq_context& c, size_t cols, size_t group);
const kernels::GemvKernel& select_gemv(const mq_context& c, const kernels::GemvShape& s);
const kernels::ConvertKernel& select_convert(const mq_context& c);

// The name of the variant `family` runs for a 1 x shape.cols matrix with group shape.group (INT4,
// symmetric, for the GEMV family).
mq_status kernel_name(const mq_context& c, mq_kernel_family family, const MatrixShape& shape,
                      const char** name);

}  // namespace mq::capi

#endif
