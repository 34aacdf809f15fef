// AVX-512 (F/CD/BW/DQ/VL) variant of the reduce family. Group min / max:
// kernels/reduce/x86_minmax.h. all_finite: 64 floats per step, vfpclassps flags inf and NaN lanes
// directly; the partial last step is a masked load. A step that fails reports the first flagged
// lane.

#include <cstddef>

#include "common/x86_avx512_intrinsics.h"
#include "reduce/reduce.h"
#include "reduce/x86_minmax.h"
#include "reduce/x86_reduce.h"

namespace mq::kernels {
namespace {

bool supports_all(size_t /*cols*/, size_t /*group*/) { return true; }

// The lanes of `lanes` of v at dst (unless dst is null).
void store_lanes(float* dst, __m512 v, __mmask16 lanes) {
  if (dst != nullptr) _mm512_mask_storeu_ps(dst, lanes, v);
}

struct Ops {
  static constexpr size_t kLanes = 16;

  static bool minmax(const float* w, size_t n, float* mn, float* mx, x86::StreamPrefetch* pf) {
    return x86::avx512_minmax(w, n, mn, mx, pf);
  }

  static bool tile(const float* w, size_t group, size_t count, float* mins, float* maxs,
                   float* absmaxs, x86::StreamPrefetch* pf) {
    __m512 mn;
    __m512 mx;
    if (!x86::avx512_minmax_tile(w, group, count, &mn, &mx, pf)) return false;
    const __mmask16 lanes = x86::avx512_lanes(count);
    const __m512 zero = _mm512_setzero_ps();
    store_lanes(mins, _mm512_add_ps(mn, zero), lanes);
    store_lanes(maxs, _mm512_add_ps(mx, zero), lanes);
    store_lanes(absmaxs, _mm512_max_ps(_mm512_abs_ps(mn), _mm512_abs_ps(mx)), lanes);
    return true;
  }
};

bool group_minmax(const float* w, size_t rows, size_t cols, size_t group, float* mins, float* maxs,
                  float* absmaxs, size_t* bad_index) {
  return x86::group_minmax_rows<Ops>(w, rows, cols, group, mins, maxs, absmaxs, bad_index);
}

// vfpclassps categories: QNaN 0x01, +inf 0x08, -inf 0x10, SNaN 0x80.
constexpr int kNonFinite = 0x01 | 0x08 | 0x10 | 0x80;

__mmask16 non_finite(__m512 v) { return _mm512_fpclass_ps_mask(v, kNonFinite); }

size_t first_lane(__mmask16 m) { return static_cast<size_t>(__builtin_ctz(m)); }

bool all_finite(const float* x, size_t n, size_t* bad_index) {
  size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    const __mmask16 a = non_finite(_mm512_loadu_ps(x + i));
    const __mmask16 b = non_finite(_mm512_loadu_ps(x + i + 16));
    const __mmask16 c = non_finite(_mm512_loadu_ps(x + i + 32));
    const __mmask16 d = non_finite(_mm512_loadu_ps(x + i + 48));
    if ((a | b | c | d) != 0) {
      *bad_index = i + (a != 0   ? first_lane(a)
                        : b != 0 ? 16 + first_lane(b)
                        : c != 0 ? 32 + first_lane(c)
                                 : 48 + first_lane(d));
      return false;
    }
  }
  for (; i < n; i += 16) {
    const __mmask16 lanes = x86::avx512_lanes(n - i);
    const __mmask16 m =
        _mm512_mask_fpclass_ps_mask(lanes, _mm512_maskz_loadu_ps(lanes, x + i), kNonFinite);
    if (m != 0) {
      *bad_index = i + first_lane(m);
      return false;
    }
  }
  return true;
}

}  // namespace

extern const ReduceKernel reduce_avx512 = {Isa::avx512, "avx512", supports_all, group_minmax,
                                           all_finite};

}  // namespace mq::kernels
