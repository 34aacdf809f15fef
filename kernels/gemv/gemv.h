// Kernel family "gemv": the prepacked weight layout, and GEMV / small-batch GEMM on it in both
// compute modes (F32: dequantize in registers; INT8: quantize the activations and use integer dot
// products).
//
// Each variant owns its layout: it packs from the canonical format, exports back to it losslessly,
// and its GEMM kernels read only that layout. The layout is opaque to everybody else.
#ifndef MONOQUANT_KERNELS_GEMV_GEMV_H
#define MONOQUANT_KERNELS_GEMV_GEMV_H

#include <cstddef>
#include <cstdint>

#include "common/formats.h"
#include "common/isa.h"
#include "common/select.h"

namespace mq::kernels {

struct GemvShape {
  size_t rows;   // N, out_features
  size_t cols;   // K, in_features
  size_t group;  // INT4 group size; cols for Format::int8_rows (one group per row)
  Format format;
  Scheme scheme;  // symmetric for int8_rows
};

// Alignment the caller gives to the packed buffer and the activation workspace.
constexpr size_t kGemvBufferAlignment = 64;

struct GemvKernel {
  Isa isa;
  const char* name;
  bool (*supports)(const GemvShape& shape);
  // Threads split the rows into ranges whose starts are multiples of row_tile.
  size_t row_tile;

  size_t (*packed_bytes)(const GemvShape& shape);
  // Canonical -> layout. codes: uint8 nibbles [rows][int4_row_bytes(cols)] for int4, int8
  // [rows][cols] for int8_rows; scales [rows][groups]; zero_points [rows][groups] for asymmetric,
  // else null.
  void (*pack)(const GemvShape& shape, const void* codes, const float* scales,
               const uint8_t* zero_points, void* packed);
  // Layout -> canonical, bit-identical to what pack was given.
  void (*unpack)(const GemvShape& shape, const void* packed, void* codes, float* scales,
                 uint8_t* zero_points);

  // F32 mode, for the output rows [row_begin, row_end) of every batch entry b:
  //   y[b*rows + n] = bias[n] + sum_c dequant(W)[n][c] * x[b*cols + c]     (bias may be null)
  void (*gemm_f32)(const GemvShape& shape, const void* packed, const float* x, size_t batch,
                   const float* bias, float* y, size_t row_begin, size_t row_end);

  // INT8 mode: quantize_act turns x [batch][cols] into the variant's activation workspace
  // (act_bytes long) once per call; gemm_int8 then reads it from every thread. x is finite (the
  // caller checked).
  size_t (*act_bytes)(const GemvShape& shape, size_t batch);
  void (*quantize_act)(const GemvShape& shape, const float* x, size_t batch, void* act);
  void (*gemm_int8)(const GemvShape& shape, const void* packed, const void* act, size_t batch,
                    const float* bias, float* y, size_t row_begin, size_t row_end);
};

KernelList<GemvKernel> gemv_kernels();

}  // namespace mq::kernels

#endif
