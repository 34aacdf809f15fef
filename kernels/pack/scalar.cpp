// Scalar reference of the pack family.
#include "common/formats.h"
#include "pack/pack.h"

namespace mq::kernels {
namespace {

bool supports_all(size_t /*cols*/) { return true; }

bool pack(const int8_t* values, size_t rows, size_t cols, Scheme scheme, uint8_t* packed,
          size_t* bad_index) {
  const int lo = scheme == Scheme::asymmetric ? 0 : -8;
  const int hi = scheme == Scheme::asymmetric ? 15 : 7;
  const size_t row_bytes = int4_row_bytes(cols);
  for (size_t r = 0; r < rows; ++r) {
    const int8_t* in = values + r * cols;
    for (size_t j = 0; j < row_bytes; ++j) {
      const size_t c = 2 * j;
      // int8 codes are signed values ([-8, 7] or [0, 15]), not bytes.
      const int v0 = in[c];                         // NOLINT(bugprone-signed-char-misuse)
      const int v1 = c + 1 < cols ? in[c + 1] : 0;  // NOLINT(bugprone-signed-char-misuse)
      if (v0 < lo || v0 > hi) {
        *bad_index = r * cols + c;
        return false;
      }
      if (v1 < lo || v1 > hi) {
        *bad_index = r * cols + c + 1;
        return false;
      }
      packed[r * row_bytes + j] = static_cast<uint8_t>((v0 & 0xF) | ((v1 & 0xF) << 4));
    }
  }
  return true;
}

// A nibble as a signed value: shifting it to the top of an int8 and back sign-extends bit 3.
int8_t nibble_value(uint8_t nibble, Scheme scheme) {
  if (scheme == Scheme::asymmetric) return static_cast<int8_t>(nibble);
  return static_cast<int8_t>(nibble >= 8 ? nibble - 16 : nibble);
}

void unpack(const uint8_t* packed, size_t rows, size_t cols, Scheme scheme, int8_t* values) {
  const size_t row_bytes = int4_row_bytes(cols);
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < cols; ++c) {
      const uint8_t byte = packed[r * row_bytes + c / 2];
      const auto nibble = static_cast<uint8_t>(c % 2 == 0 ? byte & 0xF : byte >> 4);
      values[r * cols + c] = nibble_value(nibble, scheme);
    }
  }
}

}  // namespace

extern const PackKernel pack_scalar = {Isa::scalar, "scalar", supports_all, pack, unpack};

}  // namespace mq::kernels
