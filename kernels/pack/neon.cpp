// Armv8.0 Advanced SIMD variant of the pack family: the range check, the nibble packing and the
// unpacking (with sign extension) of sixteen or thirty-two codes per step. Rows start on byte
// boundaries, so every vector step begins at an even column; tails run the scalar definition.
#include <arm_neon.h>

#include "common/arm_simd.h"
#include "common/formats.h"
#include "pack/pack.h"

namespace mq::kernels {
namespace {

bool supports_all(size_t /*cols*/) { return true; }

// The scalar reference for columns [c, cols) of one row, reporting the first value out of range.
bool pack_tail(const int8_t* in, size_t c, size_t cols, int lo, int hi, uint8_t* out,
               size_t* bad_col) {
  for (; c < cols; c += 2) {
    const int v0 = in[c];                         // NOLINT(bugprone-signed-char-misuse)
    const int v1 = c + 1 < cols ? in[c + 1] : 0;  // NOLINT(bugprone-signed-char-misuse)
    if (v0 < lo || v0 > hi) {
      *bad_col = c;
      return false;
    }
    if (v1 < lo || v1 > hi) {
      *bad_col = c + 1;
      return false;
    }
    out[c / 2] = static_cast<uint8_t>((v0 & 0xF) | ((v1 & 0xF) << 4));
  }
  return true;
}

bool pack(const int8_t* values, size_t rows, size_t cols, Scheme scheme, uint8_t* packed,
          size_t* bad_index) {
  const int lo = scheme == Scheme::asymmetric ? 0 : -8;
  const int hi = scheme == Scheme::asymmetric ? 15 : 7;
  // v - lo, wrapping in unsigned bytes, is in [0, 15] exactly when v is in [lo, hi].
  const uint8x16_t lo_v = vdupq_n_u8(static_cast<uint8_t>(lo));
  const size_t row_bytes = int4_row_bytes(cols);
  for (size_t r = 0; r < rows; ++r) {
    const int8_t* in = values + r * cols;
    uint8_t* out = packed + r * row_bytes;
    size_t c = 0;
    for (; c + 32 <= cols; c += 32) {
      const int8x16_t a = vld1q_s8(in + c);
      const int8x16_t b = vld1q_s8(in + c + 16);
      const uint8x16_t ra = vsubq_u8(vreinterpretq_u8_s8(a), lo_v);
      const uint8x16_t rb = vsubq_u8(vreinterpretq_u8_s8(b), lo_v);
      if (vmaxvq_u8(vmaxq_u8(ra, rb)) > 15) break;  // the scalar tail finds which one
      vst1q_u8(out + c / 2, vcombine_u8(arm_pack_nibbles(a), arm_pack_nibbles(b)));
    }
    size_t bad_col = 0;
    if (!pack_tail(in, c, cols, lo, hi, out, &bad_col)) {
      *bad_index = r * cols + bad_col;
      return false;
    }
  }
  return true;
}

// Sign-extends the low nibble of every byte (symmetric) or keeps it (asymmetric).
inline int8x16_t nibble_values(uint8x16_t nibbles, bool asym) {
  const int8x16_t v = vreinterpretq_s8_u8(nibbles);
  if (asym) return v;
  return vshrq_n_s8(vshlq_n_s8(v, 4), 4);
}

void unpack(const uint8_t* packed, size_t rows, size_t cols, Scheme scheme, int8_t* values) {
  const bool asym = scheme == Scheme::asymmetric;
  const size_t row_bytes = int4_row_bytes(cols);
  for (size_t r = 0; r < rows; ++r) {
    const uint8_t* in = packed + r * row_bytes;
    int8_t* out = values + r * cols;
    size_t c = 0;
    for (; c + 32 <= cols; c += 32) {
      const uint8x16_t bytes = vld1q_u8(in + c / 2);
      int8x16x2_t v;
      v.val[0] = nibble_values(vandq_u8(bytes, vdupq_n_u8(0x0F)), asym);
      v.val[1] = nibble_values(vshrq_n_u8(bytes, 4), asym);
      vst2q_s8(out + c, v);  // interleaves: low nibble, high nibble, low, high, ...
    }
    for (; c + 16 <= cols; c += 16)
      vst1q_s8(out + c, arm_unpack_nibbles(vld1_u8(in + c / 2), asym));
    for (; c < cols; ++c) {
      const uint8_t byte = in[c / 2];
      const int nibble = c % 2 == 0 ? byte & 0xF : byte >> 4;
      out[c] = static_cast<int8_t>(!asym && nibble >= 8 ? nibble - 16 : nibble);
    }
  }
}

}  // namespace

extern const PackKernel pack_neon = {Isa::neon, "neon", supports_all, pack, unpack};

}  // namespace mq::kernels
