// The packed weight layout and the INT8-mode activation workspace shared by the x86 gemv variants
// (avx2.cpp with tiles of 8 rows, avx512.cpp and avx512vnni.cpp with tiles of 16 rows), and their
// pack / unpack / activation-size code. Included only by those ISA translation units: everything
// here is in an anonymous namespace (internal linkage, one private copy per translation unit,
// compiled with that unit's flags), see common/formats.h.
//
// Layout (docs/gemv-x86.md has the picture). Rows are cut into tiles of R rows (R = one 32-bit lane
// per row of a vector register); the last tile is padded with rows of code 0 and scale 0. A tile is
// one contiguous stream, tiles follow each other:
//
//   tile   = [zero-point header, asymmetric only] group record 0, group record 1, ...
//   header = zp[g][r] bytes for every group g and lane r, padded to a multiple of 4R bytes
//   record = block 0, block 1, ... (code blocks of 32 columns), then float scale[r] (4R bytes)
//
// The columns of a group are padded to a multiple of 32 (a whole block); the last group gets one
// more block when an odd K would otherwise leave no slot for the canonical padding nibble, which is
// kept so that unpack returns exactly the bytes pack was given.
//
// INT4 block (16R bytes) = 4 chunks of 4R bytes; chunk t holds, for lane r, 4 bytes k = 0..3 at
// offset 4r + k whose low nibble is column 4t + k of the block and high nibble column 16 + 4t + k.
// A 32-bit lane of a chunk thus holds 8 codes of one row, and a chunk loaded as a vector gives
// every row's codes for 8 columns. Nibbles are stored as unsigned codes u in [0, 15]: asymmetric
// codes as they are, symmetric codes as q + 8 (the canonical nibble XOR 8), so that both schemes
// compute dot(u - z, x) with z = zero point or 8.
//
// INT8-rows block (32R bytes) = 8 chunks of 4R bytes; chunk t holds for lane r the int8 codes of
// columns 4t .. 4t + 3 at offset 4r. There is one group (K columns) and no header.
#ifndef MONOQUANT_KERNELS_GEMV_X86_GEMV_LAYOUT_H
#define MONOQUANT_KERNELS_GEMV_X86_GEMV_LAYOUT_H

#include <xmmintrin.h>  // _mm_prefetch

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "common/formats.h"
#include "gemv/gemv.h"

// The tile kernels are written with small helpers and compile-time unrolled lambdas; everything
// they call must be inlined into them (the accumulators live in registers only then: an outlined
// helper takes them by reference, through memory, which ran batches several times slower).
#if defined(__GNUC__)
#define MQ_FLATTEN __attribute__((flatten))
#else
#define MQ_FLATTEN
#endif

namespace mq::kernels {
namespace {  // NOLINT(cert-dcl59-cpp,google-build-namespaces): internal linkage is the point

inline constexpr size_t kBlockCols = kActBlock;  // 32

// Group sizes below this pad more than half of every code block; they run on the scalar variant.
inline constexpr size_t kMinFastGroup = 16;

struct X86Layout {
  size_t tile_rows;     // R
  size_t tiles;         // ceil(N / R)
  size_t groups;        // groups per row
  size_t group;         // G (K for int8_rows)
  size_t full_blocks;   // blocks of a full group: ceil(G / 32)
  size_t last_cols;     // columns of the last group
  size_t last_blocks;   // blocks of the last group that hold columns
  size_t last_slots;    // blocks stored for the last group (last_blocks, or one more)
  size_t block_bytes;   // one block of one tile: 16R (int4) or 32R (int8_rows)
  size_t chunk_bytes;   // 4R
  size_t header_bytes;  // zero points of a tile, padded; 0 when symmetric
  size_t group_bytes;   // record of a full group
  size_t last_bytes;    // record of the last group
  size_t tile_bytes;
  size_t total_bytes;
  bool int4;
  bool asym;

  // Offset of group g's record inside a tile.
  size_t group_offset(size_t g) const { return header_bytes + g * group_bytes; }
  size_t blocks_of(size_t g) const { return g + 1 == groups ? last_blocks : full_blocks; }
  size_t cols_of(size_t g) const { return g + 1 == groups ? last_cols : group; }
  // Scales of group g follow its code blocks.
  size_t scales_offset(size_t g) const {
    return group_offset(g) + (g + 1 == groups ? last_slots : full_blocks) * block_bytes;
  }
};

// The codes of a packed matrix, as a template parameter of the INT8-mode tile loops, so that each
// loop holds one kind's code only. With l.asym tested inside the block loop, GCC kept both kinds'
// registers live and spilled a block sum of one vector to the stack.
enum class Codes { int8_rows, int4_sym, int4_asym };
inline constexpr bool int4_codes(Codes c) { return c != Codes::int8_rows; }
inline constexpr bool asym_codes(Codes c) { return c == Codes::int4_asym; }

// Calls fn(std::integral_constant<Codes, kind>) with the kind of l.
template <class Fn>
void with_codes(const X86Layout& l, Fn&& fn) {
  if (!l.int4) {
    fn(std::integral_constant<Codes, Codes::int8_rows>{});
  } else if (l.asym) {
    fn(std::integral_constant<Codes, Codes::int4_asym>{});
  } else {
    fn(std::integral_constant<Codes, Codes::int4_sym>{});
  }
}

inline X86Layout x86_layout(const GemvShape& s, size_t tile_rows) {
  X86Layout l{};
  l.int4 = s.format == Format::int4;
  l.asym = l.int4 && s.scheme == Scheme::asymmetric;
  l.tile_rows = tile_rows;
  l.tiles = ceil_div(s.rows, tile_rows);
  l.group = l.int4 ? s.group : s.cols;
  l.groups = groups_per_row(s.cols, l.group);
  l.full_blocks = ceil_div(l.group, kBlockCols);
  l.last_cols = s.cols - (l.groups - 1) * l.group;
  l.last_blocks = ceil_div(l.last_cols, kBlockCols);
  const bool pad_nibble = l.int4 && s.cols % 2 == 1;
  l.last_slots = ceil_div(l.last_cols + (pad_nibble ? 1 : 0), kBlockCols);
  l.chunk_bytes = 4 * tile_rows;
  l.block_bytes = (l.int4 ? 4 : 8) * l.chunk_bytes;
  l.header_bytes = l.asym ? ceil_div(l.groups * tile_rows, l.chunk_bytes) * l.chunk_bytes : 0;
  l.group_bytes = l.full_blocks * l.block_bytes + l.chunk_bytes;
  l.last_bytes = l.last_slots * l.block_bytes + l.chunk_bytes;
  l.tile_bytes = l.header_bytes + (l.groups - 1) * l.group_bytes + l.last_bytes;
  l.total_bytes = l.tiles * l.tile_bytes;
  return l;
}

// Software prefetch of one code block's lines kDistance bytes further along its tile stream (tiles
// follow each other, so the stream runs on into the next tile). A fully unrolled run of
// prefetches, skipped near the end of the packed buffer instead of clamping every address: no
// address outside the caller's buffer is ever touched, even by a prefetch, and the last few KiB
// need none. (A clamped loop cost 7 instructions per line, as many as the kernel's own work.)
// The non-temporal hint: every code line is read once, and the activation records, read for every
// tile, stay in L1 instead of being pushed out by the stream (the INT8 mode of one vector streamed
// at 0.85-1.02 of the read ceiling with it, 0.78-0.88 without any prefetch, lower with T0).
template <size_t kDistance, size_t kBlockBytes>
inline void prefetch_block(const uint8_t* block, const uint8_t* end) {
  static_assert(kBlockBytes % 64 == 0, "whole cache lines");
  if (static_cast<size_t>(end - block) < kDistance + kBlockBytes) return;
  for (size_t i = 0; i < kBlockBytes; i += 64) {
    _mm_prefetch(reinterpret_cast<const char*>(block + kDistance + i), _MM_HINT_NTA);
  }
}

// Tiles that the INT8 mode of one vector reads at once (measured in x86_gemv_avx512.h, above
// gemm_int8; the AVX-512 F32 mode reads kF32Streams).
inline constexpr size_t kTileStreams = 2;

// The tiles (of tile_rows rows) that rows [row_begin, row_end) touch. With `in_streams`, NS at a
// time first: streams(set) with set[n] = i + n * part for every i of the first part, part =
// tiles / NS, so that the tiles of one call lie far apart in the packed buffer; a kernel that runs
// a set in lockstep keeps that many streams from memory in flight on its core and as many
// independent dependency chains. Then one(tile) for every tile left over (every tile without
// `in_streams`), in order.
template <size_t NS = kTileStreams, class Streams, class One>
void visit_tiles(size_t row_begin, size_t row_end, size_t tile_rows, bool in_streams,
                 Streams&& streams, One&& one) {
  const size_t first = row_begin / tile_rows;
  const size_t last = (row_end + tile_rows - 1) / tile_rows;
  const size_t part = in_streams ? (last - first) / NS : 0;
  for (size_t tile = first; tile < first + part; ++tile) {
    size_t set[NS];
    for (size_t n = 0; n < NS; ++n) set[n] = tile + n * part;
    streams(set);
  }
  for (size_t tile = first + NS * part; tile < last; ++tile) one(tile);
}

inline bool x86_supports(const GemvShape& s) {
  if (s.format == Format::int8_rows) return true;
  return s.group >= kMinFastGroup || s.cols <= s.group;
}

// Column (inside its 32-column block) of nibble `hi` of byte k of chunk t.
constexpr size_t int4_block_col(size_t t, size_t k, size_t hi) { return 16 * hi + 4 * t + k; }

// Visits every code byte of the layout: fn(row, g, c_lo, c_hi, offset) with the row (maybe a
// padding row >= N), the group, the columns inside the group of the byte's low and high nibble
// (int4; equal for int8_rows, one code per byte), and the byte's offset in the packed buffer.
template <class Fn>
void for_each_code_byte(const X86Layout& l, Fn&& fn) {
  const size_t chunks = l.int4 ? 4 : 8;
  for (size_t tile = 0; tile < l.tiles; ++tile) {
    for (size_t g = 0; g < l.groups; ++g) {
      const size_t slots = g + 1 == l.groups ? l.last_slots : l.full_blocks;
      for (size_t b = 0; b < slots; ++b) {
        const size_t base = tile * l.tile_bytes + l.group_offset(g) + b * l.block_bytes;
        for (size_t t = 0; t < chunks; ++t) {
          for (size_t r = 0; r < l.tile_rows; ++r) {
            for (size_t k = 0; k < 4; ++k) {
              const size_t at = base + t * l.chunk_bytes + 4 * r + k;
              const size_t c0 = b * kBlockCols;
              if (l.int4) {
                fn(tile * l.tile_rows + r, g, c0 + int4_block_col(t, k, 0),
                   c0 + int4_block_col(t, k, 1), at);
              } else {
                fn(tile * l.tile_rows + r, g, c0 + 4 * t + k, c0 + 4 * t + k, at);
              }
            }
          }
        }
      }
    }
  }
}

// Whether column c of group g has a canonical nibble / code: a real column, or the odd-K padding
// nibble (column K, just past the last group).
inline bool has_canonical_code(const X86Layout& l, const GemvShape& s, size_t g, size_t c) {
  if (c < l.cols_of(g)) return true;
  return l.int4 && s.cols % 2 == 1 && g + 1 == l.groups && c == l.last_cols;
}

inline void x86_pack(const X86Layout& l, const GemvShape& s, const void* codes, const float* scales,
                     const uint8_t* zero_points, void* packed) {
  auto* out = static_cast<uint8_t*>(packed);
  std::memset(out, 0, l.total_bytes);
  const auto* in = static_cast<const uint8_t*>(codes);
  const size_t row_bytes = l.int4 ? int4_row_bytes(s.cols) : s.cols;
  // Symmetric nibbles are stored as q + 8 = nibble ^ 8; padding slots hold canonical 0.
  const uint8_t flip = l.int4 && !l.asym ? 8 : 0;
  const auto nibble = [&](size_t row, size_t g, size_t c) -> uint8_t {
    if (row >= s.rows || !has_canonical_code(l, s, g, c)) return flip;
    const size_t col = g * l.group + c;
    return static_cast<uint8_t>(((in[row * row_bytes + col / 2] >> (4 * (col % 2))) & 0xF) ^ flip);
  };
  for_each_code_byte(l, [&](size_t row, size_t g, size_t c_lo, size_t c_hi, size_t at) {
    if (l.int4) {
      out[at] = static_cast<uint8_t>(nibble(row, g, c_lo) | (nibble(row, g, c_hi) << 4));
    } else if (row < s.rows && c_lo < l.cols_of(g)) {
      out[at] = in[row * row_bytes + c_lo];
    }
  });
  for (size_t tile = 0; tile < l.tiles; ++tile) {
    uint8_t* t = out + tile * l.tile_bytes;
    for (size_t r = 0; r < l.tile_rows; ++r) {
      const size_t row = tile * l.tile_rows + r;
      if (row >= s.rows) break;
      for (size_t g = 0; g < l.groups; ++g) {
        std::memcpy(t + l.scales_offset(g) + 4 * r, scales + row * l.groups + g, sizeof(float));
        if (l.asym) t[g * l.tile_rows + r] = zero_points[row * l.groups + g];
      }
    }
  }
}

inline void x86_unpack(const X86Layout& l, const GemvShape& s, const void* packed, void* codes,
                       float* scales, uint8_t* zero_points) {
  const auto* in = static_cast<const uint8_t*>(packed);
  auto* out = static_cast<uint8_t*>(codes);
  const size_t row_bytes = l.int4 ? int4_row_bytes(s.cols) : s.cols;
  const uint8_t flip = l.int4 && !l.asym ? 8 : 0;
  for (size_t tile = 0; tile < l.tiles; ++tile) {
    const uint8_t* t = in + tile * l.tile_bytes;
    for (size_t r = 0; r < l.tile_rows; ++r) {
      const size_t row = tile * l.tile_rows + r;
      if (row >= s.rows) break;
      uint8_t* dst = out + row * row_bytes;
      if (l.int4) std::memset(dst, 0, row_bytes);
      for (size_t g = 0; g < l.groups; ++g) {
        const size_t cols = l.cols_of(g);
        // The odd-K padding nibble is column K, just past the last group.
        const size_t stored = g + 1 == l.groups && l.int4 && s.cols % 2 == 1 ? cols + 1 : cols;
        for (size_t c = 0; c < stored; ++c) {
          const size_t b = c / kBlockCols;
          const size_t in_block = c % kBlockCols;
          const size_t col = g * l.group + c;
          const uint8_t* block = t + l.group_offset(g) + b * l.block_bytes;
          if (l.int4) {
            const size_t h = in_block / 16;
            const size_t tt = (in_block % 16) / 4;
            const size_t k = in_block % 4;
            const uint8_t v = static_cast<uint8_t>(
                ((block[tt * l.chunk_bytes + 4 * r + k] >> (4 * h)) & 0xF) ^ flip);
            dst[col / 2] = static_cast<uint8_t>(dst[col / 2] | (v << (4 * (col % 2))));
          } else {
            dst[col] = block[(in_block / 4) * l.chunk_bytes + 4 * r + in_block % 4];
          }
        }
        std::memcpy(scales + row * l.groups + g, t + l.scales_offset(g) + 4 * r, sizeof(float));
        if (l.asym) zero_points[row * l.groups + g] = t[g * l.tile_rows + r];
      }
    }
  }
}

// INT8-mode activation workspace: per batch entry, one 40-byte record per code block (the blocks
// restart at every group, as in the scalar reference; a block never spans two groups):
//   int8 q[32] (zero past the group's end), float sx (absmax / 127), int32 corr = -z * sum(q), with
//   z the variant's zero-point constant for the shape (1 when the zero points vary by row).
struct ActBlock {
  int8_t q[kBlockCols];
  float sx;
  int32_t corr;
};
static_assert(sizeof(ActBlock) == 40, "ActBlock is packed");

inline size_t act_blocks(const X86Layout& l) {
  return (l.groups - 1) * l.full_blocks + l.last_blocks;
}

inline size_t x86_act_bytes(const X86Layout& l, size_t batch) {
  return batch * act_blocks(l) * sizeof(ActBlock);
}

inline uint32_t load_u32(const void* p) {
  uint32_t v = 0;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

inline float load_f32(const void* p) {
  float v = 0;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

}  // namespace
}  // namespace mq::kernels

#endif
