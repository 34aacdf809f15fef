// The AVX-512 gemv kernels on the tiles of x86_gemv_layout.h (R = 16 rows, one 32-bit lane per
// row), for avx512.cpp (AVX512BW: maddubs + madd) and avx512vnni.cpp (VPDPBUSD / VPDPWSSD); kVnni
// picks the integer dot product. Included only by those two translation units, which compile it
// with their own flags; everything is in an anonymous namespace (see common/formats.h).
//
// INT8 mode, one tile and one 32-column block: a chunk (64 bytes = 16 rows x 8 codes) gives two
// vectors of unsigned codes u (low / high nibbles, 16 rows x 4 columns each); each is multiplied
// with the block's 4 activation codes of those columns broadcast to all lanes, so every lane sums
// its own row and no horizontal reduction is ever needed. Per block and row:
//   dot = sum_c u[c] q[c] + z * (-sum_c q[c]) = sum_c (u[c] - z) q[c]   (exact int32)
// with z = zero point (asymmetric), 8 (symmetric, u = q + 8) or 128 (int8 rows, u = q ^ 0x80);
// then, in the scalar reference's float order, gsum += sx * float(dot) per block and
// acc += scale * gsum per group, so the INT8 mode is bit-identical to the scalar reference.
//
// Overflow (non-VNNI path, VPMADDUBSW saturates its int16 pair sums): u in [0, 15] and q in
// [-127, 127], so one pair is at most 2 * 15 * 127 = 3810 in magnitude and the 8 VPMADDUBSW of a
// block (16 products per int16 lane) sum to at most 16 * 15 * 127 = 30480 < 32767: the int16
// adds cannot wrap and the pairs never saturate. The correction z * (-sum q) is VPMADDWD of
// (z, 0) with (-sum q as int16, its sign word), or for symmetric codes the precomputed -8 * sum q:
// z <= 255, |sum q| <= 32 * 127 = 4064 < 32768. int8 rows use |w| (<= 128) times sign(w) * q: a
// pair is at most 2 * 128 * 127 = 32512 < 32767, and each VPMADDUBSW result goes through VPMADDWD
// to int32 at once. VPDPBUSD (VNNI) does not saturate: it adds the four u8 x s8 products into
// int32, at most 32 * 255 * 127 per block.
#ifndef MONOQUANT_KERNELS_GEMV_X86_GEMV_AVX512_H
#define MONOQUANT_KERNELS_GEMV_X86_GEMV_AVX512_H

#include <cstddef>
#include <cstdint>
#include <utility>

#include "common/quant_rules.h"
#include "common/x86_avx512_intrinsics.h"
#include "common/x86_in_register.h"
#include "gemv/x86_gemv_layout.h"

namespace mq::kernels {
namespace {  // NOLINT(cert-dcl59-cpp,google-build-namespaces): internal linkage is the point

inline constexpr size_t kTile = 16;
inline constexpr int kMaxBatch = 8;  // batch entries computed per pass over a tile

template <size_t... Is, class F>
void unroll(std::index_sequence<Is...> /*unused*/, F&& f) {
  (f(std::integral_constant<size_t, Is>{}), ...);
}

inline __m512i bcast32(const void* p) { return _mm512_set1_epi32(static_cast<int>(load_u32(p))); }

inline __mmask16 lane_mask(size_t n) {
  return n >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1U << n) - 1U);
}

// Rows of tile `tile` that [row_begin, row_end) covers, as a lane mask.
inline __mmask16 row_mask(size_t tile, size_t row_begin, size_t row_end) {
  const size_t first = tile * kTile;
  const size_t lo = row_begin > first ? row_begin - first : 0;
  const size_t hi = row_end - first < kTile ? row_end - first : kTile;
  return static_cast<__mmask16>(lane_mask(hi) & ~lane_mask(lo));
}

// Software prefetch distance along a tile stream. With a batch the kernel is compute-bound and its
// out-of-order window, full of activation loads and VPDPBUSD, reaches only ~1 KiB ahead: without
// prefetching, memory time and compute time added up (4096 x 11008, M = 8 took 3.3x M = 1; with
// 4 KiB ahead 1.4x). The F32 mode of one vector, compute-bound at about the DRAM bandwidth of one
// core, needs it just as much: 8 KiB ahead streamed at 0.70 of the read ceiling, 4 KiB at 0.62,
// 16 KiB no better than 8, and one prefetch per two lines 0.50. The INT8 mode of one vector gained
// from the non-temporal hint (x86_gemv_layout.h): 0.78-0.88 -> 0.85-1.02 on 4096 x 4096 and
// 4096 x 11008, where a T0 prefetch made it slower.
inline constexpr size_t kPrefetchBytes = 8192;

inline constexpr size_t kInt4BlockBytes = 16 * kTile;
inline constexpr size_t kInt8BlockBytes = 32 * kTile;

// --------------------------------------------------------------------------------------------
// INT8 mode.

// The 8 unsigned code vectors of one INT4 block: u[2t] = low nibbles of chunk t (columns 4t..4t+3),
// u[2t+1] = high nibbles (columns 16+4t..16+4t+3). With kHighX16 the high nibbles stay in place
// (u[2t+1] = 16 * nibble, one AND instead of a shift and an AND); dot_int4_block then divides
// their sum by 16 once per block.
template <bool kHighX16>
inline void unpack_int4_block(const uint8_t* block, __m512i u[8]) {
  const __m512i low = _mm512_set1_epi8(0x0F);
  const __m512i high = _mm512_set1_epi8(static_cast<char>(0xF0));
  for (size_t t = 0; t < 4; ++t) {
    const __m512i v = x86::in_register(_mm512_loadu_si512(block + 64 * t));  // one load, two ANDs
    u[2 * t] = _mm512_and_si512(v, low);
    u[2 * t + 1] =
        kHighX16 ? _mm512_and_si512(v, high) : _mm512_and_si512(_mm512_srli_epi16(v, 4), low);
  }
}

// One activation record (ActBlock) broadcast to every lane: q[i] = the 4 codes at byte 4i (INT4:
// q[t] pairs with the low nibbles of chunk t, q[4 + t] with its high nibbles; int8 rows: q[t] with
// chunk t), corr = the record's word at +36 and sx its scale. One vector loads them once per block
// for all the tiles it runs in lockstep; a batch loads each entry's right before its dot.
struct ActBcast {
  __m512i q[8];
  __m512i corr;
  __m512 sx;
};

inline ActBcast bcast_act(const uint8_t* act) {
  ActBcast a;
  for (size_t i = 0; i < 8; ++i) a.q[i] = bcast32(act + 4 * i);
  a.corr = bcast32(act + 36);
  a.sx = _mm512_set1_ps(load_f32(act + 32));
  return a;
}

// The exact block dot of every row: sum over the block of u * q per lane plus the zero-point
// term. corr = -z * sum(q) when z is the same for every row (symmetric INT4: z = 8; INT8 rows on
// VNNI: z = 128), so that it is simply the starting value of the sum; asymmetric INT4 keeps
// -sum(q) there and multiplies it with the zero points of the rows (VPDPWSSD / VPMADDWD of (z, 0)
// words). kChains independent sums hide the VPDPBUSD latency for one vector in one tile; two
// tiles or a batch have independent sums across them already.
//
// kHighX16 (VNNI only, see unpack_int4_block): the high nibbles' sum is 16 times the true one and
// runs as a second chain; an arithmetic shift by 4 divides it exactly (it is a multiple of 16, at
// most 16 * 16 * 15 * 128 = 491520 in magnitude). maddubs could not take such codes: 240 * 127 * 2
// overflows its 16-bit sums.
template <bool kVnni, bool kAsym, int kChains, bool kHighX16>
__m512i dot_int4_block(const __m512i u[8], const ActBcast& a, __m512i z) {
  static_assert(kVnni || !kHighX16, "maddubs saturates on 16 * nibble");
  if constexpr (kVnni) {
    __m512i a0 = kAsym ? _mm512_dpwssd_epi32(_mm512_setzero_si512(), z, a.corr) : a.corr;
    if constexpr (kHighX16) {
      __m512i a1 = _mm512_dpbusd_epi32(_mm512_setzero_si512(), u[1], a.q[4]);
      a0 = _mm512_dpbusd_epi32(a0, u[0], a.q[0]);
      for (size_t t = 1; t < 4; ++t) {
        a0 = _mm512_dpbusd_epi32(a0, u[2 * t], a.q[t]);
        a1 = _mm512_dpbusd_epi32(a1, u[2 * t + 1], a.q[4 + t]);
      }
      return _mm512_add_epi32(a0, _mm512_srai_epi32(a1, 4));
    } else if constexpr (kChains == 1) {
      for (size_t t = 0; t < 4; ++t) {
        a0 = _mm512_dpbusd_epi32(a0, u[2 * t], a.q[t]);
        a0 = _mm512_dpbusd_epi32(a0, u[2 * t + 1], a.q[4 + t]);
      }
      return a0;
    } else {
      __m512i a1 = _mm512_dpbusd_epi32(_mm512_setzero_si512(), u[1], a.q[4]);
      a0 = _mm512_dpbusd_epi32(a0, u[0], a.q[0]);
      a0 = _mm512_dpbusd_epi32(a0, u[2], a.q[1]);
      a1 = _mm512_dpbusd_epi32(a1, u[3], a.q[5]);
      a0 = _mm512_dpbusd_epi32(a0, u[4], a.q[2]);
      a1 = _mm512_dpbusd_epi32(a1, u[5], a.q[6]);
      a0 = _mm512_dpbusd_epi32(a0, u[6], a.q[3]);
      a1 = _mm512_dpbusd_epi32(a1, u[7], a.q[7]);
      return _mm512_add_epi32(a0, a1);
    }
  } else {
    __m512i s0 = _mm512_maddubs_epi16(u[0], a.q[0]);
    __m512i s1 = _mm512_maddubs_epi16(u[1], a.q[4]);
    s0 = _mm512_add_epi16(s0, _mm512_maddubs_epi16(u[2], a.q[1]));
    s1 = _mm512_add_epi16(s1, _mm512_maddubs_epi16(u[3], a.q[5]));
    s0 = _mm512_add_epi16(s0, _mm512_maddubs_epi16(u[4], a.q[2]));
    s1 = _mm512_add_epi16(s1, _mm512_maddubs_epi16(u[5], a.q[6]));
    s0 = _mm512_add_epi16(s0, _mm512_maddubs_epi16(u[6], a.q[3]));
    s1 = _mm512_add_epi16(s1, _mm512_maddubs_epi16(u[7], a.q[7]));
    const __m512i d = _mm512_madd_epi16(_mm512_add_epi16(s0, s1), _mm512_set1_epi16(1));
    return _mm512_add_epi32(d, kAsym ? _mm512_madd_epi16(z, a.corr) : a.corr);
  }
}

// The exact block dot of int8 codes (8 chunks of 16 rows x 4 columns). VNNI: u = w ^ 0x80 = w + 128
// and the record's corr = -128 * sum(q); otherwise |w| times q negated where w < 0 (corr unused).
template <bool kVnni>
__m512i dot_int8_block(const uint8_t* block, const ActBcast& a) {
  if constexpr (kVnni) {
    const __m512i flip = _mm512_set1_epi8(static_cast<char>(0x80));
    __m512i a0 = a.corr;
    __m512i a1 = _mm512_setzero_si512();
    for (size_t t = 0; t < 8; t += 2) {
      const __m512i u0 = _mm512_xor_si512(_mm512_loadu_si512(block + 64 * t), flip);
      const __m512i u1 = _mm512_xor_si512(_mm512_loadu_si512(block + 64 * (t + 1)), flip);
      a0 = _mm512_dpbusd_epi32(a0, u0, a.q[t]);
      a1 = _mm512_dpbusd_epi32(a1, u1, a.q[t + 1]);
    }
    return _mm512_add_epi32(a0, a1);
  } else {
    const __m512i ones = _mm512_set1_epi16(1);
    __m512i acc = _mm512_setzero_si512();
    for (size_t t = 0; t < 8; ++t) {
      const __m512i w = _mm512_loadu_si512(block + 64 * t);
      const __m512i q = a.q[t];
      const __m512i sq = _mm512_mask_sub_epi8(q, _mm512_movepi8_mask(w), _mm512_setzero_si512(), q);
      const __m512i p = _mm512_maddubs_epi16(_mm512_abs_epi8(w), sq);
      acc = _mm512_add_epi32(acc, _mm512_madd_epi16(p, ones));
    }
    return acc;
  }
}

// y rows of one tile for MB batch entries: y[m][r] = acc[m][r] + bias[r], masked.
template <int MB>
void store_tile(const __m512 (&acc)[MB], const float* bias, float* y, size_t rows, size_t tile,
                __mmask16 mask) {
  const __m512 b =
      bias != nullptr ? _mm512_maskz_loadu_ps(mask, bias + tile * kTile) : _mm512_setzero_ps();
  for (int m = 0; m < MB; ++m) {
    _mm512_mask_storeu_ps(y + m * rows + tile * kTile, mask, _mm512_add_ps(acc[m], b));
  }
}

// The zero points of group g for the 16 rows of the asymmetric tile at `tile_base`, as int32 lanes.
// The tile kernels load them per block (an L1 hit): a stack array z[NT] of __m512i set before the
// block loop gave wrong asymmetric results in the ASan build (GCC 12, -O2 with
// -fsanitize=address,undefined; not in Release, nor in AVX2's 32-byte version). Not isolated
// further.
inline __m512i tile_zero_points(const uint8_t* tile_base, size_t g) {
  return _mm512_cvtepu8_epi32(
      _mm_loadu_si128(reinterpret_cast<const __m128i*>(tile_base + g * kTile)));
}

// NT tiles (16 rows each) for MB batch entries, their blocks visited in lockstep: one vector
// (MB = 1) runs two tiles from far-apart parts of the buffer at once, so that two streams are in
// flight on the core instead of one (see gemm_int8), and loads the block's activation broadcasts
// once for both.
template <bool kVnni, Codes kCodes, int MB, int NT>
MQ_FLATTEN void int8_tiles(const X86Layout& l, const uint8_t* packed, const size_t (&tiles)[NT],
                           const uint8_t* act, size_t act_stride, const float* bias, float* y,
                           size_t rows, const __mmask16 (&masks)[NT]) {
  constexpr bool kInt4 = int4_codes(kCodes);
  constexpr bool kAsym = asym_codes(kCodes);
  // One vector: high nibbles unshifted (unpack_int4_block). A batch keeps the shift, which it
  // shares among its entries, rather than a shift and an add per entry.
  constexpr bool kHighX16 = kVnni && MB == 1;
  const uint8_t* end = packed + l.total_bytes;
  const uint8_t* base[NT];
  __m512 acc[NT][MB];
  for (int n = 0; n < NT; ++n) {
    base[n] = packed + tiles[n] * l.tile_bytes;
    for (int m = 0; m < MB; ++m) acc[n][m] = _mm512_setzero_ps();
  }
  size_t act_block = 0;
  for (size_t g = 0; g < l.groups; ++g) {
    const size_t nb = l.blocks_of(g);
    const size_t offset = l.group_offset(g);
    __m512 gsum[NT][MB];
    for (int n = 0; n < NT; ++n) {
      for (int m = 0; m < MB; ++m) gsum[n][m] = _mm512_setzero_ps();
    }
    for (size_t b = 0; b < nb; ++b) {
      const uint8_t* record = act + (act_block + b) * sizeof(ActBlock);
      // One vector loads its broadcasts once for the NT tiles; a batch loads each entry's at its
      // dot (loaded ahead, the first entry's were spilled to the stack).
      const ActBcast shared = MB == 1 ? bcast_act(record) : ActBcast{};
      for (int n = 0; n < NT; ++n) {
        const uint8_t* block = base[n] + offset + b * l.block_bytes;
        prefetch_block<kPrefetchBytes, kInt4 ? kInt4BlockBytes : kInt8BlockBytes>(block, end);
        __m512i u[8];
        __m512i zn = _mm512_setzero_si512();
        if constexpr (kInt4) unpack_int4_block<kHighX16>(block, u);
        if constexpr (kAsym) zn = tile_zero_points(base[n], g);
        unroll(std::make_index_sequence<MB>{}, [&](auto mc) {
          constexpr int m = decltype(mc)::value;
          const ActBcast a = MB == 1 ? shared : bcast_act(record + m * act_stride);
          __m512i dot;
          if constexpr (kInt4) {
            // One tile of one vector splits its sum into two chains (VPDPBUSD latency 4).
            constexpr int kChains = MB * NT == 1 ? 2 : 1;
            dot = dot_int4_block<kVnni, kAsym, kChains, kHighX16>(u, a, zn);
          } else {
            dot = dot_int8_block<kVnni>(block, a);
          }
          gsum[n][m] = _mm512_add_ps(gsum[n][m], _mm512_mul_ps(a.sx, _mm512_cvtepi32_ps(dot)));
        });
      }
    }
    act_block += nb;
    for (int n = 0; n < NT; ++n) {
      const __m512 scale =
          _mm512_loadu_ps(reinterpret_cast<const float*>(base[n] + l.scales_offset(g)));
      for (int m = 0; m < MB; ++m) {
        acc[n][m] = _mm512_add_ps(acc[n][m], _mm512_mul_ps(scale, gsum[n][m]));
      }
    }
  }
  for (int n = 0; n < NT; ++n) store_tile<MB>(acc[n], bias, y, rows, tiles[n], masks[n]);
}

// Activations of one batch entry: blocks of 32 columns restarting at every group.
// corr_scale: the z of the record's corr = -z * sum(q) (see dot_int4_block).
inline void quantize_act_row(const X86Layout& l, const float* x, int32_t corr_scale, uint8_t* act) {
  for (size_t g = 0; g < l.groups; ++g) {
    const size_t cols = l.cols_of(g);
    for (size_t b = 0; b < l.blocks_of(g); ++b) {
      const float* xb = x + g * l.group + b * kBlockCols;
      const size_t valid = cols - b * kBlockCols < kBlockCols ? cols - b * kBlockCols : kBlockCols;
      const __mmask16 m0 = lane_mask(valid);
      const __mmask16 m1 = lane_mask(valid > 16 ? valid - 16 : 0);
      const __m512 x0 = _mm512_maskz_loadu_ps(m0, xb);
      const __m512 x1 = _mm512_maskz_loadu_ps(m1, xb + 16);
      const float absmax =
          _mm512_reduce_max_ps(_mm512_max_ps(_mm512_abs_ps(x0), _mm512_abs_ps(x1)));
      const GroupParams p = symmetric_params(absmax, 127.0F);
      const __m512 inv = _mm512_set1_ps(p.inv);
      const __m512i lo = _mm512_set1_epi32(-127);
      const __m512i hi = _mm512_set1_epi32(127);
      const __m512i q0 = _mm512_min_epi32(
          hi, _mm512_max_epi32(
                  lo, _mm512_cvt_roundps_epi32(_mm512_mul_ps(x0, inv),
                                               _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)));
      const __m512i q1 = _mm512_min_epi32(
          hi, _mm512_max_epi32(
                  lo, _mm512_cvt_roundps_epi32(_mm512_mul_ps(x1, inv),
                                               _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(act), _mm512_cvtsepi32_epi8(q0));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(act + 16), _mm512_cvtsepi32_epi8(q1));
      const int32_t corr = -corr_scale * _mm512_reduce_add_epi32(_mm512_add_epi32(q0, q1));
      std::memcpy(act + 32, &p.scale, sizeof(float));
      std::memcpy(act + 36, &corr, sizeof(int32_t));
      act += sizeof(ActBlock);
    }
  }
}

// --------------------------------------------------------------------------------------------
// F32 mode.

// Chains of independent FMAs per batch entry. One vector: 4 per tile, which leaves the registers
// for four tiles in lockstep (f32_rows). One tile alone would want 8 (from L1 on the Zen 5 test
// machine, cycles per tile-block: one tile 24.6 with 8 chains against 30.8 with 4, which wait on
// the FMA latency; two tiles 24.5 against 25.5; four tiles with 4 chains 28), but the chains of a
// tile must not depend on how many tiles run beside it.
template <int MB>
constexpr int f32_chains() {
  return MB <= 2 ? 4 : (MB <= 4 ? 2 : 1);
}

// acc + w * x[0] in every lane, with the broadcast of x[0] folded into the FMA (`{1to16}`).
// Written as asm because GCC, given one broadcast shared by two tiles' FMAs, broadcasts all 32 of
// a block's x into registers up front and spills a third of them to the stack (a store per block
// and a reload per FMA), where a folded broadcast needs no register at all.
inline __m512 fmadd_bcast(__m512 w, const float* x, __m512 acc) {
  __asm__("vfmadd231ps %[x]%{1to16%}, %[w], %[acc]" : [acc] "+v"(acc) : [w] "v"(w), [x] "m"(*x));
  return acc;
}

// One INT4 block of one tile, `valid` columns (32 on the fast path), MB batch entries.
template <int MB, bool kAsym>
void f32_int4_block(const uint8_t* block, const float* const (&x)[MB], size_t col0, size_t valid,
                    __m512 table, __m512 z, __m512 (&acc)[MB][f32_chains<MB>()]) {
  constexpr int kCh = f32_chains<MB>();
  if (valid == kBlockCols) {
    unroll(std::make_index_sequence<4>{}, [&](auto tc) {
      constexpr size_t t = decltype(tc)::value;
      const __m512i v = _mm512_loadu_si512(block + 64 * t);
      unroll(std::make_index_sequence<8>{}, [&](auto jc) {
        constexpr unsigned j = decltype(jc)::value;
        const size_t col = col0 + int4_block_col(t, j / 2, j % 2);
        const __m512i idx = j == 0 ? v : _mm512_srli_epi32(v, 4 * j);
        __m512 w = _mm512_permutexvar_ps(idx, table);
        if constexpr (kAsym) w = _mm512_sub_ps(w, z);
        constexpr int ch = (t * 8 + j) % kCh;
        for (int m = 0; m < MB; ++m) acc[m][ch] = fmadd_bcast(w, &x[m][col], acc[m][ch]);
      });
    });
    return;
  }
  for (size_t c = 0; c < valid; ++c) {
    const size_t t = (c % 16) / 4;
    const int shift = static_cast<int>(8 * (c % 4) + 4 * (c / 16));
    const __m512i v = _mm512_loadu_si512(block + 64 * t);
    const __m512i idx = _mm512_srl_epi32(v, _mm_cvtsi32_si128(shift));
    __m512 w = _mm512_permutexvar_ps(idx, table);
    if constexpr (kAsym) w = _mm512_sub_ps(w, z);
    for (int m = 0; m < MB; ++m) {
      acc[m][0] = _mm512_fmadd_ps(w, _mm512_set1_ps(x[m][col0 + c]), acc[m][0]);
    }
  }
}

// One int8-rows block of one tile.
template <int MB>
void f32_int8_block(const uint8_t* block, const float* const (&x)[MB], size_t col0, size_t valid,
                    __m512 (&acc)[MB][f32_chains<MB>()]) {
  constexpr int kCh = f32_chains<MB>();
  if (valid == kBlockCols) {
    unroll(std::make_index_sequence<8>{}, [&](auto tc) {
      constexpr size_t t = decltype(tc)::value;
      const __m512i v = _mm512_loadu_si512(block + 64 * t);
      unroll(std::make_index_sequence<4>{}, [&](auto kc) {
        constexpr unsigned k = decltype(kc)::value;
        const __m512i sv = k == 3 ? v : _mm512_slli_epi32(v, 24 - 8 * k);
        const __m512 w = _mm512_cvtepi32_ps(_mm512_srai_epi32(sv, 24));
        constexpr int ch = (t * 4 + k) % kCh;
        for (int m = 0; m < MB; ++m)
          acc[m][ch] = fmadd_bcast(w, &x[m][col0 + 4 * t + k], acc[m][ch]);
      });
    });
    return;
  }
  for (size_t c = 0; c < valid; ++c) {
    const __m512i v = _mm512_loadu_si512(block + 64 * (c / 4));
    const __m512i sv = _mm512_sll_epi32(v, _mm_cvtsi32_si128(static_cast<int>(24 - 8 * (c % 4))));
    const __m512 w = _mm512_cvtepi32_ps(_mm512_srai_epi32(sv, 24));
    for (int m = 0; m < MB; ++m) {
      acc[m][0] = _mm512_fmadd_ps(w, _mm512_set1_ps(x[m][col0 + c]), acc[m][0]);
    }
  }
}

// NT tiles (16 rows each) for MB batch entries, their blocks visited in lockstep (see f32_rows).
template <int MB, bool kInt4, bool kAsym, int NT>
MQ_FLATTEN void f32_tiles(const X86Layout& l, const uint8_t* packed, const size_t (&tiles)[NT],
                          const float* x, size_t cols, const float* bias, float* y, size_t rows,
                          const __mmask16 (&masks)[NT]) {
  constexpr int kCh = f32_chains<MB>();
  // table[u] = the code's value before the zero point: u - 8 (symmetric) or u (asymmetric).
  const __m512 table = kAsym
                           ? _mm512_setr_ps(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
                           : _mm512_setr_ps(-8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7);
  const float* xs[MB];
  for (int m = 0; m < MB; ++m) xs[m] = x + m * cols;
  const uint8_t* end = packed + l.total_bytes;
  const uint8_t* base[NT];
  __m512 out[NT][MB];
  for (int n = 0; n < NT; ++n) {
    base[n] = packed + tiles[n] * l.tile_bytes;
    for (int m = 0; m < MB; ++m) out[n][m] = _mm512_setzero_ps();
  }
  for (size_t g = 0; g < l.groups; ++g) {
    const size_t offset = l.group_offset(g);
    const size_t gcols = l.cols_of(g);
    __m512 acc[NT][MB][kCh];
    for (int n = 0; n < NT; ++n) {
      for (int m = 0; m < MB; ++m) {
        for (int c = 0; c < kCh; ++c) acc[n][m][c] = _mm512_setzero_ps();
      }
    }
    for (size_t b = 0; b < l.blocks_of(g); ++b) {
      const size_t valid =
          gcols - b * kBlockCols < kBlockCols ? gcols - b * kBlockCols : kBlockCols;
      const size_t col0 = g * l.group + b * kBlockCols;
      // Unrolled at compile time: a run-time loop over the tiles is too large for GCC to unroll,
      // and then keeps acc[][][] in memory (a load and a store of every sum per block).
      unroll(std::make_index_sequence<NT>{}, [&](auto nc) {
        constexpr size_t n = decltype(nc)::value;
        const uint8_t* block = base[n] + offset + b * l.block_bytes;
        prefetch_block<kPrefetchBytes, kInt4 ? kInt4BlockBytes : kInt8BlockBytes>(block, end);
        if constexpr (kInt4) {
          const __m512 z =
              kAsym ? _mm512_cvtepi32_ps(tile_zero_points(base[n], g)) : _mm512_setzero_ps();
          f32_int4_block<MB, kAsym>(block, xs, col0, valid, table, z, acc[n]);
        } else {
          f32_int8_block<MB>(block, xs, col0, valid, acc[n]);
        }
      });
    }
    for (int n = 0; n < NT; ++n) {
      const __m512 scale =
          _mm512_loadu_ps(reinterpret_cast<const float*>(base[n] + l.scales_offset(g)));
      for (int m = 0; m < MB; ++m) {
        __m512 s = acc[n][m][0];
        for (int c = 1; c < kCh; ++c) s = _mm512_add_ps(s, acc[n][m][c]);
        out[n][m] = _mm512_fmadd_ps(s, scale, out[n][m]);
      }
    }
  }
  for (int n = 0; n < NT; ++n) store_tile<MB>(out[n], bias, y, rows, tiles[n], masks[n]);
}

// --------------------------------------------------------------------------------------------
// The GemvKernel entry points.

inline size_t packed_bytes(const GemvShape& s) { return x86_layout(s, kTile).total_bytes; }

inline void pack(const GemvShape& s, const void* codes, const float* scales,
                 const uint8_t* zero_points, void* packed) {
  x86_pack(x86_layout(s, kTile), s, codes, scales, zero_points, packed);
}

inline void unpack(const GemvShape& s, const void* packed, void* codes, float* scales,
                   uint8_t* zero_points) {
  x86_unpack(x86_layout(s, kTile), s, packed, codes, scales, zero_points);
}

inline size_t act_bytes(const GemvShape& s, size_t batch) {
  return x86_act_bytes(x86_layout(s, kTile), batch);
}

template <bool kVnni>
void quantize_act(const GemvShape& s, const float* x, size_t batch, void* act) {
  const X86Layout l = x86_layout(s, kTile);
  const size_t stride = act_blocks(l) * sizeof(ActBlock);
  const int32_t corr_scale = l.asym ? 1 : (l.int4 ? 8 : (kVnni ? 128 : 0));
  for (size_t b = 0; b < batch; ++b) {
    quantize_act_row(l, x + b * s.cols, corr_scale, static_cast<uint8_t*>(act) + b * stride);
  }
}

// Calls fn(std::integral_constant<int, MB>, b0) for the batch in passes of at most kMaxBatch
// entries.
template <class Fn>
void batch_passes(size_t batch, Fn&& fn) {
  for (size_t b0 = 0; b0 < batch; b0 += kMaxBatch) {
    switch (batch - b0 < kMaxBatch ? batch - b0 : kMaxBatch) {
      case 1: fn(std::integral_constant<int, 1>{}, b0); break;
      case 2: fn(std::integral_constant<int, 2>{}, b0); break;
      case 3: fn(std::integral_constant<int, 3>{}, b0); break;
      case 4: fn(std::integral_constant<int, 4>{}, b0); break;
      case 5: fn(std::integral_constant<int, 5>{}, b0); break;
      case 6: fn(std::integral_constant<int, 6>{}, b0); break;
      case 7: fn(std::integral_constant<int, 7>{}, b0); break;
      default: fn(std::integral_constant<int, 8>{}, b0); break;
    }
  }
}

// Tiles that the F32 mode of one vector runs in lockstep, in the whole range and in each task of
// a split: the loop is compute-bound at about one core's DRAM bandwidth, and more streams in flight
// keep memory busy while it computes. Zen 5 test machine, ratio to the same-run read ceiling,
// 4096x4096 / 4096x11008 / 14336x4096, medians of 3 alternating runs (ninth session): 1 thread
// streamed 0.64 / 0.64 / 0.65 with two tiles (8 chains) -> 0.81 / 0.81 / 0.81 with four (4
// chains), from cache 283 -> 327, 829 -> 873, 1108 -> 1153 us; 2 threads (four tiles per task
// against two) streamed 248 -> 224, 744 -> 564, 855 -> 755 us, from cache 156 -> 173, 427 -> 494,
// 574 -> 629 us. Three tiles with 8 chains streamed no better than two and lost 10-20% from cache.
// Weights streamed from memory are the case a model's GEMV lives in, so four it is. One tile at a
// time per task was slower still (a single stream read even a cache-resident tile at about 22
// GB/s, whatever the prefetch hint). A tile has the same f32_chains() sums in the same order
// however many run beside it, so the result depends neither on the grouping nor on the thread
// count. A larger batch runs its passes tile by tile, so that the tile is still in cache for the
// next pass.
inline constexpr size_t kF32Streams = 4;

template <bool kInt4, bool kAsym>
void f32_rows(const X86Layout& l, const GemvShape& s, const uint8_t* p, const float* x,
              size_t batch, const float* bias, float* y, size_t row_begin, size_t row_end) {
  const auto one = [&](size_t tile) {
    const size_t set[1] = {tile};
    const __mmask16 masks[1] = {row_mask(tile, row_begin, row_end)};
    batch_passes(batch, [&](auto mb, size_t b0) {
      f32_tiles<decltype(mb)::value, kInt4, kAsym, 1>(l, p, set, x + b0 * s.cols, s.cols, bias,
                                                      y + b0 * s.rows, s.rows, masks);
    });
  };
  visit_tiles<kF32Streams>(
      row_begin, row_end, kTile, batch == 1,
      [&](const size_t(&set)[kF32Streams]) {
        __mmask16 masks[kF32Streams];
        for (size_t n = 0; n < kF32Streams; ++n) masks[n] = row_mask(set[n], row_begin, row_end);
        f32_tiles<1, kInt4, kAsym, kF32Streams>(l, p, set, x, s.cols, bias, y, s.rows, masks);
      },
      one);
}

inline void gemm_f32(const GemvShape& s, const void* packed, const float* x, size_t batch,
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

// One vector runs the tiles of [row_begin, row_end) kTileStreams (2) at a time, tiles i and i +
// part in lockstep (int8_tiles), so that one core has two streams from memory in flight instead of
// one and two independent dependency chains from cache. Measured on the Zen 5 test machine (INT8
// VNNI, ratio to the same-run ceiling, 4096x4096 / 11008x4096 / 4096x11008 / 14336x4096, medians of
// alternating runs): one tile at a time, t1 stream 0.77/0.71/0.61/0.69; two 0.87-0.94 / 0.86-0.91
// / 0.81-0.82 / 0.85-0.96, t1 cached 0.64-0.67 -> 0.71-0.91, t2 cached 0.58-0.72 -> 0.70-0.78;
// three or four tiles streamed no better than two and lost 10-25% from cache. A batch runs its
// passes tile by tile, so that the tile is still in cache for the next pass.
template <bool kVnni>
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
      const __mmask16 masks[1] = {row_mask(tile, row_begin, row_end)};
      batch_passes(batch, [&](auto mb, size_t b0) {
        int8_tiles<kVnni, kCodes, decltype(mb)::value, 1>(l, p, set, a + b0 * stride, stride, bias,
                                                          y + b0 * s.rows, s.rows, masks);
      });
    };
    visit_tiles(
        row_begin, row_end, kTile, batch == 1,
        [&](const size_t(&set)[kTileStreams]) {
          __mmask16 masks[kTileStreams];
          for (size_t n = 0; n < kTileStreams; ++n) masks[n] = row_mask(set[n], row_begin, row_end);
          int8_tiles<kVnni, kCodes, 1, kTileStreams>(l, p, set, a, stride, bias, y, s.rows, masks);
        },
        one);
  });
}

}  // namespace
}  // namespace mq::kernels

#endif
