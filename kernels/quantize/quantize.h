// Kernel family "quantize": fp32 -> canonical INT4 (symmetric / asymmetric, group-wise, with the
// fused min/max reduction) and fp32 -> per-row symmetric INT8.
#ifndef MONOQUANT_KERNELS_QUANTIZE_QUANTIZE_H
#define MONOQUANT_KERNELS_QUANTIZE_QUANTIZE_H

#include <cstddef>
#include <cstdint>

#include "common/formats.h"
#include "common/isa.h"
#include "common/select.h"

namespace mq::kernels {

enum class QuantizeResult {
  ok,
  non_finite,      // *bad_index = offset of the first inf / NaN weight
  range_overflow,  // asymmetric: *bad_index = offset of the first weight of a group whose max - min
                   // overflows float32
};

struct QuantizeKernel {
  Isa isa;
  const char* name;
  bool (*supports)(size_t cols, size_t group);
  // Quantizes `rows` rows of w into codes [rows][int4_row_bytes(cols)], scales and (asymmetric
  // only) zero points [rows][groups_per_row]. Stops at the first failing group (row-major order).
  QuantizeResult (*int4)(const float* w, size_t rows, size_t cols, size_t group, Scheme scheme,
                         uint8_t* codes, float* scales, uint8_t* zero_points, size_t* bad_index);
  // Per-row symmetric INT8: codes [rows][cols], scales [rows].
  QuantizeResult (*int8_rows)(const float* w, size_t rows, size_t cols, int8_t* codes,
                              float* scales, size_t* bad_index);
};

KernelList<QuantizeKernel> quantize_kernels();

}  // namespace mq::kernels

#endif
