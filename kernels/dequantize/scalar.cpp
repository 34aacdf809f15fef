// Scalar reference of the dequantize family: value = (q - zp) * scale in float32 (zp = 0 when
// symmetric). q - zp is an exact small integer, so every variant that converts it and multiplies
// once produces the same bits.
#include "common/formats.h"
#include "dequantize/dequantize.h"

namespace mq::kernels {
namespace {

bool supports_all(size_t /*cols*/, size_t /*group*/) { return true; }

int code_at(const uint8_t* row, size_t c, Scheme scheme) {
  const uint8_t byte = row[c / 2];
  const int nibble = c % 2 == 0 ? byte & 0xF : byte >> 4;
  if (scheme == Scheme::asymmetric) return nibble;
  return nibble >= 8 ? nibble - 16 : nibble;
}

void int4(const uint8_t* codes, const float* scales, const uint8_t* zero_points, size_t rows,
          size_t cols, size_t group, Scheme scheme, float* out) {
  const size_t groups = groups_per_row(cols, group);
  const size_t row_bytes = int4_row_bytes(cols);
  for (size_t r = 0; r < rows; ++r) {
    const uint8_t* row = codes + r * row_bytes;
    for (size_t c = 0; c < cols; ++c) {
      const size_t g = r * groups + c / group;
      const int zp = scheme == Scheme::asymmetric ? zero_points[g] : 0;
      out[r * cols + c] = static_cast<float>(code_at(row, c, scheme) - zp) * scales[g];
    }
  }
}

void int8_rows(const int8_t* codes, const float* scales, size_t rows, size_t cols, float* out) {
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < cols; ++c) {
      out[r * cols + c] = static_cast<float>(codes[r * cols + c]) * scales[r];
    }
  }
}

}  // namespace

extern const DequantizeKernel dequantize_scalar = {Isa::scalar, "scalar", supports_all, int4,
                                                   int8_rows};

}  // namespace mq::kernels
