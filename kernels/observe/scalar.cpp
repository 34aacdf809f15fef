// Scalar reference of the observe family: the oracle the SIMD variants are tested against.
#include <cmath>

#include "common/quant_rules.h"
#include "observe/observe.h"

namespace mq::kernels {
namespace {

bool supports_all(size_t /*channels*/) { return true; }

bool update(const float* x, size_t rows, size_t stride, size_t channels, float* mins, float* maxs,
            float* absmaxs, size_t* bad_index) {
  for (size_t r = 0; r < rows; ++r) {
    const float* row = x + r * stride;
    for (size_t c = 0; c < channels; ++c) {
      const float v = row[c];
      if (!is_finite(v)) {
        *bad_index = r * stride + c;
        return false;
      }
      const float a = std::fabs(v);
      mins[c] = v < mins[c] ? v : mins[c];
      maxs[c] = v > maxs[c] ? v : maxs[c];
      absmaxs[c] = a > absmaxs[c] ? a : absmaxs[c];
    }
  }
  return true;
}

void merge(size_t channels, const float* src_mins, const float* src_maxs, const float* src_absmaxs,
           float* mins, float* maxs, float* absmaxs) {
  for (size_t c = 0; c < channels; ++c) {
    mins[c] = src_mins[c] < mins[c] ? src_mins[c] : mins[c];
    maxs[c] = src_maxs[c] > maxs[c] ? src_maxs[c] : maxs[c];
    absmaxs[c] = src_absmaxs[c] > absmaxs[c] ? src_absmaxs[c] : absmaxs[c];
  }
}

}  // namespace

extern const ObserveKernel observe_scalar = {Isa::scalar, "scalar", supports_all, update, merge};

}  // namespace mq::kernels
