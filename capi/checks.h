// Argument checks shared by the entry points. Each returns MQ_OK or fails with a message naming the
// argument; all of them run before an entry point writes anything.
#ifndef MONOQUANT_CAPI_CHECKS_H
#define MONOQUANT_CAPI_CHECKS_H

#include <cstddef>
#include <cstdint>

#include "common/formats.h"
#include "monoquant/monoquant.h"

namespace mq::capi {

// The element counts of a rows x cols matrix quantized with group size `group`, all known to fit
// the address space (every buffer of the matrix, even as float, has fewer than PTRDIFF_MAX bytes).
struct MatrixShape {
  size_t rows;
  size_t cols;
  size_t group;
  size_t elements;     // rows * cols
  size_t groups;       // per row
  size_t int4_bytes;   // rows * ceil(cols / 2)
  size_t group_count;  // rows * groups: scales, zero points
};

// Checks rows, cols >= 1, group >= 1 and that rows * cols floats fit the address space.
mq_status check_matrix_shape(uint64_t rows, uint64_t cols, uint64_t group, MatrixShape* shape);

mq_status check_not_null(const void* pointer, const char* name);

// `len` elements given for buffer `name`, `needed` required.
mq_status check_len(uint64_t len, uint64_t needed, const char* name);

mq_status check_scheme(mq_scheme scheme);

// The zero-point buffer's presence must match the scheme: required (and long enough) for
// asymmetric, NULL with length 0 for symmetric.
mq_status check_zero_points(mq_scheme scheme, const void* zero_points, uint64_t zero_points_len,
                            uint64_t needed);

// Scales must be finite and >= 0 (a negative or non-finite scale would dequantize to nonsense),
// zero points at most 15. Names the first bad entry by row and group.
mq_status check_scales(const float* scales, size_t rows, size_t groups);
mq_status check_zero_point_values(const uint8_t* zero_points, size_t rows, size_t groups);

// Canonical INT4 buffers given as input (to dequantize or to pack): pointers, scheme, shape,
// lengths, and the values of the scales and zero points. Fills `shape`.
mq_status check_canonical_int4(const uint8_t* codes, uint64_t codes_len, const float* scales,
                               uint64_t scales_len, const uint8_t* zero_points,
                               uint64_t zero_points_len, uint64_t rows, uint64_t cols,
                               uint64_t group_size, mq_scheme scheme, MatrixShape* shape);

// Canonical per-row INT8 buffers given as input: pointers, shape, lengths, scale values and codes.
mq_status check_canonical_int8_rows(const int8_t* codes, uint64_t codes_len, const float* scales,
                                    uint64_t scales_len, uint64_t rows, uint64_t cols,
                                    MatrixShape* shape);

// Per-row INT8 codes must lie in [-127, 127]; -128 is outside the format (its negation overflows).
mq_status check_int8_codes(const int8_t* codes, size_t elements, size_t cols);

// Zero-fills an output after a data error, so that a partial result is never mistaken for a valid
// one.
void zero_fill(void* buffer, size_t bytes);

inline kernels::Scheme to_kernel(mq_scheme s) { return static_cast<kernels::Scheme>(s); }

}  // namespace mq::capi

#endif
