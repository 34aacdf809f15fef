// Scalar reference of the gemv family. Its packed layout is the canonical format itself
// (canonical_layout.h), and its arithmetic is the definition of both compute modes:
//
//   F32:  y[n] = bias[n] + sum_g scale[n][g] * sum_{c in g} (q[n][c] - zp[n][g]) * x[c]
//   INT8: x is cut into blocks of kActBlock columns that restart at every group; each block b gets
//         sx[b] = absmax / 127 and qx = clamp(round(x * (1 / sx[b])), -127, 127), then
//         y[n] = bias[n] + sum_g scale[n][g] * sum_b sx[b] * sum_{c in b} (q[n][c] - zp[n][g]) *
//         qx[c] with the inner sums in exact int32.
#include <cmath>
#include <cstring>

#include "common/formats.h"
#include "common/quant_rules.h"
#include "gemv/canonical_layout.h"
#include "gemv/gemv.h"

namespace mq::kernels {
namespace {

bool supports_all(const GemvShape& /*shape*/) { return true; }

size_t packed_bytes(const GemvShape& s) { return canonical_layout(s).total_bytes; }

void pack(const GemvShape& s, const void* codes, const float* scales, const uint8_t* zero_points,
          void* packed) {
  const CanonicalLayout l = canonical_layout(s);
  auto* base = static_cast<uint8_t*>(packed);
  std::memcpy(base, codes, s.rows * l.code_row_bytes);
  std::memset(base + s.rows * l.code_row_bytes, 0, l.scales_offset - s.rows * l.code_row_bytes);
  std::memcpy(base + l.scales_offset, scales, s.rows * l.groups * sizeof(float));
  if (l.total_bytes > l.zero_points_offset) {
    std::memcpy(base + l.zero_points_offset, zero_points, s.rows * l.groups);
  }
}

void unpack(const GemvShape& s, const void* packed, void* codes, float* scales,
            uint8_t* zero_points) {
  const CanonicalLayout l = canonical_layout(s);
  const auto* base = static_cast<const uint8_t*>(packed);
  std::memcpy(codes, base, s.rows * l.code_row_bytes);
  std::memcpy(scales, base + l.scales_offset, s.rows * l.groups * sizeof(float));
  if (l.total_bytes > l.zero_points_offset) {
    std::memcpy(zero_points, base + l.zero_points_offset, s.rows * l.groups);
  }
}

// Code of column c in a row of the layout, as a signed integer before the zero point.
int weight_code(const GemvShape& s, const uint8_t* row, size_t c) {
  if (s.format == Format::int8_rows) return static_cast<int8_t>(row[c]);
  const uint8_t byte = row[c / 2];
  const int nibble = c % 2 == 0 ? byte & 0xF : byte >> 4;
  if (s.scheme == Scheme::asymmetric) return nibble;
  return nibble >= 8 ? nibble - 16 : nibble;
}

struct RowView {
  const uint8_t* codes;
  const float* scales;
  const uint8_t* zero_points;  // null when symmetric
};

// `packed` is never null (the caller allocated it); saying so keeps the static analyzer from
// exploring a null layout.
__attribute__((nonnull)) RowView row_view(const CanonicalLayout& l, const void* packed, size_t n) {
  const auto* base = static_cast<const uint8_t*>(packed);
  const uint8_t* zero_points =
      l.total_bytes > l.zero_points_offset ? base + l.zero_points_offset + n * l.groups : nullptr;
  return {base + n * l.code_row_bytes,
          reinterpret_cast<const float*>(base + l.scales_offset) + n * l.groups, zero_points};
}

void gemm_f32(const GemvShape& s, const void* packed, const float* x, size_t batch,
              const float* bias, float* y, size_t row_begin, size_t row_end) {
  const CanonicalLayout l = canonical_layout(s);
  for (size_t b = 0; b < batch; ++b) {
    const float* xb = x + b * s.cols;
    for (size_t n = row_begin; n < row_end; ++n) {
      const RowView v = row_view(l, packed, n);
      float acc = 0.0F;
      for (size_t g = 0; g < l.groups; ++g) {
        const size_t begin = g * s.group;
        const size_t end = begin + s.group < s.cols ? begin + s.group : s.cols;
        const int zp = v.zero_points != nullptr ? v.zero_points[g] : 0;
        float sum = 0.0F;
        for (size_t c = begin; c < end; ++c) {
          sum += static_cast<float>(weight_code(s, v.codes, c) - zp) * xb[c];
        }
        acc += sum * v.scales[g];
      }
      y[b * s.rows + n] = acc + (bias != nullptr ? bias[n] : 0.0F);
    }
  }
}

// Activation workspace: per batch entry, int8 codes [cols] then float block scales
// [groups * act_blocks_per_group(group)] at a 4-byte aligned offset.
struct ActLayout {
  size_t blocks;       // per batch entry
  size_t codes_bytes;  // per batch entry, rounded up to 4
  size_t entry_bytes;
};

ActLayout act_layout(const GemvShape& s) {
  ActLayout a{};
  a.blocks = groups_per_row(s.cols, s.group) * act_blocks_per_group(s.group);
  a.codes_bytes = ceil_div(s.cols, 4) * 4;
  a.entry_bytes = a.codes_bytes + a.blocks * sizeof(float);
  return a;
}

size_t act_bytes(const GemvShape& s, size_t batch) { return act_layout(s).entry_bytes * batch; }

void quantize_act(const GemvShape& s, const float* x, size_t batch, void* act) {
  const ActLayout a = act_layout(s);
  const size_t groups = groups_per_row(s.cols, s.group);
  const size_t bpg = act_blocks_per_group(s.group);
  for (size_t b = 0; b < batch; ++b) {
    const float* xb = x + b * s.cols;
    auto* entry = static_cast<uint8_t*>(act) + b * a.entry_bytes;
    auto* q = reinterpret_cast<int8_t*>(entry);
    auto* sx = reinterpret_cast<float*>(entry + a.codes_bytes);
    for (size_t g = 0; g < groups; ++g) {
      const size_t group_end = (g + 1) * s.group < s.cols ? (g + 1) * s.group : s.cols;
      for (size_t j = 0; j < bpg; ++j) {
        const size_t begin = g * s.group + j * kActBlock;
        const size_t end = begin + kActBlock < group_end ? begin + kActBlock
                                                         : group_end;  // empty past a short group
        float absmax = 0.0F;
        for (size_t c = begin; c < end; ++c) absmax = std::fmax(absmax, std::fabs(xb[c]));
        const GroupParams p = symmetric_params(absmax, 127.0F);
        sx[g * bpg + j] = p.scale;
        for (size_t c = begin; c < end; ++c) {
          q[c] = static_cast<int8_t>(quantize_value(xb[c], p, -127.0F, 127.0F));
        }
      }
    }
  }
}

void gemm_int8(const GemvShape& s, const void* packed, const void* act, size_t batch,
               const float* bias, float* y, size_t row_begin, size_t row_end) {
  const CanonicalLayout l = canonical_layout(s);
  const ActLayout a = act_layout(s);
  const size_t bpg = act_blocks_per_group(s.group);
  for (size_t b = 0; b < batch; ++b) {
    const auto* entry = static_cast<const uint8_t*>(act) + b * a.entry_bytes;
    const auto* q = reinterpret_cast<const int8_t*>(entry);
    const auto* sx = reinterpret_cast<const float*>(entry + a.codes_bytes);
    for (size_t n = row_begin; n < row_end; ++n) {
      const RowView v = row_view(l, packed, n);
      float acc = 0.0F;
      for (size_t g = 0; g < l.groups; ++g) {
        const size_t group_end = (g + 1) * s.group < s.cols ? (g + 1) * s.group : s.cols;
        const int zp = v.zero_points != nullptr ? v.zero_points[g] : 0;
        float group_sum = 0.0F;
        for (size_t j = 0; j < bpg; ++j) {
          const size_t begin = g * s.group + j * kActBlock;
          const size_t end = begin + kActBlock < group_end ? begin + kActBlock : group_end;
          int32_t dot = 0;
          for (size_t c = begin; c < end; ++c) dot += (weight_code(s, v.codes, c) - zp) * q[c];
          group_sum += sx[g * bpg + j] * static_cast<float>(dot);
        }
        acc += v.scales[g] * group_sum;
      }
      y[b * s.rows + n] = acc + (bias != nullptr ? bias[n] : 0.0F);
    }
  }
}

}  // namespace

extern const GemvKernel gemv_scalar = {Isa::scalar,  "scalar",     supports_all, 1,
                                       packed_bytes, pack,         unpack,       gemm_f32,
                                       act_bytes,    quantize_act, gemm_int8};

}  // namespace mq::kernels
