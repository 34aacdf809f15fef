// The group loop shared by the x86 variants of the reduce family: per row and group, one call of
// the variant's run min/max (kernels/reduce/x86_minmax.h), then the scalar reference's outputs.
// Groups may start at any column (any group size): the run functions take any offset and length.
// Internal linkage only, see kernels/pack/x86_nibbles.h.
#ifndef MONOQUANT_KERNELS_REDUCE_X86_REDUCE_H
#define MONOQUANT_KERNELS_REDUCE_X86_REDUCE_H

#include <cmath>
#include <cstddef>

#include "common/formats.h"
#include "reduce/x86_minmax.h"

namespace mq::kernels::x86 {

template <bool (*MinMax)(const float*, size_t, float*, float*)>
static bool group_minmax_rows(const float* w, size_t rows, size_t cols, size_t group, float* mins,
                              float* maxs, float* absmaxs, size_t* bad_index) {
  const size_t groups = groups_per_row(cols, group);
  for (size_t r = 0; r < rows; ++r) {
    const float* row = w + r * cols;
    for (size_t g = 0; g < groups; ++g) {
      const size_t begin = g * group;
      const size_t end = begin + group < cols ? begin + group : cols;
      float mn = 0.0F;
      float mx = 0.0F;
      if (!MinMax(row + begin, end - begin, &mn, &mx)) {
        *bad_index = r * cols + begin + first_non_finite(row + begin, end - begin);
        return false;
      }
      // As the scalar reference: -0 becomes +0, absmax from the reduced min and max.
      const size_t o = r * groups + g;
      if (mins != nullptr) mins[o] = mn + 0.0F;
      if (maxs != nullptr) maxs[o] = mx + 0.0F;
      if (absmaxs != nullptr) absmaxs[o] = std::fmax(std::fabs(mn), std::fabs(mx));
    }
  }
  return true;
}

}  // namespace mq::kernels::x86

#endif
