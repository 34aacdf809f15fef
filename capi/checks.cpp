#include "capi/checks.h"

#include <cmath>
#include <cstdint>
#include <cstring>

#include "capi/error.h"

namespace mq::capi {

mq_status check_matrix_shape(uint64_t rows, uint64_t cols, uint64_t group, MatrixShape* shape) {
  if (rows == 0 || cols == 0) {
    return fail(MQ_ERR_INVALID_SHAPE, "rows and cols must be >= 1 (got %llu x %llu)",
                static_cast<unsigned long long>(rows), static_cast<unsigned long long>(cols));
  }
  if (group == 0) return fail(MQ_ERR_INVALID_SHAPE, "group_size must be >= 1 (got 0)");
  // The float matrix is the largest buffer of every call; if its byte size fits ptrdiff_t, so does
  // every other count below.
  const uint64_t max_elements = static_cast<uint64_t>(PTRDIFF_MAX) / sizeof(float);
  if (rows > max_elements / cols) {
    return fail(MQ_ERR_INVALID_SHAPE, "%llu x %llu elements overflow the address space",
                static_cast<unsigned long long>(rows), static_cast<unsigned long long>(cols));
  }
  shape->rows = static_cast<size_t>(rows);
  shape->cols = static_cast<size_t>(cols);
  // A group wider than the row is the same as one group per row; clamping keeps every later product
  // within the bound just checked.
  shape->group = static_cast<size_t>(group < cols ? group : cols);
  shape->elements = shape->rows * shape->cols;
  shape->groups = kernels::groups_per_row(shape->cols, shape->group);
  shape->int4_bytes = shape->rows * kernels::int4_row_bytes(shape->cols);
  shape->group_count = shape->rows * shape->groups;
  return MQ_OK;
}

mq_status check_not_null(const void* pointer, const char* name) {
  if (pointer == nullptr) return fail(MQ_ERR_NULL_POINTER, "%s is NULL", name);
  return MQ_OK;
}

mq_status check_len(uint64_t len, uint64_t needed, const char* name) {
  if (len < needed) {
    return fail(MQ_ERR_BUFFER_TOO_SMALL, "%s_len is %llu but the shape needs %llu", name,
                static_cast<unsigned long long>(len), static_cast<unsigned long long>(needed));
  }
  return MQ_OK;
}

mq_status check_scheme(mq_scheme scheme) {
  if (scheme != MQ_SCHEME_SYMMETRIC && scheme != MQ_SCHEME_ASYMMETRIC) {
    // Printed as the int32 a C or FFI caller passed (the C++ enum's underlying type may be
    // unsigned).
    return fail(MQ_ERR_INVALID_ARGUMENT,
                "scheme %d is not MQ_SCHEME_SYMMETRIC or MQ_SCHEME_ASYMMETRIC",
                static_cast<int>(static_cast<int32_t>(scheme)));
  }
  return MQ_OK;
}

mq_status check_zero_points(mq_scheme scheme, const void* zero_points, uint64_t zero_points_len,
                            uint64_t needed) {
  if (scheme == MQ_SCHEME_ASYMMETRIC) {
    MQ_RETURN_IF_ERROR(
        check_not_null(zero_points, "zero_points (required by the asymmetric scheme)"));
    return check_len(zero_points_len, needed, "zero_points");
  }
  if (zero_points != nullptr || zero_points_len != 0) {
    return fail(MQ_ERR_INVALID_ARGUMENT,
                "zero_points must be NULL with zero_points_len 0 for the symmetric scheme");
  }
  return MQ_OK;
}

mq_status check_scales(const float* scales, size_t rows, size_t groups) {
  for (size_t i = 0; i < rows * groups; ++i) {
    if (!(std::isfinite(scales[i]) && scales[i] >= 0.0F)) {
      return fail(MQ_ERR_VALUE_OUT_OF_RANGE,
                  "scale of row %zu, group %zu is %g; scales must be finite and >= 0", i / groups,
                  i % groups, static_cast<double>(scales[i]));
    }
  }
  return MQ_OK;
}

mq_status check_zero_point_values(const uint8_t* zero_points, size_t rows, size_t groups) {
  for (size_t i = 0; i < rows * groups; ++i) {
    if (zero_points[i] > 15) {
      return fail(MQ_ERR_VALUE_OUT_OF_RANGE,
                  "zero point of row %zu, group %zu is %u; zero points must be in [0, 15]",
                  i / groups, i % groups, static_cast<unsigned>(zero_points[i]));
    }
  }
  return MQ_OK;
}

mq_status check_canonical_int4(const uint8_t* codes, uint64_t codes_len, const float* scales,
                               uint64_t scales_len, const uint8_t* zero_points,
                               uint64_t zero_points_len, uint64_t rows, uint64_t cols,
                               uint64_t group_size, mq_scheme scheme, MatrixShape* shape) {
  MQ_RETURN_IF_ERROR(check_not_null(codes, "codes"));
  MQ_RETURN_IF_ERROR(check_not_null(scales, "scales"));
  MQ_RETURN_IF_ERROR(check_scheme(scheme));
  MQ_RETURN_IF_ERROR(check_matrix_shape(rows, cols, group_size, shape));
  MQ_RETURN_IF_ERROR(check_len(codes_len, shape->int4_bytes, "codes"));
  MQ_RETURN_IF_ERROR(check_len(scales_len, shape->group_count, "scales"));
  MQ_RETURN_IF_ERROR(check_zero_points(scheme, zero_points, zero_points_len, shape->group_count));
  MQ_RETURN_IF_ERROR(check_scales(scales, shape->rows, shape->groups));
  if (zero_points != nullptr) {
    MQ_RETURN_IF_ERROR(check_zero_point_values(zero_points, shape->rows, shape->groups));
  }
  return MQ_OK;
}

mq_status check_canonical_int8_rows(const int8_t* codes, uint64_t codes_len, const float* scales,
                                    uint64_t scales_len, uint64_t rows, uint64_t cols,
                                    MatrixShape* shape) {
  MQ_RETURN_IF_ERROR(check_not_null(codes, "codes"));
  MQ_RETURN_IF_ERROR(check_not_null(scales, "scales"));
  MQ_RETURN_IF_ERROR(check_matrix_shape(rows, cols, cols, shape));
  MQ_RETURN_IF_ERROR(check_len(codes_len, shape->elements, "codes"));
  MQ_RETURN_IF_ERROR(check_len(scales_len, shape->rows, "scales"));
  MQ_RETURN_IF_ERROR(check_scales(scales, shape->rows, 1));
  return check_int8_codes(codes, shape->elements, shape->cols);
}

mq_status check_int8_codes(const int8_t* codes, size_t elements, size_t cols) {
  for (size_t i = 0; i < elements; ++i) {
    if (codes[i] == -128) {
      return fail(MQ_ERR_VALUE_OUT_OF_RANGE,
                  "code at row %zu, column %zu is -128; per-row INT8 codes lie in [-127, 127]",
                  i / cols, i % cols);
    }
  }
  return MQ_OK;
}

void zero_fill(void* buffer, size_t bytes) {
  if (buffer != nullptr) std::memset(buffer, 0, bytes);
}

}  // namespace mq::capi
