// Scalar reference of the quantize family, written to read like docs/formats.md: for each group,
// find min and max (rejecting non-finite weights), derive the scale / inverse / zero point with
// quant_rules.h, then code every weight as clamp(round(w * inv) + zp, lo, hi).
#include <cmath>

#include "common/formats.h"
#include "common/quant_rules.h"
#include "quantize/quantize.h"

namespace mq::kernels {
namespace {

bool supports_all(size_t /*cols*/, size_t /*group*/) { return true; }

// Min and max of w[begin, end); false (and the offset) at the first non-finite value.
bool range_minmax(const float* w, size_t begin, size_t end, float* mn, float* mx, size_t* bad) {
  float lo = INFINITY;
  float hi = -INFINITY;
  for (size_t c = begin; c < end; ++c) {
    const float v = w[c];
    if (!is_finite(v)) {
      *bad = c;
      return false;
    }
    lo = v < lo ? v : lo;
    hi = v > hi ? v : hi;
  }
  *mn = lo;
  *mx = hi;
  return true;
}

QuantizeResult int4(const float* w, size_t rows, size_t cols, size_t group, Scheme scheme,
                    uint8_t* codes, float* scales, uint8_t* zero_points, size_t* bad_index) {
  const size_t groups = groups_per_row(cols, group);
  const size_t row_bytes = int4_row_bytes(cols);
  const bool asym = scheme == Scheme::asymmetric;
  const float code_lo = asym ? 0.0F : -8.0F;
  const float code_hi = asym ? 15.0F : 7.0F;
  for (size_t r = 0; r < rows; ++r) {
    const float* row = w + r * cols;
    uint8_t* out = codes + r * row_bytes;
    for (size_t g = 0; g < groups; ++g) {
      const size_t begin = g * group;
      const size_t end = begin + group < cols ? begin + group : cols;
      float mn = 0.0F;
      float mx = 0.0F;
      size_t bad = 0;
      if (!range_minmax(row, begin, end, &mn, &mx, &bad)) {
        *bad_index = r * cols + bad;
        return QuantizeResult::non_finite;
      }
      GroupParams p{};
      if (asym) {
        if (!asymmetric_params(mn, mx, &p)) {
          *bad_index = r * cols + begin;
          return QuantizeResult::range_overflow;
        }
        zero_points[r * groups + g] = static_cast<uint8_t>(p.zp);
      } else {
        p = symmetric_params(std::fmax(std::fabs(mn), std::fabs(mx)), 7.0F);
      }
      scales[r * groups + g] = p.scale;
      // A group may start at an odd column (odd group sizes), so nibbles are written one at a time.
      for (size_t c = begin; c < end; ++c) {
        const auto nibble = static_cast<uint8_t>(quantize_value(row[c], p, code_lo, code_hi) & 0xF);
        uint8_t& byte = out[c / 2];
        // An even column starts its byte afresh, which also leaves the padding nibble of an odd row
        // 0.
        byte = (c % 2 == 0) ? nibble : static_cast<uint8_t>((byte & 0x0F) | (nibble << 4));
      }
    }
  }
  return QuantizeResult::ok;
}

QuantizeResult int8_rows(const float* w, size_t rows, size_t cols, int8_t* codes, float* scales,
                         size_t* bad_index) {
  for (size_t r = 0; r < rows; ++r) {
    const float* row = w + r * cols;
    float mn = 0.0F;
    float mx = 0.0F;
    size_t bad = 0;
    if (!range_minmax(row, 0, cols, &mn, &mx, &bad)) {
      *bad_index = r * cols + bad;
      return QuantizeResult::non_finite;
    }
    const GroupParams p = symmetric_params(std::fmax(std::fabs(mn), std::fabs(mx)), 127.0F);
    scales[r] = p.scale;
    for (size_t c = 0; c < cols; ++c) {
      codes[r * cols + c] = static_cast<int8_t>(quantize_value(row[c], p, -127.0F, 127.0F));
    }
  }
  return QuantizeResult::ok;
}

}  // namespace

extern const QuantizeKernel quantize_scalar = {Isa::scalar, "scalar", supports_all, int4,
                                               int8_rows};

}  // namespace mq::kernels
