// mq_group_reduce, mq_quantize_int4, mq_quantize_int8_rows.
#include <cstdint>

#include "capi/api_call.h"
#include "capi/checks.h"
#include "capi/context.h"
#include "capi/first_error.h"
#include "capi/kernel_select.h"
#include "capi/parallel.h"
#include "capi/quantize_ops.h"

using mq::capi::api_call;
using mq::capi::check_len;
using mq::capi::check_not_null;
using mq::capi::fail;
using mq::capi::MatrixShape;
namespace k = mq::kernels;

namespace {

mq_status non_finite_error(const float* weights, const MatrixShape& s, size_t index) {
  return fail(MQ_ERR_NON_FINITE, "weight at row %zu, column %zu is %g; weights must be finite",
              index / s.cols, index % s.cols, static_cast<double>(weights[index]));
}

mq_status quantize_error(const float* weights, const MatrixShape& s,
                         const mq::capi::FirstError& e) {
  if (e.kind() == static_cast<int>(k::QuantizeResult::range_overflow)) {
    return fail(
        MQ_ERR_VALUE_OUT_OF_RANGE,
        "the group of row %zu starting at column %zu has max - min beyond the float32 range; "
        "the asymmetric scheme cannot represent it (use the symmetric scheme)",
        e.index() / s.cols, e.index() % s.cols);
  }
  return non_finite_error(weights, s, e.index());
}

}  // namespace

namespace mq::capi {

mq_status quantize_int4_checked(const mq_context& c, const MatrixShape& s, const float* weights,
                                mq_scheme scheme, uint8_t* codes, float* scales,
                                uint8_t* zero_points) {
  const k::QuantizeKernel& kernel = select_quantize(c, s.cols, s.group);
  const size_t row_bytes = k::int4_row_bytes(s.cols);
  FirstError error;
  const mq_status run =
      parallel_rows(c, s.rows, 1, s.cols * sizeof(float), [&](size_t begin, size_t end) {
        size_t bad = 0;
        const k::QuantizeResult r =
            kernel.int4(weights + begin * s.cols, end - begin, s.cols, s.group, to_kernel(scheme),
                        codes + begin * row_bytes, scales + begin * s.groups,
                        zero_points != nullptr ? zero_points + begin * s.groups : nullptr, &bad);
        if (r != k::QuantizeResult::ok) error.record(begin * s.cols + bad, static_cast<int>(r));
      });
  if (run != MQ_OK || error.failed()) {
    zero_fill(codes, s.int4_bytes);
    zero_fill(scales, s.group_count * sizeof(float));
    zero_fill(zero_points, zero_points != nullptr ? s.group_count : 0);
    return run != MQ_OK ? run : quantize_error(weights, s, error);
  }
  return MQ_OK;
}

mq_status quantize_int8_rows_checked(const mq_context& c, const MatrixShape& s,
                                     const float* weights, int8_t* codes, float* scales) {
  const k::QuantizeKernel& kernel = select_quantize(c, s.cols, s.group);
  FirstError error;
  const mq_status run =
      parallel_rows(c, s.rows, 1, s.cols * sizeof(float), [&](size_t begin, size_t end) {
        size_t bad = 0;
        const k::QuantizeResult r = kernel.int8_rows(weights + begin * s.cols, end - begin, s.cols,
                                                     codes + begin * s.cols, scales + begin, &bad);
        if (r != k::QuantizeResult::ok) error.record(begin * s.cols + bad, static_cast<int>(r));
      });
  if (run != MQ_OK || error.failed()) {
    zero_fill(codes, s.elements);
    zero_fill(scales, s.rows * sizeof(float));
    return run != MQ_OK ? run : quantize_error(weights, s, error);
  }
  return MQ_OK;
}

}  // namespace mq::capi

extern "C" {

mq_status mq_group_reduce(mq_context* context, const float* weights, uint64_t weights_len,
                          uint64_t rows, uint64_t cols, uint64_t group_size, float* mins,
                          float* maxs, float* absmaxs, uint64_t out_len) {
  return api_call("mq_group_reduce", [&]() -> mq_status {
    const mq_context* c = nullptr;
    MQ_RETURN_IF_ERROR(mq::capi::resolve_context(context, &c));
    MQ_RETURN_IF_ERROR(check_not_null(weights, "weights"));
    if (mins == nullptr && maxs == nullptr && absmaxs == nullptr) {
      return fail(MQ_ERR_NULL_POINTER, "mins, maxs and absmaxs are all NULL; give at least one");
    }
    MatrixShape s{};
    MQ_RETURN_IF_ERROR(mq::capi::check_matrix_shape(rows, cols, group_size, &s));
    MQ_RETURN_IF_ERROR(check_len(weights_len, s.elements, "weights"));
    MQ_RETURN_IF_ERROR(check_len(out_len, s.group_count, "out"));

    const k::ReduceKernel& kernel = mq::capi::select_reduce(*c, s.cols, s.group);
    mq::capi::FirstError error;
    const mq_status run = mq::capi::parallel_rows(
        *c, s.rows, 1, s.cols * sizeof(float), [&](size_t begin, size_t end) {
          const size_t o = begin * s.groups;
          size_t bad = 0;
          if (!kernel.group_minmax(weights + begin * s.cols, end - begin, s.cols, s.group,
                                   mins != nullptr ? mins + o : nullptr,
                                   maxs != nullptr ? maxs + o : nullptr,
                                   absmaxs != nullptr ? absmaxs + o : nullptr, &bad)) {
            error.record(begin * s.cols + bad, 0);
          }
        });
    if (run != MQ_OK || error.failed()) {
      for (float* out : {mins, maxs, absmaxs})
        mq::capi::zero_fill(out, s.group_count * sizeof(float));
      return run != MQ_OK ? run : non_finite_error(weights, s, error.index());
    }
    return MQ_OK;
  });
}

mq_status mq_quantize_int4(mq_context* context, const float* weights, uint64_t weights_len,
                           uint64_t rows, uint64_t cols, uint64_t group_size, mq_scheme scheme,
                           uint8_t* codes, uint64_t codes_len, float* scales, uint64_t scales_len,
                           uint8_t* zero_points, uint64_t zero_points_len) {
  return api_call("mq_quantize_int4", [&]() -> mq_status {
    const mq_context* c = nullptr;
    MQ_RETURN_IF_ERROR(mq::capi::resolve_context(context, &c));
    MQ_RETURN_IF_ERROR(check_not_null(weights, "weights"));
    MQ_RETURN_IF_ERROR(check_not_null(codes, "codes"));
    MQ_RETURN_IF_ERROR(check_not_null(scales, "scales"));
    MQ_RETURN_IF_ERROR(mq::capi::check_scheme(scheme));
    MatrixShape s{};
    MQ_RETURN_IF_ERROR(mq::capi::check_matrix_shape(rows, cols, group_size, &s));
    MQ_RETURN_IF_ERROR(check_len(weights_len, s.elements, "weights"));
    MQ_RETURN_IF_ERROR(check_len(codes_len, s.int4_bytes, "codes"));
    MQ_RETURN_IF_ERROR(check_len(scales_len, s.group_count, "scales"));
    MQ_RETURN_IF_ERROR(
        mq::capi::check_zero_points(scheme, zero_points, zero_points_len, s.group_count));

    return mq::capi::quantize_int4_checked(*c, s, weights, scheme, codes, scales, zero_points);
  });
}

mq_status mq_quantize_int8_rows(mq_context* context, const float* weights, uint64_t weights_len,
                                uint64_t rows, uint64_t cols, int8_t* codes, uint64_t codes_len,
                                float* scales, uint64_t scales_len) {
  return api_call("mq_quantize_int8_rows", [&]() -> mq_status {
    const mq_context* c = nullptr;
    MQ_RETURN_IF_ERROR(mq::capi::resolve_context(context, &c));
    MQ_RETURN_IF_ERROR(check_not_null(weights, "weights"));
    MQ_RETURN_IF_ERROR(check_not_null(codes, "codes"));
    MQ_RETURN_IF_ERROR(check_not_null(scales, "scales"));
    MatrixShape s{};
    MQ_RETURN_IF_ERROR(mq::capi::check_matrix_shape(rows, cols, cols, &s));
    MQ_RETURN_IF_ERROR(check_len(weights_len, s.elements, "weights"));
    MQ_RETURN_IF_ERROR(check_len(codes_len, s.elements, "codes"));
    MQ_RETURN_IF_ERROR(check_len(scales_len, s.rows, "scales"));

    return mq::capi::quantize_int8_rows_checked(*c, s, weights, codes, scales);
  });
}

}  // extern "C"
