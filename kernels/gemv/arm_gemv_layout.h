// The packed layout shared by the Arm GEMV variants (neon.cpp, neon_dotprod.cpp): packing from and
// exporting to the canonical format, the F32 compute mode, and the INT8 mode's activation
// workspace. The INT8 dot products are the part that differs between the variants. Include only
// from Arm variant files; everything here has internal linkage (see common/formats.h).
//
// Layout. Rows are cut into tiles of 4 (the last tile padded with rows of scale 0). A tile is one
// contiguous stream, group after group, so one kernel reads one sequential stream per tile. Group g
// of a tile, at tile + g * group_bytes:
//
//   16 bytes   the 4 rows' scales (float32, canonical bits)
//   16 bytes   asymmetric only: the 4 rows' zero points, each repeated 4 times (byte 4r + j =
//   zp[r]) chunks     ceil(len / 8) chunks of 4 rows x 8 columns (len = the group's column count);
//   the
//              columns of a chunk past the group's end hold the row's neutral code (q - zp = 0)
//
// An INT4 chunk is 16 bytes: byte 4r + j holds column c + j of row r in its low nibble and column
// c + 4 + j in its high nibble, so the low nibbles form a 4 rows x 4 columns int8 block and the
// high nibbles the next one: exactly the operand of SDOT by element, and two widenings from the F32
// mode's per-row vectors. Nibbles are stored unsigned: asymmetric codes as they are, symmetric
// codes XOR 8 (= q + 8, so the zero point is 8). Decoding is then one AND and one shift for both
// schemes, and the INT8 mode subtracts zp * sum(qx) per activation block instead of touching every
// code. An INT8-per-row chunk is 32 bytes: the same two 4 x 4 blocks as int8 codes (zero point 0).
#ifndef MONOQUANT_KERNELS_GEMV_ARM_GEMV_LAYOUT_H
#define MONOQUANT_KERNELS_GEMV_ARM_GEMV_LAYOUT_H

#if !defined(__aarch64__)
#error "arm_gemv_layout.h is for AArch64 variant files only"
#endif

#include <arm_neon.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "common/arm_simd.h"
#include "common/formats.h"
#include "common/quant_rules.h"
#include "gemv/gemv.h"

namespace mq::kernels {
namespace {

inline constexpr size_t kArmTileRows = 4;
inline constexpr size_t kArmChunkCols = 8;
inline constexpr size_t kArmChunksPerBlock = kActBlock / kArmChunkCols;  // 4
// Batch entries that share each decoded chunk of weights.
inline constexpr size_t kArmMaxBatchBlock = 4;

static_assert(kActBlock % kArmChunkCols == 0, "an activation block is whole chunks");

inline size_t arm_chunks(size_t len) { return ceil_div(len, kArmChunkCols); }

struct ArmLayout {
  bool int8;            // Format::int8_rows
  bool asym;            // INT4 asymmetric: zero points stored
  size_t groups;        // per row
  size_t group;         // columns of a full group (cols for int8_rows)
  size_t last_len;      // columns of the last group
  size_t chunk_bytes;   // 16 (INT4) or 32 (INT8)
  size_t header_bytes;  // 16, or 32 with zero points
  size_t group_bytes;   // of a full group
  size_t tile_bytes;    // of one tile of 4 rows
  size_t tiles;
  size_t total_bytes;
};

inline ArmLayout arm_layout(const GemvShape& s) {
  ArmLayout l{};
  l.int8 = s.format == Format::int8_rows;
  l.asym = !l.int8 && s.scheme == Scheme::asymmetric;
  l.group = l.int8 ? s.cols : s.group;
  l.groups = groups_per_row(s.cols, l.group);
  l.last_len = s.cols - (l.groups - 1) * l.group;
  l.chunk_bytes = l.int8 ? 32 : 16;
  l.header_bytes = l.asym ? 32 : 16;
  l.group_bytes = l.header_bytes + arm_chunks(l.group) * l.chunk_bytes;
  l.tile_bytes =
      (l.groups - 1) * l.group_bytes + l.header_bytes + arm_chunks(l.last_len) * l.chunk_bytes;
  l.tiles = ceil_div(s.rows, kArmTileRows);
  l.total_bytes = l.tiles * l.tile_bytes;
  return l;
}

inline size_t arm_group_len(const ArmLayout& l, size_t g) {
  return g + 1 < l.groups ? l.group : l.last_len;
}

inline size_t arm_packed_bytes(const GemvShape& s) { return arm_layout(s).total_bytes; }

// Offset of code (r, j) of a chunk (r < 4 rows, j < 8 columns): INT4 byte and nibble, or INT8 byte.
inline size_t arm_int4_byte(size_t r, size_t j) { return r * 4 + (j & 3); }
inline size_t arm_int8_byte(size_t r, size_t j) { return (j / 4) * 16 + r * 4 + (j & 3); }

inline void arm_pack(const GemvShape& s, const void* codes, const float* scales,
                     const uint8_t* zero_points, void* packed) {
  const ArmLayout l = arm_layout(s);
  const size_t row_bytes = l.int8 ? s.cols : int4_row_bytes(s.cols);
  const auto* in = static_cast<const uint8_t*>(codes);
  auto* base = static_cast<uint8_t*>(packed);
  for (size_t t = 0; t < l.tiles; ++t) {
    for (size_t g = 0; g < l.groups; ++g) {
      uint8_t* p = base + t * l.tile_bytes + g * l.group_bytes;
      const size_t len = arm_group_len(l, g);
      const size_t chunks = arm_chunks(len);
      uint8_t* chunk0 = p + l.header_bytes;
      std::memset(p, 0, l.header_bytes + chunks * l.chunk_bytes);
      for (size_t r = 0; r < kArmTileRows; ++r) {
        const size_t n = t * kArmTileRows + r;
        const bool real = n < s.rows;
        const float scale = real ? scales[n * l.groups + g] : 0.0F;
        std::memcpy(p + 4 * r, &scale, sizeof(float));
        const uint8_t zp = real && l.asym ? zero_points[n * l.groups + g] : 0;
        if (l.asym) std::memset(p + 16 + 4 * r, zp, 4);
        // The stored nibble whose q - zp is 0: 8 for symmetric (stored q + 8), zp for asymmetric.
        const uint8_t neutral = l.asym ? zp : 8;
        for (size_t k = 0; k < chunks; ++k) {
          uint8_t* chunk = chunk0 + k * l.chunk_bytes;
          for (size_t j = 0; j < kArmChunkCols; ++j) {
            const size_t col = g * l.group + k * kArmChunkCols + j;
            const bool inside = real && k * kArmChunkCols + j < len;
            if (l.int8) {
              chunk[arm_int8_byte(r, j)] = inside ? in[n * row_bytes + col] : 0;
              continue;
            }
            uint8_t nibble = neutral;
            if (inside) {
              const uint8_t byte = in[n * row_bytes + col / 2];
              nibble = static_cast<uint8_t>(col % 2 == 0 ? byte & 0xF : byte >> 4);
              if (!l.asym) nibble ^= 8;
            }
            chunk[arm_int4_byte(r, j)] |= static_cast<uint8_t>(j < 4 ? nibble : nibble << 4);
          }
        }
      }
    }
  }
}

inline void arm_unpack(const GemvShape& s, const void* packed, void* codes, float* scales,
                       uint8_t* zero_points) {
  const ArmLayout l = arm_layout(s);
  const size_t row_bytes = l.int8 ? s.cols : int4_row_bytes(s.cols);
  auto* out = static_cast<uint8_t*>(codes);
  const auto* base = static_cast<const uint8_t*>(packed);
  std::memset(out, 0, s.rows * row_bytes);  // also the padding nibble of an odd row
  for (size_t n = 0; n < s.rows; ++n) {
    const size_t t = n / kArmTileRows;
    const size_t r = n % kArmTileRows;
    for (size_t g = 0; g < l.groups; ++g) {
      const uint8_t* p = base + t * l.tile_bytes + g * l.group_bytes;
      std::memcpy(&scales[n * l.groups + g], p + 4 * r, sizeof(float));
      if (l.asym) zero_points[n * l.groups + g] = p[16 + 4 * r];
      const uint8_t* chunk0 = p + l.header_bytes;
      const size_t len = arm_group_len(l, g);
      for (size_t i = 0; i < len; ++i) {
        const size_t col = g * l.group + i;
        const uint8_t* chunk = chunk0 + (i / kArmChunkCols) * l.chunk_bytes;
        const size_t j = i % kArmChunkCols;
        if (l.int8) {
          out[n * row_bytes + col] = chunk[arm_int8_byte(r, j)];
          continue;
        }
        const uint8_t byte = chunk[arm_int4_byte(r, j)];
        auto nibble = static_cast<uint8_t>(j < 4 ? byte & 0xF : byte >> 4);
        if (!l.asym) nibble ^= 8;
        out[n * row_bytes + col / 2] |= static_cast<uint8_t>(col % 2 == 0 ? nibble : nibble << 4);
      }
    }
  }
}

// ---- Reading a group of a tile.
// ------------------------------------------------------------------

struct ArmChunk {
  int8x16_t a;  // columns c .. c+3 of rows 0..3 (byte 4r + j)
  int8x16_t b;  // columns c+4 .. c+7
};

// The stored codes of chunk k (before the zero point).
inline ArmChunk arm_load_chunk(const ArmLayout& l, const uint8_t* chunk0, size_t k) {
  if (l.int8) {
    const uint8_t* p = chunk0 + k * 32;
    return {vreinterpretq_s8_u8(vld1q_u8(p)), vreinterpretq_s8_u8(vld1q_u8(p + 16))};
  }
  const uint8x16_t w = vld1q_u8(chunk0 + k * 16);
  return {vreinterpretq_s8_u8(vandq_u8(w, vdupq_n_u8(0x0F))),
          vreinterpretq_s8_u8(vshrq_n_u8(w, 4))};
}

// The zero point of each chunk byte (byte 4r + j = zp of row r) for a group header at p.
inline int8x16_t arm_zero_points_s8(const ArmLayout& l, const uint8_t* p) {
  if (l.int8) return vdupq_n_s8(0);
  if (l.asym) return vreinterpretq_s8_u8(vld1q_u8(p + 16));
  return vdupq_n_s8(8);
}

// The same zero points, one int32 per row.
inline int32x4_t arm_zero_points_s32(const ArmLayout& l, const uint8_t* p) {
  if (l.int8) return vdupq_n_s32(0);
  if (l.asym) {
    return vreinterpretq_s32_u32(
        vandq_u32(vreinterpretq_u32_u8(vld1q_u8(p + 16)), vdupq_n_u32(0xFF)));
  }
  return vdupq_n_s32(8);
}

// Writes y[n] = v[n - n0] + bias[n] (or + 0.0F) for the rows n of the tile starting at n0 that lie
// in [row_begin, row_end).
inline void arm_store_rows(float32x4_t v, const float* bias, float* y, size_t n0, size_t row_begin,
                           size_t row_end) {
  if (n0 >= row_begin && n0 + kArmTileRows <= row_end) {
    const float32x4_t add = bias != nullptr ? vld1q_f32(bias + n0) : vdupq_n_f32(0.0F);
    vst1q_f32(y + n0, vaddq_f32(v, add));
    return;
  }
  float lanes[kArmTileRows];
  vst1q_f32(lanes, v);
  for (size_t r = 0; r < kArmTileRows; ++r) {
    const size_t n = n0 + r;
    if (n < row_begin || n >= row_end) continue;
    y[n] = lanes[r] + (bias != nullptr ? bias[n] : 0.0F);
  }
}

// ---- F32 mode.
// -------------------------------------------------------------------------------------
//
// Per tile and group: four float32x4 accumulators per batch entry (one per row, over the columns
// mod 4) take FMAs of the dequantized codes (q - zp, exact in int8, widened and converted) with x;
// at the group's end they are reduced to one lane per row and multiplied by the 4 scales (FMA into
// the row results). The sums run in another order than the scalar reference, within float32
// summation error of it.

template <size_t MB>
void arm_f32_tiles(const ArmLayout& l, const GemvShape& s, const uint8_t* packed, const float* x,
                   const float* bias, float* y, size_t row_begin, size_t row_end) {
  const size_t t_end = ceil_div(row_end, kArmTileRows);
  for (size_t t = row_begin / kArmTileRows; t < t_end; ++t) {
    const uint8_t* tile = packed + t * l.tile_bytes;
    float32x4_t out[MB];
    for (size_t m = 0; m < MB; ++m) out[m] = vdupq_n_f32(0.0F);
    for (size_t g = 0; g < l.groups; ++g) {
      const uint8_t* p = tile + g * l.group_bytes;
      const float32x4_t scales = arm_load_f32_bytes(p);
      const int8x16_t zp = arm_zero_points_s8(l, p);
      const uint8_t* chunk0 = p + l.header_bytes;
      const size_t len = arm_group_len(l, g);
      const size_t c0 = g * l.group;
      float32x4_t acc[MB][4];
      for (size_t m = 0; m < MB; ++m) {
        for (auto& a : acc[m]) a = vdupq_n_f32(0.0F);
      }
      const size_t chunks = arm_chunks(len);
      for (size_t k = 0; k < chunks; ++k) {
        const size_t i = k * kArmChunkCols;  // column in the group
        // A chunk that runs past the group reads x from a zero-padded copy: never past x's end.
        float tail[MB][kArmChunkCols];
        const float* xs[MB];
        for (size_t m = 0; m < MB; ++m) {
          xs[m] = x + m * s.cols + c0 + i;
          if (i + kArmChunkCols > len) {
            for (size_t j = 0; j < kArmChunkCols; ++j) tail[m][j] = i + j < len ? xs[m][j] : 0.0F;
            xs[m] = tail[m];
          }
        }
        const ArmChunk ch = arm_load_chunk(l, chunk0, k);
        const ArmI32x16 da = arm_widen_s8(vsubq_s8(ch.a, zp));
        for (size_t m = 0; m < MB; ++m) {
          const float32x4_t xv = vld1q_f32(xs[m]);
          for (size_t r = 0; r < 4; ++r) {
            acc[m][r] = vfmaq_f32(acc[m][r], vcvtq_f32_s32(da.v[r]), xv);
          }
        }
        const ArmI32x16 db = arm_widen_s8(vsubq_s8(ch.b, zp));
        for (size_t m = 0; m < MB; ++m) {
          const float32x4_t xv = vld1q_f32(xs[m] + 4);
          for (size_t r = 0; r < 4; ++r) {
            acc[m][r] = vfmaq_f32(acc[m][r], vcvtq_f32_s32(db.v[r]), xv);
          }
        }
      }
      for (size_t m = 0; m < MB; ++m) {
        const float32x4_t sums =
            vpaddq_f32(vpaddq_f32(acc[m][0], acc[m][1]), vpaddq_f32(acc[m][2], acc[m][3]));
        out[m] = vfmaq_f32(out[m], sums, scales);
      }
    }
    for (size_t m = 0; m < MB; ++m) {
      arm_store_rows(out[m], bias, y + m * s.rows, t * kArmTileRows, row_begin, row_end);
    }
  }
}

inline void arm_gemm_f32(const GemvShape& s, const void* packed, const float* x, size_t batch,
                         const float* bias, float* y, size_t row_begin, size_t row_end) {
  const ArmLayout l = arm_layout(s);
  const auto* base = static_cast<const uint8_t*>(packed);
  for (size_t b = 0; b < batch; b += kArmMaxBatchBlock) {
    const float* xb = x + b * s.cols;
    float* yb = y + b * s.rows;
    switch (batch - b < kArmMaxBatchBlock ? batch - b : kArmMaxBatchBlock) {
      case 1: arm_f32_tiles<1>(l, s, base, xb, bias, yb, row_begin, row_end); break;
      case 2: arm_f32_tiles<2>(l, s, base, xb, bias, yb, row_begin, row_end); break;
      case 3: arm_f32_tiles<3>(l, s, base, xb, bias, yb, row_begin, row_end); break;
      default: arm_f32_tiles<4>(l, s, base, xb, bias, yb, row_begin, row_end); break;
    }
  }
}

// ---- INT8 mode: the activation workspace.
// ----------------------------------------------------------
//
// Per batch entry: the int8 codes of x, group by group, each group zero-padded to whole chunks
// (group_stride bytes, so a chunk's 8 codes are one 8-byte load and padding multiplies by 0); then
// per activation block its scale sx (float) and the sum of its codes (int32, for the zero-point
// correction). The codes and sx are those of the scalar reference (same rules, same blocks).

struct ArmActLayout {
  size_t group_stride;  // bytes of codes per group
  size_t blocks_per_group;
  size_t blocks;     // per batch entry
  size_t sx_offset;  // from the entry's start
  size_t sum_offset;
  size_t entry_bytes;
};

inline ArmActLayout arm_act_layout(const GemvShape& s) {
  const ArmLayout l = arm_layout(s);
  ArmActLayout a{};
  a.group_stride = arm_chunks(l.group) * kArmChunkCols;
  a.blocks_per_group = act_blocks_per_group(l.group);
  a.blocks = l.groups * a.blocks_per_group;
  a.sx_offset = l.groups * a.group_stride;  // a multiple of 8
  a.sum_offset = a.sx_offset + a.blocks * sizeof(float);
  a.entry_bytes = a.sum_offset + a.blocks * sizeof(int32_t);
  return a;
}

inline size_t arm_act_bytes(const GemvShape& s, size_t batch) {
  return arm_act_layout(s).entry_bytes * batch;
}

inline void arm_quantize_act(const GemvShape& s, const float* x, size_t batch, void* act) {
  const ArmLayout l = arm_layout(s);
  const ArmActLayout a = arm_act_layout(s);
  const int32x4_t lo = vdupq_n_s32(-127);
  const int32x4_t hi = vdupq_n_s32(127);
  for (size_t b = 0; b < batch; ++b) {
    const float* xb = x + b * s.cols;
    uint8_t* entry = static_cast<uint8_t*>(act) + b * a.entry_bytes;
    auto* q = reinterpret_cast<int8_t*>(entry);
    std::memset(q, 0, a.sx_offset);  // padding codes are 0
    for (size_t g = 0; g < l.groups; ++g) {
      const size_t len = arm_group_len(l, g);
      for (size_t j = 0; j < a.blocks_per_group; ++j) {
        const size_t i0 = j * kActBlock;  // column in the group
        const size_t i1 = i0 + kActBlock < len ? i0 + kActBlock : (i0 < len ? len : i0);
        const float* xs = xb + g * l.group + i0;
        const size_t n = i1 - i0;
        float absmax = 0.0F;
        size_t c = 0;
        if (n >= 4) {
          float32x4_t m = vabsq_f32(vld1q_f32(xs));
          for (c = 4; c + 4 <= n; c += 4) m = vmaxq_f32(m, vabsq_f32(vld1q_f32(xs + c)));
          absmax = vmaxvq_f32(m);
        }
        for (; c < n; ++c) absmax = std::fmax(absmax, std::fabs(xs[c]));
        const GroupParams p = symmetric_params(absmax, 127.0F);
        int8_t* qs = q + g * a.group_stride + i0;
        int32_t sum = 0;
        const float32x4_t inv = vdupq_n_f32(p.inv);
        c = 0;
        for (; c + 8 <= n; c += 8) {
          // FCVTNS: round to nearest, ties to even, as nearbyint in the default environment.
          const int32x4_t v0 =
              vminq_s32(vmaxq_s32(vcvtnq_s32_f32(vmulq_f32(vld1q_f32(xs + c), inv)), lo), hi);
          const int32x4_t v1 =
              vminq_s32(vmaxq_s32(vcvtnq_s32_f32(vmulq_f32(vld1q_f32(xs + c + 4), inv)), lo), hi);
          sum += vaddvq_s32(vaddq_s32(v0, v1));
          const int16x8_t v = vcombine_s16(vmovn_s32(v0), vmovn_s32(v1));
          vst1_s8(qs + c, vmovn_s16(v));
        }
        for (; c < n; ++c) {
          const int32_t v = quantize_value(xs[c], p, -127.0F, 127.0F);
          qs[c] = static_cast<int8_t>(v);
          sum += v;
        }
        const size_t blk = g * a.blocks_per_group + j;
        std::memcpy(entry + a.sx_offset + blk * sizeof(float), &p.scale, sizeof(float));
        std::memcpy(entry + a.sum_offset + blk * sizeof(int32_t), &sum, sizeof(int32_t));
      }
    }
  }
}

// The INT8 mode's per-block epilogue, shared by the variants so that they round alike, in the
// scalar reference's order: group_sum += sx * float(dot - zp * sum(qx)), and per group
// acc += scale * group_sum, each a separate multiply and add. With the same codes, blocks and exact
// int32 dots this reproduces the scalar reference's INT8 result bit for bit.
inline float32x4_t arm_block_epilogue(float32x4_t group_sum, int32x4_t dot, int32x4_t zp,
                                      const uint8_t* entry, const ArmActLayout& a, size_t blk) {
  float sx = 0.0F;
  int32_t sum = 0;
  std::memcpy(&sx, entry + a.sx_offset + blk * sizeof(float), sizeof(float));
  std::memcpy(&sum, entry + a.sum_offset + blk * sizeof(int32_t), sizeof(int32_t));
  const int32x4_t corrected = vmlsq_n_s32(dot, zp, sum);
  return vaddq_f32(group_sum, vmulq_n_f32(vcvtq_f32_s32(corrected), sx));
}

}  // namespace
}  // namespace mq::kernels

#endif
