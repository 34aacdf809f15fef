// The scalar variant's packed layout: the canonical buffers back to back, codes first, then the
// scales (at a 4-byte aligned offset), then the zero points. Internal linkage (see
// common/formats.h).
#ifndef MONOQUANT_KERNELS_GEMV_CANONICAL_LAYOUT_H
#define MONOQUANT_KERNELS_GEMV_CANONICAL_LAYOUT_H

#include <cstddef>
#include <cstdint>

#include "common/formats.h"
#include "gemv/gemv.h"

namespace mq::kernels {

struct CanonicalLayout {
  size_t code_row_bytes;  // bytes of one row of codes
  size_t groups;          // scales (and zero points) per row
  size_t scales_offset;
  size_t zero_points_offset;
  size_t total_bytes;
};

static inline CanonicalLayout canonical_layout(const GemvShape& s) {
  CanonicalLayout l{};
  l.code_row_bytes = s.format == Format::int4 ? int4_row_bytes(s.cols) : s.cols;
  l.groups = groups_per_row(s.cols, s.group);
  l.scales_offset = ceil_div(s.rows * l.code_row_bytes, 4) * 4;
  l.zero_points_offset = l.scales_offset + s.rows * l.groups * sizeof(float);
  const bool zps = s.format == Format::int4 && s.scheme == Scheme::asymmetric;
  l.total_bytes = l.zero_points_offset + (zps ? s.rows * l.groups : 0);
  return l;
}

}  // namespace mq::kernels

#endif
