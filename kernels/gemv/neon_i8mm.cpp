// Armv8.6 int8 matrix-multiply variant of the gemv family (FEAT_I8MM: SMMLA), for the small-batch
// GEMM. It shares the layout of arm_gemv_layout.h (and its F32 mode) with the NEON variants: two
// 32-bit zips turn a chunk's two 4 rows x 4 columns blocks into two 2 rows x 8 columns operands,
// and one SMMLA multiplies such an operand by the 8 activation codes of two batch entries (a 2 x 2
// int32 tile). A chunk then costs two SMMLAs per pair of batch entries, where SDOT needs four; up
// to 4 pairs share each decoded chunk. A single remaining entry (and so every GEMV) runs the SDOT
// kernel. The per-block epilogue is the shared one: the result is bit-identical to the scalar
// reference's INT8 mode.
#include <arm_neon.h>

#include "common/arm_simd.h"
#include "common/formats.h"
#include "gemv/arm_gemv_dot.h"
#include "gemv/arm_gemv_layout.h"
#include "gemv/gemv.h"

#if !defined(__ARM_FEATURE_MATMUL_INT8)
#error "neon_i8mm.cpp must be compiled with +i8mm"
#endif

namespace mq::kernels {
namespace {

bool supports_all(const GemvShape& /*shape*/) { return true; }

constexpr size_t kMaxPairs = 4;

// Batch entries 2q and 2q + 1 (q < P) of act, for the rows [row_begin, row_end).
template <size_t P>
void mmla_tiles(const ArmLayout& l, const ArmActLayout& a, const uint8_t* packed,
                const uint8_t* act, size_t rows, const float* bias, float* y, size_t row_begin,
                size_t row_end) {
  constexpr size_t MB = 2 * P;
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
        int32x4_t c01[P];  // lanes: (row 0, entry 2q), (row 0, 2q+1), (row 1, 2q), (row 1, 2q+1)
        int32x4_t c23[P];  // the same for rows 2 and 3
        for (size_t q = 0; q < P; ++q) c01[q] = c23[q] = vdupq_n_s32(0);
        for (; k < k_end; ++k) {
          const ArmChunk ch = arm_load_chunk(l, chunk0, k);
          const int32x4_t a32 = vreinterpretq_s32_s8(ch.a);
          const int32x4_t b32 = vreinterpretq_s32_s8(ch.b);
          const int8x16_t w01 = vreinterpretq_s8_s32(vzip1q_s32(a32, b32));  // rows 0, 1 x 8
          const int8x16_t w23 = vreinterpretq_s8_s32(vzip2q_s32(a32, b32));  // rows 2, 3 x 8
          const size_t offset = g * a.group_stride + k * kArmChunkCols;
          for (size_t q = 0; q < P; ++q) {
            const auto* x0 = reinterpret_cast<const int8_t*>(act + 2 * q * a.entry_bytes + offset);
            const auto* x1 =
                reinterpret_cast<const int8_t*>(act + (2 * q + 1) * a.entry_bytes + offset);
            const int8x16_t x = vcombine_s8(vld1_s8(x0), vld1_s8(x1));  // entries 2q, 2q+1 x 8
            c01[q] = vmmlaq_s32(c01[q], w01, x);
            c23[q] = vmmlaq_s32(c23[q], w23, x);
          }
        }
        const size_t blk = g * a.blocks_per_group + j;
        for (size_t q = 0; q < P; ++q) {
          const int32x4_t d0 = vuzp1q_s32(c01[q], c23[q]);  // rows 0..3 of entry 2q
          const int32x4_t d1 = vuzp2q_s32(c01[q], c23[q]);  // rows 0..3 of entry 2q + 1
          group_sum[2 * q] =
              arm_block_epilogue(group_sum[2 * q], d0, zp, act + 2 * q * a.entry_bytes, a, blk);
          group_sum[2 * q + 1] = arm_block_epilogue(group_sum[2 * q + 1], d1, zp,
                                                    act + (2 * q + 1) * a.entry_bytes, a, blk);
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
  size_t b = 0;
  while (b < batch) {
    const uint8_t* ab = static_cast<const uint8_t*>(act) + b * a.entry_bytes;
    float* yb = y + b * s.rows;
    const size_t pairs = (batch - b) / 2 < kMaxPairs ? (batch - b) / 2 : kMaxPairs;
    switch (pairs) {
      case 0:
        arm_dot_int8_tiles<1>(l, a, base, ab, s.rows, bias, yb, row_begin, row_end);
        b += 1;
        continue;
      case 1: mmla_tiles<1>(l, a, base, ab, s.rows, bias, yb, row_begin, row_end); break;
      case 2: mmla_tiles<2>(l, a, base, ab, s.rows, bias, yb, row_begin, row_end); break;
      case 3: mmla_tiles<3>(l, a, base, ab, s.rows, bias, yb, row_begin, row_end); break;
      default: mmla_tiles<4>(l, a, base, ab, s.rows, bias, yb, row_begin, row_end); break;
    }
    b += 2 * pairs;
  }
}

}  // namespace

extern const GemvKernel gemv_neon_i8mm = {
    Isa::neon_i8mm, "neon-i8mm",  supports_all,  kArmTileRows,     arm_packed_bytes, arm_pack,
    arm_unpack,     arm_gemm_f32, arm_act_bytes, arm_quantize_act, gemm_int8};

}  // namespace mq::kernels
