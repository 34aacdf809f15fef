// Kernel family "convert": 16-bit floating-point tensors (IEEE binary16 "F16", bfloat16 "BF16")
// widened to fp32, as model files store them. Every finite value, infinity and subnormal is exact
// (both formats are subsets of fp32); the NaN rules are below and hold for every variant.
#ifndef MONOQUANT_KERNELS_CONVERT_CONVERT_H
#define MONOQUANT_KERNELS_CONVERT_CONVERT_H

#include <cstddef>
#include <cstdint>

#include "common/isa.h"
#include "common/select.h"

namespace mq::kernels {

struct ConvertKernel {
  Isa isa;
  const char* name;
  // `in` holds `count` little-endian 16-bit values at any alignment (a mapped file places a tensor
  // at whatever offset its header says); `out` receives `count` floats.
  //
  // F16: a NaN keeps its sign and its 10 payload bits (shifted to the top of the fp32 payload), and
  // a signalling NaN is quieted (fp32 bit 22 set), as F16C's vcvtph2ps and AArch64's FCVT do, so
  // that hardware-converting variants produce the same bits.
  void (*f16_to_f32)(const uint8_t* in, size_t count, float* out);
  // BF16: the upper half of an fp32, so the conversion is a 16-bit shift and keeps every bit,
  // signalling NaNs included (no instruction is involved that could quiet them).
  void (*bf16_to_f32)(const uint8_t* in, size_t count, float* out);
};

KernelList<ConvertKernel> convert_kernels();

}  // namespace mq::kernels

#endif
