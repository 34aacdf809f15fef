// Kernel family "sqnr": the signal and quantization-noise energies of a quantized matrix, for the
// scheduler's per-layer weight SQNR (10 log10(signal / noise) dB).
//
// For each row, straight from the fp32 weights and their canonical quantization (no dequantized
// copy is made):
//   signal = sum_c w[c]^2,   noise = sum_c (w[c] - dequant[c])^2
// where dequant is the format's float32 value ((q - zp) * scale, or q * scale for INT8 rows) and
// the difference, squares and sums are taken in float64. The sums are per row, so a caller that
// adds the rows in row order gets the same total however it split the rows across threads. Variants
// sum in different orders: their results agree with the scalar reference to float64 rounding (a
// relative 1e-12 for any realistic row), not bit for bit.
#ifndef MONOQUANT_KERNELS_SQNR_SQNR_H
#define MONOQUANT_KERNELS_SQNR_SQNR_H

#include <cstddef>
#include <cstdint>

#include "common/formats.h"
#include "common/isa.h"
#include "common/select.h"

namespace mq::kernels {

struct SqnrSums {
  double signal;
  double noise;
};

struct SqnrKernel {
  Isa isa;
  const char* name;
  // Whether the variant handles this row length and group size (the scalar reference handles all).
  bool (*supports)(size_t cols, size_t group);
  // Rows of w (`cols` floats each) against canonical INT4: codes [rows][int4_row_bytes(cols)],
  // scales and (asymmetric only, else null) zero points [rows][groups_per_row(cols, group)].
  // Writes sums[rows].
  void (*int4)(const float* w, size_t rows, size_t cols, size_t group, Scheme scheme,
               const uint8_t* codes, const float* scales, const uint8_t* zero_points,
               SqnrSums* sums);
  // Rows of w against per-row INT8: codes [rows][cols], scales [rows]. Writes sums[rows].
  void (*int8_rows)(const float* w, size_t rows, size_t cols, const int8_t* codes,
                    const float* scales, SqnrSums* sums);
};

KernelList<SqnrKernel> sqnr_kernels();

}  // namespace mq::kernels

#endif
