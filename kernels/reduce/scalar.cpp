// Scalar reference of the reduce family: the oracle the SIMD variants are tested against.
#include <cmath>

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
      float mn = INFINITY;
      float mx = -INFINITY;
      for (size_t c = begin; c < end; ++c) {
        const float v = row[c];
        if (!is_finite(v)) {
          *bad_index = r * cols + c;
          return false;
        }
        mn = v < mn ? v : mn;
        mx = v > mx ? v : mx;
      }
      // "+ 0.0F" turns a -0 result into +0, so that every variant reports zero the same way
      // whatever order it met -0 and +0 in.
      const size_t o = r * groups + g;
      if (mins != nullptr) mins[o] = mn + 0.0F;
      if (maxs != nullptr) maxs[o] = mx + 0.0F;
      if (absmaxs != nullptr) absmaxs[o] = std::fmax(std::fabs(mn), std::fabs(mx));
    }
  }
  return true;
}

bool all_finite(const float* x, size_t n, size_t* bad_index) {
  for (size_t i = 0; i < n; ++i) {
    if (!is_finite(x[i])) {
      *bad_index = i;
      return false;
    }
  }
  return true;
}

}  // namespace

extern const ReduceKernel reduce_scalar = {Isa::scalar, "scalar", supports_all, group_minmax,
                                           all_finite};

}  // namespace mq::kernels
