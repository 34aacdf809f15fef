// Kernel family "reduce": group-wise min / max / absmax of a float matrix, and the non-finite scan
// that guards the GEMV's activations.
#ifndef MONOQUANT_KERNELS_REDUCE_REDUCE_H
#define MONOQUANT_KERNELS_REDUCE_REDUCE_H

#include <cstddef>

#include "common/isa.h"
#include "common/select.h"

namespace mq::kernels {

struct ReduceKernel {
  Isa isa;
  const char* name;
  // Whether the variant handles this row length and group size (the scalar reference handles all).
  bool (*supports)(size_t cols, size_t group);
  // For each of `rows` rows of w (`cols` floats each) and each group, writes min, max and max |w|
  // to mins / maxs / absmaxs [rows][groups_per_row]; a null output is skipped. Returns false at the
  // first non-finite weight (row-major order) and sets *bad_index to its offset from w; outputs are
  // then partially written.
  bool (*group_minmax)(const float* w, size_t rows, size_t cols, size_t group, float* mins,
                       float* maxs, float* absmaxs, size_t* bad_index);
  // Returns false and the offset of the first inf or NaN among n floats; true when all are finite.
  bool (*all_finite)(const float* x, size_t n, size_t* bad_index);
};

KernelList<ReduceKernel> reduce_kernels();

}  // namespace mq::kernels

#endif
