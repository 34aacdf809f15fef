#include "support/reference.h"

#include <algorithm>
#include <cfloat>
#include <cmath>

namespace mq::test {
namespace {

float clampf(float v, float lo, float hi) { return std::min(std::max(v, lo), hi); }

}  // namespace

Int4Matrix quantize_int4_ref(const std::vector<float>& w, size_t rows, size_t cols, size_t group,
                             bool asymmetric) {
  Int4Matrix m;
  m.rows = rows;
  m.cols = cols;
  m.group = group;
  m.asymmetric = asymmetric;
  const size_t groups = m.groups();
  m.codes.resize(rows * cols);
  m.scales.resize(rows * groups);
  m.zero_points.assign(rows * groups, 0);
  for (size_t r = 0; r < rows; ++r) {
    for (size_t g = 0; g < groups; ++g) {
      const size_t b = g * group, e = std::min(cols, b + group);
      float mn = w[r * cols + b], mx = mn;
      for (size_t c = b; c < e; ++c) {
        mn = std::min(mn, w[r * cols + c]);
        mx = std::max(mx, w[r * cols + c]);
      }
      float scale = 0, zp = 0;
      if (asymmetric) {
        const float lo = std::min(mn, 0.0F), hi = std::max(mx, 0.0F);
        scale = (hi - lo) / 15.0F;
        if (scale >= FLT_MIN) zp = clampf(std::nearbyint(-lo * (1.0F / scale)), 0, 15);
      } else {
        scale = std::max(std::fabs(mn), std::fabs(mx)) / 7.0F;
      }
      if (!(scale >= FLT_MIN)) {  // zero or subnormal group
        scale = 0;
        zp = 0;
      }
      const float inv = scale == 0 ? 0.0F : 1.0F / scale;
      m.scales[r * groups + g] = scale;
      m.zero_points[r * groups + g] = static_cast<int>(zp);
      for (size_t c = b; c < e; ++c) {
        const float q = std::nearbyint(w[r * cols + c] * inv) + zp;
        m.codes[r * cols + c] = static_cast<int>(asymmetric ? clampf(q, 0, 15) : clampf(q, -8, 7));
      }
    }
  }
  return m;
}

void quantize_int8_rows_ref(const std::vector<float>& w, size_t rows, size_t cols,
                            std::vector<int8_t>* codes, std::vector<float>* scales) {
  codes->resize(rows * cols);
  scales->resize(rows);
  for (size_t r = 0; r < rows; ++r) {
    float absmax = 0;
    for (size_t c = 0; c < cols; ++c) absmax = std::max(absmax, std::fabs(w[r * cols + c]));
    float scale = absmax / 127.0F;
    if (!(scale >= FLT_MIN)) scale = 0;
    const float inv = scale == 0 ? 0.0F : 1.0F / scale;
    (*scales)[r] = scale;
    for (size_t c = 0; c < cols; ++c) {
      (*codes)[r * cols + c] =
          static_cast<int8_t>(clampf(std::nearbyint(w[r * cols + c] * inv), -127, 127));
    }
  }
}

std::vector<uint8_t> pack_codes(const Int4Matrix& m) {
  const size_t row_bytes = (m.cols + 1) / 2;
  std::vector<uint8_t> out(m.rows * row_bytes, 0);
  for (size_t r = 0; r < m.rows; ++r) {
    for (size_t c = 0; c < m.cols; ++c) {
      const auto nibble = static_cast<uint8_t>(m.codes[r * m.cols + c] & 0xF);
      out[r * row_bytes + c / 2] |= static_cast<uint8_t>(c % 2 == 0 ? nibble : nibble << 4);
    }
  }
  return out;
}

Int4Matrix unpack_codes(const std::vector<uint8_t>& packed, size_t rows, size_t cols, size_t group,
                        bool asymmetric) {
  Int4Matrix m;
  m.rows = rows;
  m.cols = cols;
  m.group = group;
  m.asymmetric = asymmetric;
  m.codes.resize(rows * cols);
  const size_t row_bytes = (cols + 1) / 2;
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < cols; ++c) {
      const uint8_t byte = packed[r * row_bytes + c / 2];
      const int nibble = c % 2 == 0 ? byte & 0xF : byte >> 4;
      m.codes[r * cols + c] = asymmetric ? nibble : (nibble >= 8 ? nibble - 16 : nibble);
    }
  }
  return m;
}

std::vector<float> dequantize_ref(const Int4Matrix& m) {
  std::vector<float> out(m.rows * m.cols);
  const size_t groups = m.groups();
  for (size_t r = 0; r < m.rows; ++r) {
    for (size_t c = 0; c < m.cols; ++c) {
      const size_t g = r * groups + c / m.group;
      out[r * m.cols + c] =
          static_cast<float>(m.codes[r * m.cols + c] - m.zero_points[g]) * m.scales[g];
    }
  }
  return out;
}

double sqnr_db(const std::vector<float>& w, const std::vector<float>& wq) {
  double signal = 0, noise = 0;
  for (size_t i = 0; i < w.size(); ++i) {
    const double d = static_cast<double>(w[i]) - static_cast<double>(wq[i]);
    signal += static_cast<double>(w[i]) * w[i];
    noise += d * d;
  }
  return 10.0 * std::log10(signal / noise);
}

GemvReference gemv_f64(const std::vector<float>& w, size_t rows, size_t cols, const float* x,
                       const float* bias) {
  GemvReference ref;
  ref.y.resize(rows);
  ref.abs_sum.resize(rows);
  for (size_t r = 0; r < rows; ++r) {
    double acc = bias != nullptr ? bias[r] : 0.0,
           abs_acc = bias != nullptr ? std::fabs(bias[r]) : 0.0;
    for (size_t c = 0; c < cols; ++c) {
      const double p = static_cast<double>(w[r * cols + c]) * static_cast<double>(x[c]);
      acc += p;
      abs_acc += std::fabs(p);
    }
    ref.y[r] = acc;
    ref.abs_sum[r] = abs_acc;
  }
  return ref;
}

GemvReference gemv_int8_mode_f64(const Int4Matrix& m, const float* x, const float* bias) {
  constexpr size_t kBlock = 32;
  const size_t groups = m.groups();
  // Quantize x as the INT8 mode defines it (float32 rules).
  std::vector<int> qx(m.cols);
  std::vector<float> sx(m.cols);  // the scale of the block each column belongs to
  for (size_t g = 0; g < groups; ++g) {
    const size_t group_end = std::min(m.cols, (g + 1) * m.group);
    for (size_t b = g * m.group; b < group_end; b += kBlock) {
      const size_t e = std::min(group_end, b + kBlock);
      float absmax = 0;
      for (size_t c = b; c < e; ++c) absmax = std::max(absmax, std::fabs(x[c]));
      float scale = absmax / 127.0F;
      if (!(scale >= FLT_MIN)) scale = 0;
      const float inv = scale == 0 ? 0.0F : 1.0F / scale;
      for (size_t c = b; c < e; ++c) {
        qx[c] = static_cast<int>(clampf(std::nearbyint(x[c] * inv), -127, 127));
        sx[c] = scale;
      }
    }
  }
  GemvReference ref;
  ref.y.resize(m.rows);
  ref.abs_sum.resize(m.rows);
  for (size_t r = 0; r < m.rows; ++r) {
    double acc = bias != nullptr ? bias[r] : 0.0,
           abs_acc = bias != nullptr ? std::fabs(bias[r]) : 0.0;
    for (size_t g = 0; g < groups; ++g) {
      const size_t group_end = std::min(m.cols, (g + 1) * m.group);
      const double sw = m.scales[r * groups + g];
      const int zp = m.zero_points[r * groups + g];
      for (size_t b = g * m.group; b < group_end; b += kBlock) {
        const size_t e = std::min(group_end, b + kBlock);
        long long dot = 0;
        for (size_t c = b; c < e; ++c)
          dot += static_cast<long long>(m.codes[r * m.cols + c] - zp) * qx[c];
        const double term = sw * static_cast<double>(sx[b]) * static_cast<double>(dot);
        acc += term;
        abs_acc += std::fabs(term);
      }
    }
    ref.y[r] = acc;
    ref.abs_sum[r] = abs_acc;
  }
  return ref;
}

double summation_tolerance(size_t k, double abs_sum) {
  return 2.0 * static_cast<double>(k + 2) * FLT_EPSILON * abs_sum + 1e-30;
}

}  // namespace mq::test
