// gemv on AVX2 + FMA, on the tiles of x86_gemv_layout.h with R = 8 rows (one 32-bit lane of a ymm
// register per row). The structure follows x86_gemv_avx512.h, whose header comment explains the
// arithmetic; this file is the 8-lane version without mask registers.
//
// INT8 mode: VPMADDUBSW (u8 x s8 -> saturating s16 pair sums) and VPMADDWD. Overflow: the INT4
// codes u are in [0, 15] (asymmetric codes, or symmetric q + 8) and the activation codes q in
// [-127, 127], so one VPMADDUBSW pair is at most 2 * 15 * 127 = 3810 in magnitude (never
// saturates) and the 8 of a block, added in int16 (16 products per lane), at most 16 * 15 * 127 =
// 30480 < 32767 (never wraps). The zero-point term z * (-sum q) is, for asymmetric codes, VPMADDWD
// of (z, 0) and (-sum q as int16, its sign): z <= 255, |sum q| <= 4064; for symmetric codes the
// precomputed -8 * sum q, added in int32. int8 rows use |w| (<= 128 as u8) and sign(w) * q:
// a pair is at most 2 * 128 * 127 = 32512 < 32767, widened by VPMADDWD right away.
#include <immintrin.h>

#include <cstddef>
#include <cstdint>
#include <utility>

#include "common/quant_rules.h"
#include "common/x86_in_register.h"
#include "gemv/gemv.h"
#include "gemv/x86_gemv_layout.h"

namespace mq::kernels {
namespace {

constexpr size_t kTile = 8;
constexpr int kMaxBatch = 4;  // batch entries per pass over a tile (16 ymm registers)

template <size_t... Is, class F>
void unroll(std::index_sequence<Is...> /*unused*/, F&& f) {
  (f(std::integral_constant<size_t, Is>{}), ...);
}

__m256i bcast32(const void* p) { return _mm256_set1_epi32(static_cast<int>(load_u32(p))); }

float hmax(__m256 v) {
  __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  m = _mm_max_ps(m, _mm_movehl_ps(m, m));
  m = _mm_max_ss(m, _mm_shuffle_ps(m, m, 1));
  return _mm_cvtss_f32(m);
}

int32_t hsum_epi32(__m256i v) {
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
  return _mm_cvtsi128_si32(s);
}

// Software prefetch distance along a tile stream and the block sizes of the 8-row tiles (see
// x86_gemv_avx512.h and prefetch_block in x86_gemv_layout.h).
constexpr size_t kPrefetchBytes = 8192;
constexpr size_t kInt4BlockBytes = 16 * kTile;
constexpr size_t kInt8BlockBytes = 32 * kTile;

// --------------------------------------------------------------------------------------------
// INT8 mode.

void unpack_int4_block(const uint8_t* block, __m256i u[8]) {
  const __m256i low = _mm256_set1_epi8(0x0F);
  for (size_t t = 0; t < 4; ++t) {
    // One load for the AND and the shift (see common/x86_in_register.h).
    const __m256i v =
        x86::in_register(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(block + 32 * t)));
    u[2 * t] = _mm256_and_si256(v, low);
    u[2 * t + 1] = _mm256_and_si256(_mm256_srli_epi16(v, 4), low);
  }
}

// The exact block dot of every row; the record's corr is -8 * sum(q) (symmetric) or -sum(q)
// (asymmetric, multiplied with the rows' zero points), see x86_gemv_avx512.h.
template <bool kAsym>
__m256i dot_int4_block(const __m256i u[8], const uint8_t* act, __m256i z) {
  __m256i s0 = _mm256_maddubs_epi16(u[0], bcast32(act + 0));
  __m256i s1 = _mm256_maddubs_epi16(u[1], bcast32(act + 16));
  s0 = _mm256_add_epi16(s0, _mm256_maddubs_epi16(u[2], bcast32(act + 4)));
  s1 = _mm256_add_epi16(s1, _mm256_maddubs_epi16(u[3], bcast32(act + 20)));
  s0 = _mm256_add_epi16(s0, _mm256_maddubs_epi16(u[4], bcast32(act + 8)));
  s1 = _mm256_add_epi16(s1, _mm256_maddubs_epi16(u[5], bcast32(act + 24)));
  s0 = _mm256_add_epi16(s0, _mm256_maddubs_epi16(u[6], bcast32(act + 12)));
  s1 = _mm256_add_epi16(s1, _mm256_maddubs_epi16(u[7], bcast32(act + 28)));
  const __m256i d = _mm256_madd_epi16(_mm256_add_epi16(s0, s1), _mm256_set1_epi16(1));
  const __m256i corr = bcast32(act + 36);
  return _mm256_add_epi32(d, kAsym ? _mm256_madd_epi16(z, corr) : corr);
}

__m256i dot_int8_block(const uint8_t* block, const uint8_t* act) {
  const __m256i ones = _mm256_set1_epi16(1);
  __m256i a0 = _mm256_setzero_si256();
  __m256i a1 = _mm256_setzero_si256();
  for (size_t t = 0; t < 8; t += 2) {
    const __m256i w0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(block + 32 * t));
    const __m256i w1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(block + 32 * t + 32));
    const __m256i p0 =
        _mm256_maddubs_epi16(_mm256_abs_epi8(w0), _mm256_sign_epi8(bcast32(act + 4 * t), w0));
    const __m256i p1 =
        _mm256_maddubs_epi16(_mm256_abs_epi8(w1), _mm256_sign_epi8(bcast32(act + 4 * t + 4), w1));
    a0 = _mm256_add_epi32(a0, _mm256_madd_epi16(p0, ones));
    a1 = _mm256_add_epi32(a1, _mm256_madd_epi16(p1, ones));
  }
  return _mm256_add_epi32(a0, a1);
}

// Rows [lo, hi) of a tile, as lane indices.
struct LaneRange {
  size_t lo;
  size_t hi;
};

LaneRange row_lanes(size_t tile, size_t row_begin, size_t row_end) {
  const size_t first = tile * kTile;
  return {row_begin > first ? row_begin - first : 0,
          row_end - first < kTile ? row_end - first : kTile};
}

// y rows of one tile for MB batch entries: y[m][r] = acc[m][r] + bias[r] for the lanes in range.
// A partial tile goes through the stack (no masked loads or stores: VMASKMOVPS does not fault on
// masked lanes on hardware, but emulators such as qemu load the whole vector).
template <int MB>
void store_tile(const __m256 (&acc)[MB], const float* bias, float* y, size_t rows, size_t tile,
                LaneRange lanes) {
  const size_t first = tile * kTile;
  if (lanes.lo == 0 && lanes.hi == kTile) {
    const __m256 b = bias != nullptr ? _mm256_loadu_ps(bias + first) : _mm256_setzero_ps();
    for (int m = 0; m < MB; ++m) _mm256_storeu_ps(y + m * rows + first, _mm256_add_ps(acc[m], b));
    return;
  }
  alignas(32) float b[kTile] = {};
  if (bias != nullptr) {
    for (size_t r = lanes.lo; r < lanes.hi; ++r) b[r] = bias[first + r];
  }
  for (int m = 0; m < MB; ++m) {
    alignas(32) float out[kTile];
    _mm256_store_ps(out, _mm256_add_ps(acc[m], _mm256_load_ps(b)));
    for (size_t r = lanes.lo; r < lanes.hi; ++r) y[m * rows + first + r] = out[r];
  }
}

// NT tiles (8 rows each) for MB batch entries, their blocks visited in lockstep (one vector runs
// two tiles at once, see gemm_int8 and int8_tiles in x86_gemv_avx512.h). The kind of codes is a
// template parameter, as on AVX-512, so that the block loop tests nothing at run time.
template <Codes kCodes, int MB, int NT>
MQ_FLATTEN void int8_tiles(const X86Layout& l, const uint8_t* packed, const size_t (&tiles)[NT],
                           const uint8_t* act, size_t act_stride, const float* bias, float* y,
                           size_t rows, const LaneRange (&lanes)[NT]) {
  constexpr bool kInt4 = int4_codes(kCodes);
  constexpr bool kAsym = asym_codes(kCodes);
  const uint8_t* end = packed + l.total_bytes;
  const uint8_t* base[NT];
  __m256 acc[NT][MB];
  for (int n = 0; n < NT; ++n) {
    base[n] = packed + tiles[n] * l.tile_bytes;
    for (int m = 0; m < MB; ++m) acc[n][m] = _mm256_setzero_ps();
  }
  size_t act_block = 0;
  for (size_t g = 0; g < l.groups; ++g) {
    const size_t nb = l.blocks_of(g);
    const size_t offset = l.group_offset(g);
    __m256 gsum[NT][MB];
    for (int n = 0; n < NT; ++n) {
      for (int m = 0; m < MB; ++m) gsum[n][m] = _mm256_setzero_ps();
    }
    for (size_t b = 0; b < nb; ++b) {
      for (int n = 0; n < NT; ++n) {
        const uint8_t* block = base[n] + offset + b * l.block_bytes;
        prefetch_block<kPrefetchBytes, kInt4 ? kInt4BlockBytes : kInt8BlockBytes>(block, end);
        __m256i u[8];
        __m256i z = _mm256_setzero_si256();  // the asymmetric tile's zero points (an L1 hit)
        if constexpr (kInt4) unpack_int4_block(block, u);
        if constexpr (kAsym) {
          z = _mm256_cvtepu8_epi32(
              _mm_loadl_epi64(reinterpret_cast<const __m128i*>(base[n] + g * kTile)));
        }
        for (int m = 0; m < MB; ++m) {
          const uint8_t* a = act + m * act_stride + (act_block + b) * sizeof(ActBlock);
          __m256i dot;
          if constexpr (kInt4) {
            dot = dot_int4_block<kAsym>(u, a, z);
          } else {
            dot = dot_int8_block(block, a);
          }
          gsum[n][m] = _mm256_add_ps(
              gsum[n][m], _mm256_mul_ps(_mm256_set1_ps(load_f32(a + 32)), _mm256_cvtepi32_ps(dot)));
        }
      }
    }
    act_block += nb;
    for (int n = 0; n < NT; ++n) {
      const __m256 scale =
          _mm256_loadu_ps(reinterpret_cast<const float*>(base[n] + l.scales_offset(g)));
      for (int m = 0; m < MB; ++m) {
        acc[n][m] = _mm256_add_ps(acc[n][m], _mm256_mul_ps(scale, gsum[n][m]));
      }
    }
  }
  for (int n = 0; n < NT; ++n) store_tile<MB>(acc[n], bias, y, rows, tiles[n], lanes[n]);
}

__m256i quantize8(__m256 x, __m256 inv) {
  const __m256 r =
      _mm256_round_ps(_mm256_mul_ps(x, inv), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  const __m256i q = _mm256_cvttps_epi32(r);  // integral already: exact
  return _mm256_min_epi32(_mm256_set1_epi32(127), _mm256_max_epi32(_mm256_set1_epi32(-127), q));
}

// corr_scale: the z of the record's corr = -z * sum(q).
void quantize_act_row(const X86Layout& l, const float* x, int32_t corr_scale, uint8_t* act) {
  const __m256 abs_mask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7FFFFFFF));
  for (size_t g = 0; g < l.groups; ++g) {
    const size_t cols = l.cols_of(g);
    for (size_t b = 0; b < l.blocks_of(g); ++b) {
      const float* xb = x + g * l.group + b * kBlockCols;
      const size_t valid = cols - b * kBlockCols < kBlockCols ? cols - b * kBlockCols : kBlockCols;
      // A short block is copied to the stack, zero-padded (no read past x's end).
      alignas(32) float tail[kBlockCols] = {};
      const float* src = xb;
      if (valid < kBlockCols) {
        std::memcpy(tail, xb, valid * sizeof(float));
        src = tail;
      }
      __m256 xv[4];
      for (size_t i = 0; i < 4; ++i) xv[i] = _mm256_loadu_ps(src + 8 * i);
      const __m256 m01 =
          _mm256_max_ps(_mm256_and_ps(xv[0], abs_mask), _mm256_and_ps(xv[1], abs_mask));
      const __m256 m23 =
          _mm256_max_ps(_mm256_and_ps(xv[2], abs_mask), _mm256_and_ps(xv[3], abs_mask));
      const GroupParams p = symmetric_params(hmax(_mm256_max_ps(m01, m23)), 127.0F);
      const __m256 inv = _mm256_set1_ps(p.inv);
      const __m256i q0 = quantize8(xv[0], inv);
      const __m256i q1 = quantize8(xv[1], inv);
      const __m256i q2 = quantize8(xv[2], inv);
      const __m256i q3 = quantize8(xv[3], inv);
      // packs interleave the 128-bit lanes: dwords come out as q0a q1a q2a q3a q0b q1b q2b q3b.
      const __m256i bytes =
          _mm256_packs_epi16(_mm256_packs_epi32(q0, q1), _mm256_packs_epi32(q2, q3));
      const __m256i ordered =
          _mm256_permutevar8x32_epi32(bytes, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(act), ordered);
      const int32_t corr = -corr_scale * hsum_epi32(_mm256_add_epi32(_mm256_add_epi32(q0, q1),
                                                                     _mm256_add_epi32(q2, q3)));
      std::memcpy(act + 32, &p.scale, sizeof(float));
      std::memcpy(act + 36, &corr, sizeof(int32_t));
      act += sizeof(ActBlock);
    }
  }
}

// --------------------------------------------------------------------------------------------
// F32 mode.

template <int MB>
constexpr int f32_chains() {
  return MB == 1 ? 8 : (MB == 2 ? 4 : 2);
}

// Code j (bits 4j..4j+3) of every lane as a float before the zero point: symmetric q from the raw
// two's-complement nibble (vr = v ^ 0x88888888) by shifting it to the top and back arithmetically,
// asymmetric u by shift and mask.
template <bool kAsym>
__m256 code_f32(__m256i v, __m256i vr, int j) {
  if constexpr (kAsym) {
    return _mm256_cvtepi32_ps(
        _mm256_and_si256(_mm256_srl_epi32(v, _mm_cvtsi32_si128(4 * j)), _mm256_set1_epi32(0xF)));
  } else {
    return _mm256_cvtepi32_ps(
        _mm256_srai_epi32(_mm256_sll_epi32(vr, _mm_cvtsi32_si128(28 - 4 * j)), 28));
  }
}

template <bool kAsym, unsigned J>
__m256 code_f32_c(__m256i v, __m256i vr) {
  if constexpr (kAsym) {
    const __m256i s = J == 0 ? v : _mm256_srli_epi32(v, 4 * J);
    return _mm256_cvtepi32_ps(_mm256_and_si256(s, _mm256_set1_epi32(0xF)));
  } else {
    const __m256i s = J == 7 ? vr : _mm256_slli_epi32(vr, 28 - 4 * J);
    return _mm256_cvtepi32_ps(_mm256_srai_epi32(s, 28));
  }
}

template <int MB, bool kAsym>
void f32_int4_block(const uint8_t* block, const float* const (&x)[MB], size_t col0, size_t valid,
                    __m256 z, __m256 (&acc)[MB][f32_chains<MB>()]) {
  constexpr int kCh = f32_chains<MB>();
  const __m256i flip = _mm256_set1_epi32(static_cast<int>(0x88888888U));
  if (valid == kBlockCols) {
    unroll(std::make_index_sequence<4>{}, [&](auto tc) {
      constexpr size_t t = decltype(tc)::value;
      const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(block + 32 * t));
      const __m256i vr = kAsym ? v : _mm256_xor_si256(v, flip);
      unroll(std::make_index_sequence<8>{}, [&](auto jc) {
        constexpr unsigned j = decltype(jc)::value;
        const size_t col = col0 + int4_block_col(t, j / 2, j % 2);
        __m256 w = code_f32_c<kAsym, j>(v, vr);
        if constexpr (kAsym) w = _mm256_sub_ps(w, z);
        constexpr int ch = (t * 8 + j) % kCh;
        for (int m = 0; m < MB; ++m) {
          acc[m][ch] = _mm256_fmadd_ps(w, _mm256_set1_ps(x[m][col]), acc[m][ch]);
        }
      });
    });
    return;
  }
  for (size_t c = 0; c < valid; ++c) {
    const size_t t = (c % 16) / 4;
    const int j = static_cast<int>(2 * (c % 4) + c / 16);
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(block + 32 * t));
    __m256 w = code_f32<kAsym>(v, _mm256_xor_si256(v, flip), j);
    if constexpr (kAsym) w = _mm256_sub_ps(w, z);
    for (int m = 0; m < MB; ++m) {
      acc[m][0] = _mm256_fmadd_ps(w, _mm256_set1_ps(x[m][col0 + c]), acc[m][0]);
    }
  }
}

template <int MB>
void f32_int8_block(const uint8_t* block, const float* const (&x)[MB], size_t col0, size_t valid,
                    __m256 (&acc)[MB][f32_chains<MB>()]) {
  constexpr int kCh = f32_chains<MB>();
  if (valid == kBlockCols) {
    unroll(std::make_index_sequence<8>{}, [&](auto tc) {
      constexpr size_t t = decltype(tc)::value;
      const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(block + 32 * t));
      unroll(std::make_index_sequence<4>{}, [&](auto kc) {
        constexpr unsigned k = decltype(kc)::value;
        const __m256i sv = k == 3 ? v : _mm256_slli_epi32(v, 24 - 8 * k);
        const __m256 w = _mm256_cvtepi32_ps(_mm256_srai_epi32(sv, 24));
        constexpr int ch = (t * 4 + k) % kCh;
        for (int m = 0; m < MB; ++m) {
          acc[m][ch] = _mm256_fmadd_ps(w, _mm256_set1_ps(x[m][col0 + 4 * t + k]), acc[m][ch]);
        }
      });
    });
    return;
  }
  for (size_t c = 0; c < valid; ++c) {
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(block + 32 * (c / 4)));
    const __m256i sv = _mm256_sll_epi32(v, _mm_cvtsi32_si128(static_cast<int>(24 - 8 * (c % 4))));
    const __m256 w = _mm256_cvtepi32_ps(_mm256_srai_epi32(sv, 24));
    for (int m = 0; m < MB; ++m) {
      acc[m][0] = _mm256_fmadd_ps(w, _mm256_set1_ps(x[m][col0 + c]), acc[m][0]);
    }
  }
}

template <int MB, bool kInt4, bool kAsym>
MQ_FLATTEN void f32_tile(const X86Layout& l, const uint8_t* packed, size_t tile, const float* x,
                         size_t cols, const float* bias, float* y, size_t rows, LaneRange lanes) {
  constexpr int kCh = f32_chains<MB>();
  const float* xs[MB];
  for (int m = 0; m < MB; ++m) xs[m] = x + m * cols;
  const uint8_t* base = packed + tile * l.tile_bytes;
  const uint8_t* end = packed + l.total_bytes;
  __m256 out[MB];
  for (int m = 0; m < MB; ++m) out[m] = _mm256_setzero_ps();
  for (size_t g = 0; g < l.groups; ++g) {
    const uint8_t* blocks = base + l.group_offset(g);
    const size_t gcols = l.cols_of(g);
    __m256 z = _mm256_setzero_ps();
    if constexpr (kAsym) {
      z = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(
          _mm_loadl_epi64(reinterpret_cast<const __m128i*>(base + g * kTile))));
    }
    __m256 acc[MB][kCh];
    for (int m = 0; m < MB; ++m) {
      for (int c = 0; c < kCh; ++c) acc[m][c] = _mm256_setzero_ps();
    }
    for (size_t b = 0; b < l.blocks_of(g); ++b) {
      const size_t valid =
          gcols - b * kBlockCols < kBlockCols ? gcols - b * kBlockCols : kBlockCols;
      const size_t col0 = g * l.group + b * kBlockCols;
      prefetch_block<kPrefetchBytes, kInt4 ? kInt4BlockBytes : kInt8BlockBytes>(
          blocks + b * l.block_bytes, end);
      if constexpr (kInt4) {
        f32_int4_block<MB, kAsym>(blocks + b * l.block_bytes, xs, col0, valid, z, acc);
      } else {
        f32_int8_block<MB>(blocks + b * l.block_bytes, xs, col0, valid, acc);
      }
    }
    const __m256 scale = _mm256_loadu_ps(reinterpret_cast<const float*>(base + l.scales_offset(g)));
    for (int m = 0; m < MB; ++m) {
      __m256 s = acc[m][0];
      for (int c = 1; c < kCh; ++c) s = _mm256_add_ps(s, acc[m][c]);
      out[m] = _mm256_fmadd_ps(s, scale, out[m]);
    }
  }
  store_tile<MB>(out, bias, y, rows, tile, lanes);
}

// --------------------------------------------------------------------------------------------
// The GemvKernel entry points.

template <class Fn>
void batch_passes(size_t batch, Fn&& fn) {
  for (size_t b0 = 0; b0 < batch; b0 += kMaxBatch) {
    switch (batch - b0 < kMaxBatch ? batch - b0 : kMaxBatch) {
      case 1: fn(std::integral_constant<int, 1>{}, b0); break;
      case 2: fn(std::integral_constant<int, 2>{}, b0); break;
      case 3: fn(std::integral_constant<int, 3>{}, b0); break;
      default: fn(std::integral_constant<int, 4>{}, b0); break;
    }
  }
}

template <bool kInt4, bool kAsym>
void f32_rows(const X86Layout& l, const GemvShape& s, const uint8_t* p, const float* x,
              size_t batch, const float* bias, float* y, size_t row_begin, size_t row_end) {
  for (size_t tile = row_begin / kTile; tile * kTile < row_end; ++tile) {
    const LaneRange lanes = row_lanes(tile, row_begin, row_end);
    batch_passes(batch, [&](auto mb, size_t b0) {
      f32_tile<decltype(mb)::value, kInt4, kAsym>(l, p, tile, x + b0 * s.cols, s.cols, bias,
                                                  y + b0 * s.rows, s.rows, lanes);
    });
  }
}

size_t packed_bytes(const GemvShape& s) { return x86_layout(s, kTile).total_bytes; }

void pack(const GemvShape& s, const void* codes, const float* scales, const uint8_t* zero_points,
          void* packed) {
  x86_pack(x86_layout(s, kTile), s, codes, scales, zero_points, packed);
}

void unpack(const GemvShape& s, const void* packed, void* codes, float* scales,
            uint8_t* zero_points) {
  x86_unpack(x86_layout(s, kTile), s, packed, codes, scales, zero_points);
}

size_t act_bytes(const GemvShape& s, size_t batch) {
  return x86_act_bytes(x86_layout(s, kTile), batch);
}

void quantize_act(const GemvShape& s, const float* x, size_t batch, void* act) {
  const X86Layout l = x86_layout(s, kTile);
  const size_t stride = act_blocks(l) * sizeof(ActBlock);
  for (size_t b = 0; b < batch; ++b) {
    quantize_act_row(l, x + b * s.cols, l.asym ? 1 : (l.int4 ? 8 : 0),
                     static_cast<uint8_t*>(act) + b * stride);
  }
}

void gemm_f32(const GemvShape& s, const void* packed, const float* x, size_t batch,
              const float* bias, float* y, size_t row_begin, size_t row_end) {
  if (row_begin >= row_end) return;
  const X86Layout l = x86_layout(s, kTile);
  const auto* p = static_cast<const uint8_t*>(packed);
  with_codes(l, [&](auto codes) {
    constexpr Codes kCodes = decltype(codes)::value;
    f32_rows<int4_codes(kCodes), asym_codes(kCodes)>(l, s, p, x, batch, bias, y, row_begin,
                                                     row_end);
  });
}

void gemm_int8(const GemvShape& s, const void* packed, const void* act, size_t batch,
               const float* bias, float* y, size_t row_begin, size_t row_end) {
  if (row_begin >= row_end) return;
  const X86Layout l = x86_layout(s, kTile);
  const size_t stride = act_blocks(l) * sizeof(ActBlock);
  const auto* p = static_cast<const uint8_t*>(packed);
  const auto* a = static_cast<const uint8_t*>(act);
  with_codes(l, [&](auto codes) {
    constexpr Codes kCodes = decltype(codes)::value;
    const auto one = [&](size_t tile) {
      const size_t set[1] = {tile};
      const LaneRange lanes[1] = {row_lanes(tile, row_begin, row_end)};
      batch_passes(batch, [&](auto mb, size_t b0) {
        int8_tiles<kCodes, decltype(mb)::value, 1>(l, p, set, a + b0 * stride, stride, bias,
                                                   y + b0 * s.rows, s.rows, lanes);
      });
    };
    // One vector: two tiles at a time (see x86_gemv_avx512.h above gemm_int8).
    visit_tiles(
        row_begin, row_end, kTile, batch == 1,
        [&](const size_t(&set)[kTileStreams]) {
          LaneRange lanes[kTileStreams];
          for (size_t n = 0; n < kTileStreams; ++n)
            lanes[n] = row_lanes(set[n], row_begin, row_end);
          int8_tiles<kCodes, 1, kTileStreams>(l, p, set, a, stride, bias, y, s.rows, lanes);
        },
        one);
  });
}

}  // namespace

extern const GemvKernel gemv_avx2 = {Isa::avx2,    "avx2",       x86_supports, kTile,
                                     packed_bytes, pack,         unpack,       gemm_f32,
                                     act_bytes,    quantize_act, gemm_int8};

}  // namespace mq::kernels
