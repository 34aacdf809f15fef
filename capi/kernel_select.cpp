#include "capi/kernel_select.h"

#include "capi/error.h"
#include "capi/scheduler/scheduler.h"
#include "common/select.h"

namespace mq::capi {

using kernels::select_kernel;

const kernels::ReduceKernel& select_reduce(const mq_context& c, size_t cols, size_t group) {
  return select_kernel(kernels::reduce_kernels(), c.isa_cap,
                       [&](const kernels::ReduceKernel& k) { return k.supports(cols, group); });
}

const kernels::QuantizeKernel& select_quantize(const mq_context& c, size_t cols, size_t group) {
  return select_kernel(kernels::quantize_kernels(), c.isa_cap,
                       [&](const kernels::QuantizeKernel& k) { return k.supports(cols, group); });
}

const kernels::PackKernel& select_pack(const mq_context& c, size_t cols) {
  return select_kernel(kernels::pack_kernels(), c.isa_cap,
                       [&](const kernels::PackKernel& k) { return k.supports(cols); });
}

const kernels::DequantizeKernel& select_dequantize(const mq_context& c, size_t cols, size_t group) {
  return select_kernel(kernels::dequantize_kernels(), c.isa_cap,
                       [&](const kernels::DequantizeKernel& k) { return k.supports(cols, group); });
}

const kernels::GemvKernel& select_gemv(const mq_context& c, const kernels::GemvShape& s) {
  return select_kernel(kernels::gemv_kernels(), c.isa_cap,
                       [&](const kernels::GemvKernel& k) { return k.supports(s); });
}

const kernels::ConvertKernel& select_convert(const mq_context& c) {
  return select_kernel(kernels::convert_kernels(), c.isa_cap,
                       [](const kernels::ConvertKernel& /*k*/) { return true; });
}

mq_status kernel_name(const mq_context& c, mq_kernel_family family, const MatrixShape& shape,
                      const char** name) {
  switch (family) {
    case MQ_KERNEL_GROUP_REDUCE:
      *name = select_reduce(c, shape.cols, shape.group).name;
      return MQ_OK;
    case MQ_KERNEL_QUANTIZE_INT4:
    case MQ_KERNEL_QUANTIZE_INT8:
      *name = select_quantize(c, shape.cols, shape.group).name;
      return MQ_OK;
    case MQ_KERNEL_PACK:
    case MQ_KERNEL_UNPACK: *name = select_pack(c, shape.cols).name; return MQ_OK;
    case MQ_KERNEL_DEQUANTIZE:
      *name = select_dequantize(c, shape.cols, shape.group).name;
      return MQ_OK;
    case MQ_KERNEL_GEMV: {
      const kernels::GemvShape g{1, shape.cols, shape.group, kernels::Format::int4,
                                 kernels::Scheme::symmetric};
      *name = select_gemv(c, g).name;
      return MQ_OK;
    }
    case MQ_KERNEL_SQNR: *name = sched::select_sqnr(c, shape.cols, shape.group).name; return MQ_OK;
    case MQ_KERNEL_OBSERVE: *name = sched::select_observe(c, shape.cols).name; return MQ_OK;
    case MQ_KERNEL_FAMILY_MAX_ENUM: break;
  }
  return fail(MQ_ERR_INVALID_ARGUMENT, "kernel family %d is not a mq_kernel_family",
              static_cast<int>(family));
}

}  // namespace mq::capi
