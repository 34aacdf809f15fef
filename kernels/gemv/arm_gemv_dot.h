// The INT8-mode kernel of the dot-product variants (FEAT_DotProd), shared by neon_dotprod.cpp and
// neon_i8mm.cpp (which uses it for a single batch entry). Each 16-byte block of 4 rows x 4 columns
// of the layout (arm_gemv_layout.h) is one SDOT by element against 4 activation codes: lane r
// accumulates row r directly, so a chunk of 4 rows x 8 columns is two SDOTs per batch entry, and
// the decoded weights are reused by up to 4 batch entries. The per-block epilogue is the shared
// one, so the result is bit-identical to the scalar reference's INT8 mode. Include only from
// variant files compiled with +dotprod; internal linkage (see common/formats.h).
#ifndef MONOQUANT_KERNELS_GEMV_ARM_GEMV_DOT_H
#define MONOQUANT_KERNELS_GEMV_ARM_GEMV_DOT_H

#if !defined(__aarch64__) || !defined(__ARM_FEATURE_DOTPROD)
#error "arm_gemv_dot.h needs AArch64 with +dotprod"
#endif

#include <arm_neon.h>

#include <cstddef>
#include <cstdint>

#include "gemv/arm_gemv_layout.h"

namespace mq::kernels {
namespace {

template <size_t MB>
void arm_dot_int8_tiles(const ArmLayout& l, const ArmActLayout& a, const uint8_t* packed,
                        const uint8_t* act, size_t rows, const float* bias, float* y,
                        size_t row_begin, size_t row_end) {
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
        int32x4_t dot[MB];  // lane r: row r
        for (size_t m = 0; m < MB; ++m) dot[m] = vdupq_n_s32(0);
        for (; k < k_end; ++k) {
          const ArmChunk ch = arm_load_chunk(l, chunk0, k);
          for (size_t m = 0; m < MB; ++m) {
            const int8x8_t xq = vld1_s8(reinterpret_cast<const int8_t*>(
                act + m * a.entry_bytes + g * a.group_stride + k * kArmChunkCols));
            dot[m] = vdotq_lane_s32(dot[m], ch.a, xq, 0);
            dot[m] = vdotq_lane_s32(dot[m], ch.b, xq, 1);
          }
        }
        for (size_t m = 0; m < MB; ++m) {
          group_sum[m] = arm_block_epilogue(group_sum[m], dot[m], zp, act + m * a.entry_bytes, a,
                                            g * a.blocks_per_group + j);
        }
      }
      for (size_t m = 0; m < MB; ++m) out[m] = vaddq_f32(out[m], vmulq_f32(scales, group_sum[m]));
    }
    for (size_t m = 0; m < MB; ++m) {
      arm_store_rows(out[m], bias, y + m * rows, t * kArmTileRows, row_begin, row_end);
    }
  }
}

inline void arm_dot_gemm_int8(const GemvShape& s, const void* packed, const void* act, size_t batch,
                              const float* bias, float* y, size_t row_begin, size_t row_end) {
  const ArmLayout l = arm_layout(s);
  const ArmActLayout a = arm_act_layout(s);
  const auto* base = static_cast<const uint8_t*>(packed);
  for (size_t b = 0; b < batch; b += kArmMaxBatchBlock) {
    const uint8_t* ab = static_cast<const uint8_t*>(act) + b * a.entry_bytes;
    float* yb = y + b * s.rows;
    switch (batch - b < kArmMaxBatchBlock ? batch - b : kArmMaxBatchBlock) {
      case 1: arm_dot_int8_tiles<1>(l, a, base, ab, s.rows, bias, yb, row_begin, row_end); break;
      case 2: arm_dot_int8_tiles<2>(l, a, base, ab, s.rows, bias, yb, row_begin, row_end); break;
      case 3: arm_dot_int8_tiles<3>(l, a, base, ab, s.rows, bias, yb, row_begin, row_end); break;
      default: arm_dot_int8_tiles<4>(l, a, base, ab, s.rows, bias, yb, row_begin, row_end); break;
    }
  }
}

}  // namespace
}  // namespace mq::kernels

#endif
