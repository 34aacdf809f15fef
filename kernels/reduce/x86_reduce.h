// The group loop shared by the x86 variants of the reduce family. When the group size is a
// multiple of the vector width, a row's full groups go through the variant's tile reduction (one
// vector's lanes of groups at a time, outputs written as vectors); other group sizes, the last
// short group of a row, and a tile that holds a non-finite value go group by group through the
// variant's run min / max (any offset and length). Outputs are the scalar reference's: -0 reported
// as +0, absmax = max(|min|, |max|). Internal linkage only, see kernels/pack/x86_nibbles.h.
//
// A variant supplies `Ops` with
//   static constexpr size_t kLanes;   // groups per tile
//   bool minmax(const float* w, size_t n, float* mn, float* mx, StreamPrefetch* pf);
//       // false on inf / NaN
//   bool tile(const float* w, size_t group, size_t count, float* mins, float* maxs,
//             float* absmaxs, StreamPrefetch* pf);
//       // count <= kLanes full groups; null outputs skipped; false (and nothing written) when
//       // one of them holds inf / NaN
// The input is read once: the stream prefetch runs at rate 64.
#ifndef MONOQUANT_KERNELS_REDUCE_X86_REDUCE_H
#define MONOQUANT_KERNELS_REDUCE_X86_REDUCE_H

#include <cstddef>

#include "common/formats.h"
#include "reduce/x86_minmax.h"

namespace mq::kernels::x86 {

static inline float* offset_or_null(float* p, size_t o) { return p != nullptr ? p + o : nullptr; }

template <class Ops>
static bool group_minmax_rows(const float* w, size_t rows, size_t cols, size_t group, float* mins,
                              float* maxs, float* absmaxs, size_t* bad_index) {
  const size_t groups = groups_per_row(cols, group);
  const size_t tiled = group % Ops::kLanes == 0 ? cols / group : 0;  // full groups
  StreamPrefetch pf = stream_prefetch(w, 64, 0);
  for (size_t r = 0; r < rows; ++r) {
    const float* row = w + r * cols;
    size_t g = 0;
    while (g < tiled) {
      const size_t count = tiled - g < Ops::kLanes ? tiled - g : Ops::kLanes;
      const size_t o = r * groups + g;
      if (!Ops::tile(row + g * group, group, count, offset_or_null(mins, o),
                     offset_or_null(maxs, o), offset_or_null(absmaxs, o), &pf)) {
        break;  // the group-by-group loop finds the first non-finite value
      }
      g += count;
    }
    for (; g < groups; ++g) {
      const size_t begin = g * group;
      const size_t end = begin + group < cols ? begin + group : cols;
      float mn = 0.0F;
      float mx = 0.0F;
      if (!Ops::minmax(row + begin, end - begin, &mn, &mx, &pf)) {
        *bad_index = r * cols + begin + first_non_finite(row + begin, end - begin);
        return false;
      }
      const size_t o = r * groups + g;
      if (mins != nullptr) mins[o] = mn + 0.0F;
      if (maxs != nullptr) maxs[o] = mx + 0.0F;
      if (absmaxs != nullptr) absmaxs[o] = absmax_of(mn, mx);
    }
  }
  return true;
}

}  // namespace mq::kernels::x86

#endif
