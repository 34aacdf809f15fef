// Kernel family "pack": one INT4 code per int8 <-> canonical nibbles, two per byte.
#ifndef MONOQUANT_KERNELS_PACK_PACK_H
#define MONOQUANT_KERNELS_PACK_PACK_H

#include <cstddef>
#include <cstdint>

#include "common/formats.h"
#include "common/isa.h"
#include "common/select.h"

namespace mq::kernels {

struct PackKernel {
  Isa isa;
  const char* name;
  bool (*supports)(size_t cols);
  // values [rows][cols] -> packed [rows][int4_row_bytes(cols)]. Symmetric values must be in [-8,
  // 7], asymmetric in [0, 15]: returns false with *bad_index = offset of the first value out of
  // range.
  bool (*pack)(const int8_t* values, size_t rows, size_t cols, Scheme scheme, uint8_t* packed,
               size_t* bad_index);
  // packed -> values, sign-extended (symmetric) or zero-extended (asymmetric). The padding nibble
  // of an odd `cols` is ignored.
  void (*unpack)(const uint8_t* packed, size_t rows, size_t cols, Scheme scheme, int8_t* values);
};

KernelList<PackKernel> pack_kernels();

}  // namespace mq::kernels

#endif
