// mq_packed_*: creating packed weights (from fp32 or canonical buffers), describing, exporting and
// destroying them.
#include <cstdint>
#include <cstring>
#include <new>

#include "capi/api_call.h"
#include "capi/checks.h"
#include "capi/context.h"
#include "capi/kernel_select.h"
#include "capi/options.h"
#include "capi/packed_weights.h"
#include "capi/quantize_ops.h"

using mq::capi::api_call;
using mq::capi::check_len;
using mq::capi::check_not_null;
using mq::capi::fail;
using mq::capi::MatrixShape;
namespace k = mq::kernels;

namespace {

// Canonical buffers of one matrix, as the GEMV pack function takes them.
struct Canonical {
  const void* codes;
  const float* scales;
  const uint8_t* zero_points;
};

// Makes the handle, or fails with OUT_OF_MEMORY leaving nothing allocated.
mq_status make_packed(const mq_context& c, const k::GemvShape& shape, const Canonical& in,
                      mq_packed_weights** out) {
  mq_packed_weights* p =
      mq::capi::create_packed_weights(c, shape, in.codes, in.scales, in.zero_points);
  if (p == nullptr) {
    return fail(MQ_ERR_OUT_OF_MEMORY, "cannot allocate the packed weights (%zu x %zu)", shape.rows,
                shape.cols);
  }
  *out = p;
  return MQ_OK;
}

mq_status read_pack_options(const mq_pack_options* options, mq_pack_options* o) {
  *o = mq_pack_options{};
  o->struct_size = sizeof(mq_pack_options);
  o->format = MQ_FORMAT_INT4;
  o->scheme = MQ_SCHEME_SYMMETRIC;
  o->group_size = 128;
  if (options == nullptr) return MQ_OK;
  MQ_RETURN_IF_ERROR(mq::capi::read_options(*options, o));
  if (o->format == 0) o->format = MQ_FORMAT_INT4;
  if (o->group_size == 0) o->group_size = 128;
  if (o->format != MQ_FORMAT_INT4 && o->format != MQ_FORMAT_INT8_ROWS) {
    return fail(MQ_ERR_INVALID_ARGUMENT, "format %d is not a mq_format",
                static_cast<int>(o->format));
  }
  if (o->reserved0 != 0) return fail(MQ_ERR_INVALID_ARGUMENT, "reserved0 must be 0");
  MQ_RETURN_IF_ERROR(mq::capi::check_scheme(o->scheme));
  if (o->format == MQ_FORMAT_INT8_ROWS && o->scheme != MQ_SCHEME_SYMMETRIC) {
    return fail(MQ_ERR_INVALID_ARGUMENT, "MQ_FORMAT_INT8_ROWS is symmetric only");
  }
  return MQ_OK;
}

k::GemvShape gemv_shape(const MatrixShape& s, k::Format format, mq_scheme scheme) {
  return {s.rows, s.cols, s.group, format, mq::capi::to_kernel(scheme)};
}

}  // namespace

extern "C" {

mq_status mq_packed_create_from_int4(mq_context* context, const uint8_t* codes, uint64_t codes_len,
                                     const float* scales, uint64_t scales_len,
                                     const uint8_t* zero_points, uint64_t zero_points_len,
                                     uint64_t rows, uint64_t cols, uint64_t group_size,
                                     mq_scheme scheme, mq_packed_weights** packed) {
  return api_call("mq_packed_create_from_int4", [&]() -> mq_status {
    const mq_context* c = nullptr;
    MQ_RETURN_IF_ERROR(mq::capi::resolve_context(context, &c));
    MQ_RETURN_IF_ERROR(check_not_null(packed, "packed"));
    MatrixShape s{};
    MQ_RETURN_IF_ERROR(mq::capi::check_canonical_int4(codes, codes_len, scales, scales_len,
                                                      zero_points, zero_points_len, rows, cols,
                                                      group_size, scheme, &s));
    return make_packed(*c, gemv_shape(s, k::Format::int4, scheme), {codes, scales, zero_points},
                       packed);
  });
}

mq_status mq_packed_create_from_int8_rows(mq_context* context, const int8_t* codes,
                                          uint64_t codes_len, const float* scales,
                                          uint64_t scales_len, uint64_t rows, uint64_t cols,
                                          mq_packed_weights** packed) {
  return api_call("mq_packed_create_from_int8_rows", [&]() -> mq_status {
    const mq_context* c = nullptr;
    MQ_RETURN_IF_ERROR(mq::capi::resolve_context(context, &c));
    MQ_RETURN_IF_ERROR(check_not_null(packed, "packed"));
    MatrixShape s{};
    MQ_RETURN_IF_ERROR(
        mq::capi::check_canonical_int8_rows(codes, codes_len, scales, scales_len, rows, cols, &s));
    return make_packed(*c, gemv_shape(s, k::Format::int8_rows, MQ_SCHEME_SYMMETRIC),
                       {codes, scales, nullptr}, packed);
  });
}

mq_status mq_packed_create_from_f32(mq_context* context, const float* weights, uint64_t weights_len,
                                    uint64_t rows, uint64_t cols, const mq_pack_options* options,
                                    mq_packed_weights** packed) {
  return api_call("mq_packed_create_from_f32", [&]() -> mq_status {
    const mq_context* c = nullptr;
    MQ_RETURN_IF_ERROR(mq::capi::resolve_context(context, &c));
    MQ_RETURN_IF_ERROR(check_not_null(weights, "weights"));
    MQ_RETURN_IF_ERROR(check_not_null(packed, "packed"));
    mq_pack_options o{};
    MQ_RETURN_IF_ERROR(read_pack_options(options, &o));
    const bool int4 = o.format == MQ_FORMAT_INT4;
    MatrixShape s{};
    MQ_RETURN_IF_ERROR(mq::capi::check_matrix_shape(rows, cols, int4 ? o.group_size : cols, &s));
    MQ_RETURN_IF_ERROR(check_len(weights_len, s.elements, "weights"));

    // Quantize into temporary canonical buffers (same rules, errors and threads as mq_quantize_*),
    // then pack those.
    const size_t code_bytes = int4 ? s.int4_bytes : s.elements;
    const bool asym = o.scheme == MQ_SCHEME_ASYMMETRIC;
    mq::capi::ScopedBuffer codes(c->allocator, code_bytes, k::kGemvBufferAlignment);
    mq::capi::ScopedBuffer scales(c->allocator, s.group_count * sizeof(float),
                                  k::kGemvBufferAlignment);
    mq::capi::ScopedBuffer zps(c->allocator, asym ? s.group_count : 1, k::kGemvBufferAlignment);
    if (codes.get() == nullptr || scales.get() == nullptr || zps.get() == nullptr) {
      return fail(MQ_ERR_OUT_OF_MEMORY, "cannot allocate %zu bytes for quantization", code_bytes);
    }
    auto* scale_data = static_cast<float*>(scales.get());
    auto* zp_data = asym ? static_cast<uint8_t*>(zps.get()) : nullptr;
    if (int4) {
      MQ_RETURN_IF_ERROR(mq::capi::quantize_int4_checked(
          *c, s, weights, o.scheme, static_cast<uint8_t*>(codes.get()), scale_data, zp_data));
    } else {
      MQ_RETURN_IF_ERROR(mq::capi::quantize_int8_rows_checked(
          *c, s, weights, static_cast<int8_t*>(codes.get()), scale_data));
    }
    return make_packed(*c, gemv_shape(s, int4 ? k::Format::int4 : k::Format::int8_rows, o.scheme),
                       {codes.get(), scale_data, zp_data}, packed);
  });
}

mq_status mq_packed_destroy(mq_packed_weights* packed) {
  return api_call("mq_packed_destroy", [&]() -> mq_status {
    mq::capi::destroy_packed_weights(packed);
    return MQ_OK;
  });
}

mq_status mq_packed_get_info(const mq_packed_weights* packed, mq_packed_info* info) {
  return api_call("mq_packed_get_info", [&]() -> mq_status {
    MQ_RETURN_IF_ERROR(check_not_null(packed, "packed"));
    MQ_RETURN_IF_ERROR(check_not_null(info, "info"));
    const k::GemvShape& s = packed->shape;
    const bool int4 = s.format == k::Format::int4;
    const size_t group_count = s.rows * k::groups_per_row(s.cols, s.group);
    mq_packed_info full{};
    full.struct_size = sizeof(mq_packed_info);
    full.format = static_cast<mq_format>(s.format);
    full.scheme = static_cast<mq_scheme>(s.scheme);
    full.isa = static_cast<mq_isa>(packed->kernel->isa);
    full.rows = s.rows;
    full.cols = s.cols;
    full.group_size = s.group;
    full.packed_bytes = packed->bytes;
    full.codes_len = int4 ? s.rows * k::int4_row_bytes(s.cols) : s.rows * s.cols;
    full.scales_len = group_count;
    full.zero_points_len = s.scheme == k::Scheme::asymmetric ? group_count : 0;
    full.kernel_name = packed->kernel->name;
    return mq::capi::write_struct(full, info);
  });
}

mq_status mq_packed_export(const mq_packed_weights* packed, uint8_t* codes, uint64_t codes_len,
                           float* scales, uint64_t scales_len, uint8_t* zero_points,
                           uint64_t zero_points_len) {
  return api_call("mq_packed_export", [&]() -> mq_status {
    MQ_RETURN_IF_ERROR(check_not_null(packed, "packed"));
    MQ_RETURN_IF_ERROR(check_not_null(codes, "codes"));
    MQ_RETURN_IF_ERROR(check_not_null(scales, "scales"));
    const k::GemvShape& s = packed->shape;
    const size_t group_count = s.rows * k::groups_per_row(s.cols, s.group);
    const size_t code_len =
        s.format == k::Format::int4 ? s.rows * k::int4_row_bytes(s.cols) : s.rows * s.cols;
    MQ_RETURN_IF_ERROR(check_len(codes_len, code_len, "codes"));
    MQ_RETURN_IF_ERROR(check_len(scales_len, group_count, "scales"));
    MQ_RETURN_IF_ERROR(mq::capi::check_zero_points(static_cast<mq_scheme>(s.scheme), zero_points,
                                                   zero_points_len, group_count));
    packed->kernel->unpack(s, packed->data, codes, scales, zero_points);
    return MQ_OK;
  });
}

}  // extern "C"
