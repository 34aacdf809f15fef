// Armv8.0 Advanced SIMD variant of the gemv family, on the layout of arm_gemv_layout.h. The INT8
// mode multiplies int8 codes with int8 activations in SMULL / SMLAL (16-bit products: one product
// and one accumulation per lane, at most 2 * 128 * 127 = 32512 < 32767 for any int8 code, so no
// 16-bit overflow) and widens pairwise into int32 with SADALP; the result is bit-identical to the
// scalar reference's INT8 mode.
#include <arm_neon.h>

#include "common/arm_simd.h"
#include "common/formats.h"
#include "gemv/arm_gemv_layout.h"
#include "gemv/gemv.h"

namespace mq::kernels {
namespace {

bool supports_all(const GemvShape& /*shape*/) { return true; }

// The 4-byte group `lane` of 8 activation codes, repeated twice.
template <int kLane>
inline int8x8_t repeat_quad(int8x8_t x) {
  return vreinterpret_s8_s32(vdup_lane_s32(vreinterpret_s32_s8(x), kLane));
}

template <size_t MB>
void int8_tiles(const ArmLayout& l, const ArmActLayout& a, const uint8_t* packed,
                const uint8_t* act, size_t rows, const float* bias, float* y, size_t row_begin,
                size_t row_end) {
  const size_t t_end = ceil_div(row_end, kArmTileRows);
  for (size_t t = row_begin / kArmTileRows; t < t_end; ++t) {
    const uint8_t* tile = packed + t * l.tile_bytes;
    float32x4_t out[MB];
    for (size_t m = 0; m < MB; ++m) out[m] = vdupq_n_f32(0.0F);
    for (size_t g = 0; g < l.groups; ++g) {
      const uint8_t* p = tile + g * l.group_bytes;
      const float32x4_t scales = arm_load_f32_bytes(p);
      const int32x4_t zp = arm_zero_points_s32(l, p);
      const uint8_t* chunk0 = p + l.header_bytes;
      const size_t chunks = arm_chunks(arm_group_len(l, g));
      float32x4_t group_sum[MB];
      for (size_t m = 0; m < MB; ++m) group_sum[m] = vdupq_n_f32(0.0F);
      for (size_t k = 0, j = 0; k < chunks; ++j) {
        const size_t k_end = k + kArmChunksPerBlock < chunks ? k + kArmChunksPerBlock : chunks;
        int32x4_t d01[MB];  // int32 lanes: row 0, row 0, row 1, row 1
        int32x4_t d23[MB];
        for (size_t m = 0; m < MB; ++m) d01[m] = d23[m] = vdupq_n_s32(0);
        for (; k < k_end; ++k) {
          const ArmChunk ch = arm_load_chunk(l, chunk0, k);
          for (size_t m = 0; m < MB; ++m) {
            const int8x8_t xq = vld1_s8(reinterpret_cast<const int8_t*>(
                act + m * a.entry_bytes + g * a.group_stride + k * kArmChunkCols));
            const int8x8_t xa = repeat_quad<0>(xq);
            const int8x8_t xb = repeat_quad<1>(xq);
            int16x8_t p01 = vmull_s8(vget_low_s8(ch.a), xa);
            int16x8_t p23 = vmull_s8(vget_high_s8(ch.a), xa);
            p01 = vmlal_s8(p01, vget_low_s8(ch.b), xb);
            p23 = vmlal_s8(p23, vget_high_s8(ch.b), xb);
            d01[m] = vpadalq_s16(d01[m], p01);
            d23[m] = vpadalq_s16(d23[m], p23);
          }
        }
        for (size_t m = 0; m < MB; ++m) {
          group_sum[m] = arm_block_epilogue(group_sum[m], vpaddq_s32(d01[m], d23[m]), zp,
                                            act + m * a.entry_bytes, a, g * a.blocks_per_group + j);
        }
      }
      for (size_t m = 0; m < MB; ++m) out[m] = vaddq_f32(out[m], vmulq_f32(scales, group_sum[m]));
    }
    for (size_t m = 0; m < MB; ++m) {
      arm_store_rows(out[m], bias, y + m * rows, t * kArmTileRows, row_begin, row_end);
    }
  }
}

void gemm_int8(const GemvShape& s, const void* packed, const void* act, size_t batch,
               const float* bias, float* y, size_t row_begin, size_t row_end) {
  const ArmLayout l = arm_layout(s);
  const ArmActLayout a = arm_act_layout(s);
  const auto* base = static_cast<const uint8_t*>(packed);
  for (size_t b = 0; b < batch; b += kArmMaxBatchBlock) {
    const uint8_t* ab = static_cast<const uint8_t*>(act) + b * a.entry_bytes;
    float* yb = y + b * s.rows;
    switch (batch - b < kArmMaxBatchBlock ? batch - b : kArmMaxBatchBlock) {
      case 1: int8_tiles<1>(l, a, base, ab, s.rows, bias, yb, row_begin, row_end); break;
      case 2: int8_tiles<2>(l, a, base, ab, s.rows, bias, yb, row_begin, row_end); break;
      case 3: int8_tiles<3>(l, a, base, ab, s.rows, bias, yb, row_begin, row_end); break;
      default: int8_tiles<4>(l, a, base, ab, s.rows, bias, yb, row_begin, row_end); break;
    }
  }
}

}  // namespace

extern const GemvKernel gemv_neon = {Isa::neon,        "neon",           supports_all, kArmTileRows,
                                     arm_packed_bytes, arm_pack,         arm_unpack,   arm_gemm_f32,
                                     arm_act_bytes,    arm_quantize_act, gemm_int8};

}  // namespace mq::kernels
