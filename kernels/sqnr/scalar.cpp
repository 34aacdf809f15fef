// Scalar reference of the sqnr family: the oracle the SIMD variants are tested against.
#include "common/formats.h"
#include "sqnr/sqnr.h"

namespace mq::kernels {
namespace {

bool supports_all(size_t /*cols*/, size_t /*group*/) { return true; }

int int4_code(const uint8_t* row, size_t c, Scheme scheme) {
  const uint8_t byte = row[c / 2];
  const int nibble = c % 2 == 0 ? byte & 0xF : byte >> 4;
  if (scheme == Scheme::asymmetric) return nibble;
  return nibble >= 8 ? nibble - 16 : nibble;
}

void int4(const float* w, size_t rows, size_t cols, size_t group, Scheme scheme,
          const uint8_t* codes, const float* scales, const uint8_t* zero_points, SqnrSums* sums) {
  const size_t groups = groups_per_row(cols, group);
  const size_t row_bytes = int4_row_bytes(cols);
  for (size_t r = 0; r < rows; ++r) {
    const float* wr = w + r * cols;
    const uint8_t* cr = codes + r * row_bytes;
    double signal = 0.0;
    double noise = 0.0;
    for (size_t g = 0; g < groups; ++g) {
      const float scale = scales[r * groups + g];
      const int zp = zero_points != nullptr ? zero_points[r * groups + g] : 0;
      const size_t end = (g + 1) * group < cols ? (g + 1) * group : cols;
      for (size_t c = g * group; c < end; ++c) {
        const float deq = static_cast<float>(int4_code(cr, c, scheme) - zp) * scale;
        const double v = wr[c];
        const double e = v - static_cast<double>(deq);
        signal += v * v;
        noise += e * e;
      }
    }
    sums[r] = {signal, noise};
  }
}

void int8_rows(const float* w, size_t rows, size_t cols, const int8_t* codes, const float* scales,
               SqnrSums* sums) {
  for (size_t r = 0; r < rows; ++r) {
    double signal = 0.0;
    double noise = 0.0;
    for (size_t c = 0; c < cols; ++c) {
      const float deq = static_cast<float>(codes[r * cols + c]) * scales[r];
      const double v = w[r * cols + c];
      const double e = v - static_cast<double>(deq);
      signal += v * v;
      noise += e * e;
    }
    sums[r] = {signal, noise};
  }
}

}  // namespace

extern const SqnrKernel sqnr_scalar = {Isa::scalar, "scalar", supports_all, int4, int8_rows};

}  // namespace mq::kernels
