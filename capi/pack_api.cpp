// mq_int4_buffer_sizes, mq_pack_int4, mq_unpack_int4, mq_dequantize_int4, mq_dequantize_int8_rows.
#include <cstdint>

#include "capi/api_call.h"
#include "capi/checks.h"
#include "capi/context.h"
#include "capi/first_error.h"
#include "capi/kernel_select.h"
#include "capi/parallel.h"

using mq::capi::api_call;
using mq::capi::check_len;
using mq::capi::check_not_null;
using mq::capi::fail;
using mq::capi::MatrixShape;
namespace k = mq::kernels;

extern "C" {

mq_status mq_int4_buffer_sizes(uint64_t rows, uint64_t cols, uint64_t group_size,
                               uint64_t* codes_len, uint64_t* scales_len,
                               uint64_t* zero_points_len) {
  return api_call("mq_int4_buffer_sizes", [&]() -> mq_status {
    MatrixShape s{};
    MQ_RETURN_IF_ERROR(mq::capi::check_matrix_shape(rows, cols, group_size, &s));
    if (codes_len != nullptr) *codes_len = s.int4_bytes;
    if (scales_len != nullptr) *scales_len = s.group_count;
    if (zero_points_len != nullptr) *zero_points_len = s.group_count;
    return MQ_OK;
  });
}

mq_status mq_pack_int4(mq_context* context, const int8_t* values, uint64_t values_len,
                       uint64_t rows, uint64_t cols, mq_scheme scheme, uint8_t* packed,
                       uint64_t packed_len) {
  return api_call("mq_pack_int4", [&]() -> mq_status {
    const mq_context* c = nullptr;
    MQ_RETURN_IF_ERROR(mq::capi::resolve_context(context, &c));
    MQ_RETURN_IF_ERROR(check_not_null(values, "values"));
    MQ_RETURN_IF_ERROR(check_not_null(packed, "packed"));
    MQ_RETURN_IF_ERROR(mq::capi::check_scheme(scheme));
    MatrixShape s{};
    MQ_RETURN_IF_ERROR(mq::capi::check_matrix_shape(rows, cols, cols, &s));
    MQ_RETURN_IF_ERROR(check_len(values_len, s.elements, "values"));
    MQ_RETURN_IF_ERROR(check_len(packed_len, s.int4_bytes, "packed"));

    const k::PackKernel& kernel = mq::capi::select_pack(*c, s.cols);
    const size_t row_bytes = k::int4_row_bytes(s.cols);
    mq::capi::FirstError error;
    const mq_status run =
        mq::capi::parallel_rows(*c, s.rows, 1, s.cols, [&](size_t begin, size_t end) {
          size_t bad = 0;
          if (!kernel.pack(values + begin * s.cols, end - begin, s.cols,
                           mq::capi::to_kernel(scheme), packed + begin * row_bytes, &bad)) {
            error.record(begin * s.cols + bad, 0);
          }
        });
    if (run != MQ_OK || error.failed()) {
      mq::capi::zero_fill(packed, s.int4_bytes);
      if (run != MQ_OK) return run;
      const size_t i = error.index();
      return fail(MQ_ERR_VALUE_OUT_OF_RANGE,
                  "value at row %zu, column %zu is %d; %s codes lie in %s", i / s.cols, i % s.cols,
                  static_cast<int>(values[i]),
                  scheme == MQ_SCHEME_ASYMMETRIC ? "asymmetric" : "symmetric",
                  scheme == MQ_SCHEME_ASYMMETRIC ? "[0, 15]" : "[-8, 7]");
    }
    return MQ_OK;
  });
}

mq_status mq_unpack_int4(mq_context* context, const uint8_t* packed, uint64_t packed_len,
                         uint64_t rows, uint64_t cols, mq_scheme scheme, int8_t* values,
                         uint64_t values_len) {
  return api_call("mq_unpack_int4", [&]() -> mq_status {
    const mq_context* c = nullptr;
    MQ_RETURN_IF_ERROR(mq::capi::resolve_context(context, &c));
    MQ_RETURN_IF_ERROR(check_not_null(packed, "packed"));
    MQ_RETURN_IF_ERROR(check_not_null(values, "values"));
    MQ_RETURN_IF_ERROR(mq::capi::check_scheme(scheme));
    MatrixShape s{};
    MQ_RETURN_IF_ERROR(mq::capi::check_matrix_shape(rows, cols, cols, &s));
    MQ_RETURN_IF_ERROR(check_len(packed_len, s.int4_bytes, "packed"));
    MQ_RETURN_IF_ERROR(check_len(values_len, s.elements, "values"));

    const k::PackKernel& kernel = mq::capi::select_pack(*c, s.cols);
    const size_t row_bytes = k::int4_row_bytes(s.cols);
    const mq_status run =
        mq::capi::parallel_rows(*c, s.rows, 1, s.cols, [&](size_t begin, size_t end) {
          kernel.unpack(packed + begin * row_bytes, end - begin, s.cols,
                        mq::capi::to_kernel(scheme), values + begin * s.cols);
        });
    if (run != MQ_OK) mq::capi::zero_fill(values, s.elements);
    return run;
  });
}

mq_status mq_dequantize_int4(mq_context* context, const uint8_t* codes, uint64_t codes_len,
                             const float* scales, uint64_t scales_len, const uint8_t* zero_points,
                             uint64_t zero_points_len, uint64_t rows, uint64_t cols,
                             uint64_t group_size, mq_scheme scheme, float* out, uint64_t out_len) {
  return api_call("mq_dequantize_int4", [&]() -> mq_status {
    const mq_context* c = nullptr;
    MQ_RETURN_IF_ERROR(mq::capi::resolve_context(context, &c));
    MQ_RETURN_IF_ERROR(check_not_null(out, "out"));
    MatrixShape s{};
    MQ_RETURN_IF_ERROR(mq::capi::check_canonical_int4(codes, codes_len, scales, scales_len,
                                                      zero_points, zero_points_len, rows, cols,
                                                      group_size, scheme, &s));
    MQ_RETURN_IF_ERROR(check_len(out_len, s.elements, "out"));

    const k::DequantizeKernel& kernel = mq::capi::select_dequantize(*c, s.cols, s.group);
    const size_t row_bytes = k::int4_row_bytes(s.cols);
    const mq_status run = mq::capi::parallel_rows(
        *c, s.rows, 1, s.cols * sizeof(float), [&](size_t begin, size_t end) {
          kernel.int4(codes + begin * row_bytes, scales + begin * s.groups,
                      zero_points != nullptr ? zero_points + begin * s.groups : nullptr,
                      end - begin, s.cols, s.group, mq::capi::to_kernel(scheme),
                      out + begin * s.cols);
        });
    if (run != MQ_OK) mq::capi::zero_fill(out, s.elements * sizeof(float));
    return run;
  });
}

mq_status mq_dequantize_int8_rows(mq_context* context, const int8_t* codes, uint64_t codes_len,
                                  const float* scales, uint64_t scales_len, uint64_t rows,
                                  uint64_t cols, float* out, uint64_t out_len) {
  return api_call("mq_dequantize_int8_rows", [&]() -> mq_status {
    const mq_context* c = nullptr;
    MQ_RETURN_IF_ERROR(mq::capi::resolve_context(context, &c));
    MQ_RETURN_IF_ERROR(check_not_null(out, "out"));
    MatrixShape s{};
    MQ_RETURN_IF_ERROR(
        mq::capi::check_canonical_int8_rows(codes, codes_len, scales, scales_len, rows, cols, &s));
    MQ_RETURN_IF_ERROR(check_len(out_len, s.elements, "out"));

    const k::DequantizeKernel& kernel = mq::capi::select_dequantize(*c, s.cols, s.group);
    const mq_status run = mq::capi::parallel_rows(
        *c, s.rows, 1, s.cols * sizeof(float), [&](size_t begin, size_t end) {
          kernel.int8_rows(codes + begin * s.cols, scales + begin, end - begin, s.cols,
                           out + begin * s.cols);
        });
    if (run != MQ_OK) mq::capi::zero_fill(out, s.elements * sizeof(float));
    return run;
  });
}

}  // extern "C"
