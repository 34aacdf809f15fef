// Kernel family "dequantize": canonical INT4 or per-row INT8 -> fp32.
#ifndef MONOQUANT_KERNELS_DEQUANTIZE_DEQUANTIZE_H
#define MONOQUANT_KERNELS_DEQUANTIZE_DEQUANTIZE_H

#include <cstddef>
#include <cstdint>

#include "common/formats.h"
#include "common/isa.h"
#include "common/select.h"

namespace mq::kernels {

struct DequantizeKernel {
  Isa isa;
  const char* name;
  bool (*supports)(size_t cols, size_t group);
  // out[r][c] = q * scale (symmetric) or (q - zp) * scale (asymmetric), computed in float32 as
  // written. Scales are finite and >= 0 and zero points <= 15 (the caller checked).
  void (*int4)(const uint8_t* codes, const float* scales, const uint8_t* zero_points, size_t rows,
               size_t cols, size_t group, Scheme scheme, float* out);
  // out[r][c] = q * scales[r].
  void (*int8_rows)(const int8_t* codes, const float* scales, size_t rows, size_t cols, float* out);
};

KernelList<DequantizeKernel> dequantize_kernels();

}  // namespace mq::kernels

#endif
