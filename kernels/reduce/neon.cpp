// Armv8.0 Advanced SIMD variant of the reduce family. Bit-identical to scalar.cpp: min and max are
// exact whatever the order, zero is reported as +0 ("+ 0.0F"), and the first non-finite weight is
// found by rescanning, in order, the one group whose vector min / max was not finite.
#include <arm_neon.h>

#include <cmath>

#include "common/arm_simd.h"
#include "common/formats.h"
#include "common/quant_rules.h"
#include "reduce/reduce.h"

namespace mq::kernels {
namespace {

bool supports_all(size_t /*cols*/, size_t /*group*/) { return true; }

bool group_minmax(const float* w, size_t rows, size_t cols, size_t group, float* mins, float* maxs,
                  float* absmaxs, size_t* bad_index) {
  const size_t groups = groups_per_row(cols, group);
  for (size_t r = 0; r < rows; ++r) {
    const float* row = w + r * cols;
    for (size_t g = 0; g < groups; ++g) {
      const size_t begin = g * group;
      const size_t end = begin + group < cols ? begin + group : cols;
      ArmRange range{};
      size_t bad = 0;
      if (!arm_range_minmax(row + begin, end - begin, &range, &bad)) {
        *bad_index = r * cols + begin + bad;
        return false;
      }
      const size_t o = r * groups + g;
      if (mins != nullptr) mins[o] = range.mn + 0.0F;
      if (maxs != nullptr) maxs[o] = range.mx + 0.0F;
      if (absmaxs != nullptr) absmaxs[o] = std::fmax(std::fabs(range.mn), std::fabs(range.mx));
    }
  }
  return true;
}

// Blocks of 64 floats: the max of |x| propagates NaN and is inf when any element is; a failing
// block is rescanned in order.
bool all_finite(const float* x, size_t n, size_t* bad_index) {
  size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    float32x4_t m0 = vabsq_f32(vld1q_f32(x + i));
    float32x4_t m1 = vabsq_f32(vld1q_f32(x + i + 4));
    for (size_t j = 8; j < 64; j += 8) {
      m0 = vmaxq_f32(m0, vabsq_f32(vld1q_f32(x + i + j)));
      m1 = vmaxq_f32(m1, vabsq_f32(vld1q_f32(x + i + j + 4)));
    }
    if (!(vmaxvq_f32(vmaxq_f32(m0, m1)) < INFINITY)) break;  // NaN or inf in this block
  }
  for (; i < n; ++i) {
    if (!is_finite(x[i])) {
      *bad_index = i;
      return false;
    }
  }
  return true;
}

}  // namespace

extern const ReduceKernel reduce_neon = {Isa::neon, "neon", supports_all, group_minmax, all_finite};

}  // namespace mq::kernels
