// The x86 gemv variants (avx2, avx512, avx512vnni), forced one by one, against the scalar
// reference and a float64 reference: packed layout round trips, F32 mode within the summation
// error bound, INT8 mode bit-identical to the scalar INT8 mode, the INT8-mode error against F32 on
// Gaussian data, extreme codes and activations (the int16 overflow cases), every tail of rows,
// columns, groups and batch, row splits (threads), and buffers that end at guard pages.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "common/formats.h"
#include "gemv/gemv.h"
#include "quantize/quantize.h"
#include "support/guarded_buffer.h"
#include "support/random_data.h"
#include "support/variants.h"

namespace mq::kernels {
namespace {

std::vector<const GemvKernel*> x86_variants() {
  std::vector<const GemvKernel*> v;
  const KernelList<GemvKernel> list = gemv_kernels();
  for (size_t i = 0; i < list.count; ++i) {
    const Isa isa = list[i].isa;
    if (isa == Isa::avx2 || isa == Isa::avx512 || isa == Isa::avx512vnni) v.push_back(&list[i]);
  }
  return v;
}

const GemvKernel& scalar_kernel() { return gemv_kernels()[0]; }

// A canonical matrix: codes, scales, zero points, and its float32 dequantization.
struct Matrix {
  GemvShape shape;
  std::vector<uint8_t> codes;
  std::vector<float> scales;
  std::vector<uint8_t> zero_points;  // empty unless asymmetric int4
  std::vector<float> dequant;        // [rows][cols], (q - zp) * scale in float32

  size_t groups() const { return groups_per_row(shape.cols, shape.group); }
  const uint8_t* zps() const { return zero_points.empty() ? nullptr : zero_points.data(); }
};

int canonical_code(const Matrix& m, size_t n, size_t c) {
  const GemvShape& s = m.shape;
  if (s.format == Format::int8_rows) return static_cast<int8_t>(m.codes[n * s.cols + c]);
  const uint8_t byte = m.codes[n * int4_row_bytes(s.cols) + c / 2];
  const int nib = c % 2 == 0 ? byte & 0xF : byte >> 4;
  if (s.scheme == Scheme::asymmetric) return nib;
  return nib >= 8 ? nib - 16 : nib;
}

void fill_dequant(Matrix* m) {
  const GemvShape& s = m->shape;
  m->dequant.assign(s.rows * s.cols, 0.0F);
  for (size_t n = 0; n < s.rows; ++n) {
    for (size_t c = 0; c < s.cols; ++c) {
      const size_t g = c / s.group;
      const int zp = m->zero_points.empty() ? 0 : m->zero_points[n * m->groups() + g];
      m->dequant[n * s.cols + c] =
          static_cast<float>(canonical_code(*m, n, c) - zp) * m->scales[n * m->groups() + g];
    }
  }
}

GemvShape make_shape(size_t rows, size_t cols, size_t group, Format format, Scheme scheme) {
  if (format == Format::int8_rows) return {rows, cols, cols, format, Scheme::symmetric};
  return {rows, cols, group, format, scheme};
}

// Random codes (every nibble / int8 value), scales spread over a few octaves, random zero points.
// `pad_nibble` is the odd-K padding nibble (canonical: 0).
Matrix random_matrix(const GemvShape& s, uint64_t salt, uint8_t pad_nibble = 0) {
  Matrix m;
  m.shape = s;
  const uint64_t seed = test::test_seed(salt);
  const size_t groups = groups_per_row(s.cols, s.group);
  if (s.format == Format::int4) {
    const size_t rb = int4_row_bytes(s.cols);
    m.codes = test::random_bytes(s.rows * rb, seed);
    if (s.cols % 2 == 1) {
      for (size_t n = 0; n < s.rows; ++n) {
        uint8_t& last = m.codes[n * rb + rb - 1];
        last = static_cast<uint8_t>((last & 0xF) | (pad_nibble << 4));
      }
    }
  } else {
    m.codes = test::random_bytes(s.rows * s.cols, seed);
    for (uint8_t& c : m.codes) {
      if (c == 0x80) c = 0x81;  // -128 is not an INT8-rows code
    }
  }
  const std::vector<float> u =
      test::random_floats(s.rows * groups, test::Distribution::uniform, seed + 1);
  m.scales.resize(s.rows * groups);
  for (size_t i = 0; i < m.scales.size(); ++i) {
    m.scales[i] = std::ldexp(0.5F + std::fabs(u[i]), static_cast<int>(i % 7) - 8);
  }
  if (!m.scales.empty()) m.scales[0] = 0.0F;  // a zero group
  if (s.format == Format::int4 && s.scheme == Scheme::asymmetric) {
    m.zero_points = test::random_bytes(s.rows * groups, seed + 2);
    for (uint8_t& z : m.zero_points) z &= 0xF;
  }
  fill_dequant(&m);
  return m;
}

// y = dequant(W) x + b in float64, and the matching bound on float32 summation error:
// (K + 2 * groups + 4) * 2^-24 * (sum |w x| + |b|).
void reference_f32(const Matrix& m, const float* x, size_t batch, const float* bias,
                   std::vector<double>* y, std::vector<double>* tol) {
  const GemvShape& s = m.shape;
  y->assign(batch * s.rows, 0.0);
  tol->assign(batch * s.rows, 0.0);
  const double u = std::ldexp(1.0, -24) * static_cast<double>(s.cols + 2 * m.groups() + 4);
  for (size_t b = 0; b < batch; ++b) {
    for (size_t n = 0; n < s.rows; ++n) {
      double sum = bias != nullptr ? bias[n] : 0.0;
      double mag = bias != nullptr ? std::fabs(bias[n]) : 0.0;
      for (size_t c = 0; c < s.cols; ++c) {
        const double p = static_cast<double>(m.dequant[n * s.cols + c]) * x[b * s.cols + c];
        sum += p;
        mag += std::fabs(p);
      }
      (*y)[b * s.rows + n] = sum;
      (*tol)[b * s.rows + n] = u * mag + 1e-30;
    }
  }
}

// A packed matrix in a buffer that ends at a guard page.
struct Packed {
  std::unique_ptr<test::GuardedBuffer> buf;
  const void* data() const { return buf->data(); }
};

// The x86 variants get buffers that end exactly at the guard page (any start alignment: they need
// none). The scalar reference, used only as the oracle, gets the 64-byte start alignment of the
// interface contract (kGemvBufferAlignment): its layout reads floats in place.
size_t buffer_bytes(const GemvKernel& k, size_t bytes) {
  if (k.isa != Isa::scalar) return bytes > 0 ? bytes : 1;
  return ceil_div(bytes > 0 ? bytes : 1, kGemvBufferAlignment) * kGemvBufferAlignment;
}

Packed pack_with(const GemvKernel& k, const Matrix& m) {
  Packed p;
  p.buf = std::make_unique<test::GuardedBuffer>(buffer_bytes(k, k.packed_bytes(m.shape)));
  k.pack(m.shape, m.codes.data(), m.scales.data(), m.zps(), p.buf->data());
  return p;
}

// Runs a mode on a guarded copy of x / bias into a guarded y, over the row ranges `splits`
// (consecutive boundaries, first 0, last rows).
std::vector<float> run(const GemvKernel& k, const Matrix& m, const Packed& p, bool int8,
                       const std::vector<float>& x, size_t batch, const std::vector<float>* bias,
                       const std::vector<size_t>& splits) {
  const GemvShape& s = m.shape;
  test::GuardedBuffer xg(batch * s.cols * sizeof(float));
  xg.fill(x.data(), batch * s.cols * sizeof(float));
  std::unique_ptr<test::GuardedBuffer> bg;
  if (bias != nullptr) {
    bg = std::make_unique<test::GuardedBuffer>(s.rows * sizeof(float));
    bg->fill(bias->data(), s.rows * sizeof(float));
  }
  const float* bp = bg ? bg->as<float>() : nullptr;
  test::GuardedBuffer yg(batch * s.rows * sizeof(float));
  std::memset(yg.data(), 0xFF, yg.size());  // NaN everywhere: every output must be written
  if (int8) {
    test::GuardedBuffer act(buffer_bytes(k, k.act_bytes(s, batch)));
    k.quantize_act(s, xg.as<float>(), batch, act.data());
    for (size_t i = 0; i + 1 < splits.size(); ++i) {
      k.gemm_int8(s, p.data(), act.data(), batch, bp, yg.as<float>(), splits[i], splits[i + 1]);
    }
  } else {
    for (size_t i = 0; i + 1 < splits.size(); ++i) {
      k.gemm_f32(s, p.data(), xg.as<float>(), batch, bp, yg.as<float>(), splits[i], splits[i + 1]);
    }
  }
  return std::vector<float>(yg.as<float>(), yg.as<float>() + batch * s.rows);
}

std::vector<size_t> whole(size_t rows) { return {0, rows}; }

// The INT8-mode scalar reference: scalar layout, scalar quantize_act and gemm_int8.
std::vector<float> scalar_int8(const Matrix& m, const std::vector<float>& x, size_t batch,
                               const std::vector<float>* bias) {
  const GemvKernel& ref = scalar_kernel();
  const Packed p = pack_with(ref, m);
  return run(ref, m, p, true, x, batch, bias, whole(m.shape.rows));
}

std::string describe(const GemvShape& s, size_t batch) {
  return std::to_string(s.rows) + "x" + std::to_string(s.cols) + " g" + std::to_string(s.group) +
         (s.format == Format::int8_rows ? " int8rows"
                                        : (s.scheme == Scheme::symmetric ? " sym" : " asym")) +
         " batch " + std::to_string(batch);
}

// Checks one shape in both modes against the references; with `bias`, and with one split of the
// rows at a row-tile boundary (two threads) that must give identical bits.
void check_shape(const GemvKernel& k, const GemvShape& s, size_t batch, uint64_t salt) {
  SCOPED_TRACE(describe(s, batch));
  ASSERT_TRUE(k.supports(s));
  const Matrix m = random_matrix(s, salt);
  const Packed p = pack_with(k, m);
  const std::vector<float> x =
      test::random_floats(batch * s.cols, test::Distribution::gaussian, test::test_seed(salt + 7));
  std::vector<float> bias =
      test::random_floats(s.rows, test::Distribution::gaussian, test::test_seed(salt + 9));
  const std::vector<float>* bp = salt % 2 == 0 ? &bias : nullptr;

  std::vector<double> ref;
  std::vector<double> tol;
  reference_f32(m, x.data(), batch, bp != nullptr ? bp->data() : nullptr, &ref, &tol);
  const std::vector<float> y = run(k, m, p, false, x, batch, bp, whole(s.rows));
  for (size_t i = 0; i < y.size(); ++i) {
    ASSERT_NEAR(y[i], ref[i], tol[i]) << "F32 mode, output " << i;
  }
  const std::vector<float> yi = run(k, m, p, true, x, batch, bp, whole(s.rows));
  const std::vector<float> yr = scalar_int8(m, x, batch, bp);
  for (size_t i = 0; i < yi.size(); ++i) {
    // Bit-identical: same block dots (exact int32) and the same float operations in the same order.
    ASSERT_EQ(yi[i], yr[i]) << "INT8 mode, output " << i;
  }
  // Two threads: a split at a row-tile boundary, and uneven ranges everywhere.
  if (s.rows > k.row_tile) {
    const size_t mid = (s.rows / 2 / k.row_tile) * k.row_tile;
    const std::vector<size_t> split = {0, mid > 0 ? mid : k.row_tile, s.rows};
    EXPECT_EQ(run(k, m, p, false, x, batch, bp, split), y);
    EXPECT_EQ(run(k, m, p, true, x, batch, bp, split), yi);
  }
  if (s.rows > 3) {
    const std::vector<size_t> odd = {0, 1, s.rows / 2 + 1, s.rows - 1, s.rows};
    EXPECT_EQ(run(k, m, p, false, x, batch, bp, odd), y);
    EXPECT_EQ(run(k, m, p, true, x, batch, bp, odd), yi);
  }
}

class GemvX86 : public ::testing::TestWithParam<const GemvKernel*> {};

constexpr Format kInt4 = Format::int4;
constexpr Format kInt8 = Format::int8_rows;
constexpr Scheme kSym = Scheme::symmetric;
constexpr Scheme kAsym = Scheme::asymmetric;

struct FormatCase {
  Format format;
  Scheme scheme;
};
constexpr FormatCase kFormats[] = {{kInt4, kSym}, {kInt4, kAsym}, {kInt8, kSym}};

// pack then unpack gives back the canonical bytes exactly, for every format, odd K (with a
// non-zero padding nibble, which is kept), short last groups and padding rows.
TEST_P(GemvX86, PackUnpackIsLossless) {
  const GemvKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  for (const FormatCase f : kFormats) {
    for (const size_t rows : {size_t{1}, size_t{7}, size_t{17}, size_t{33}}) {
      for (const size_t cols : {1, 2, 31, 33, 64, 127, 200, 257}) {
        for (const size_t group : {16, 32, 48, 128, 256}) {
          const GemvShape s = make_shape(rows, cols, group, f.format, f.scheme);
          if (!k.supports(s)) continue;
          SCOPED_TRACE(describe(s, 1));
          const Matrix m = random_matrix(s, rows * 1000 + cols, 0xA);
          const Packed p = pack_with(k, m);
          std::vector<uint8_t> codes(m.codes.size(), 0x5A);
          std::vector<float> scales(m.scales.size(), -1.0F);
          std::vector<uint8_t> zps(m.zero_points.size(), 0xEE);
          k.unpack(s, p.data(), codes.data(), scales.data(), zps.empty() ? nullptr : zps.data());
          ASSERT_EQ(codes, m.codes);
          ASSERT_EQ(0, std::memcmp(scales.data(), m.scales.data(), scales.size() * 4));
          ASSERT_EQ(zps, m.zero_points);
        }
      }
    }
  }
}

TEST_P(GemvX86, SupportsEveryGroupFromSixteenAndAnyInt8Rows) {
  const GemvKernel& k = *GetParam();
  for (const size_t g : {16, 17, 32, 48, 100, 128, 256, 4096}) {
    EXPECT_TRUE(k.supports(make_shape(4, 4096, g, kInt4, kSym))) << g;
  }
  for (const size_t g : {1, 2, 8, 15}) {
    EXPECT_FALSE(k.supports(make_shape(4, 4096, g, kInt4, kAsym))) << g;
    EXPECT_TRUE(k.supports(make_shape(4, g, g, kInt4, kAsym))) << "single group " << g;
  }
  for (const size_t cols : {1, 3, 31, 100, 11008}) {
    EXPECT_TRUE(k.supports(make_shape(4, cols, cols, kInt8, kSym)));
  }
}

TEST_P(GemvX86, TinyAndOddShapes) {
  const GemvKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  uint64_t salt = 1;
  for (const FormatCase f : kFormats) {
    for (const size_t rows : {1, 2, 3}) {
      for (const size_t cols : {1, 2, 3, 5, 31, 32, 33, 63, 65, 95, 127, 129}) {
        for (const size_t group : {32, 64, 128}) {  // K < G for most of these
          check_shape(k, make_shape(rows, cols, group, f.format, f.scheme), 1, salt++);
        }
      }
    }
  }
}

// Up to four tiles run in lockstep (one vector): 4t - 5 rows make one set of four whose last tile
// is partial, and the splits of 8t + 7 rows sets whose first tile is cut by the range.
TEST_P(GemvX86, RowCountsAroundTheTile) {
  const GemvKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  const size_t t = k.row_tile;
  uint64_t salt = 100;
  for (const FormatCase f : kFormats) {
    for (const size_t rows :
         {t - 1, t, t + 1, 2 * t - 1, 2 * t, 2 * t + 1, 3 * t + 5, 4 * t - 5, 8 * t + 7}) {
      check_shape(k, make_shape(rows, 160, 32, f.format, f.scheme), 1, salt++);
      check_shape(k, make_shape(rows, 257, 128, f.format, f.scheme), 2, salt++);
    }
  }
}

TEST_P(GemvX86, GroupSizes) {
  const GemvKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  uint64_t salt = 200;
  for (const Scheme scheme : {kSym, kAsym}) {
    for (const size_t group : {16, 24, 32, 48, 64, 96, 100, 128, 160, 192, 256}) {
      for (const size_t cols : {group * 3, group * 4 + 17, size_t{1000}, size_t{1001}}) {
        check_shape(k, make_shape(19, cols, group, kInt4, scheme), 1, salt++);
      }
    }
  }
  for (const size_t cols : {size_t{1000}, size_t{1024}, size_t{1031}}) {
    check_shape(k, make_shape(19, cols, cols, kInt8, kSym), 1, salt++);
  }
}

TEST_P(GemvX86, EveryBatchSize) {
  const GemvKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  uint64_t salt = 300;
  for (const FormatCase f : kFormats) {
    for (size_t batch = 1; batch <= 16; ++batch) {
      check_shape(k, make_shape(k.row_tile + 3, 300, 64, f.format, f.scheme), batch, salt++);
    }
  }
}

// INT8 mode: every vector of a batch gets exactly the bits it gets alone (passes of 4 / 8 vectors
// share each weight load but not the arithmetic).
TEST_P(GemvX86, Int8BatchEqualsSingleVectors) {
  const GemvKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  for (const FormatCase f : kFormats) {
    const GemvShape s = make_shape(2 * k.row_tile + 1, 1000, 64, f.format, f.scheme);
    const Matrix m = random_matrix(s, 77);
    const Packed p = pack_with(k, m);
    const size_t batch = 11;
    const std::vector<float> x =
        test::random_floats(batch * s.cols, test::Distribution::laplace, test::test_seed(3));
    const std::vector<float> yb = run(k, m, p, true, x, batch, nullptr, whole(s.rows));
    for (size_t b = 0; b < batch; ++b) {
      const std::vector<float> xb(x.begin() + b * s.cols, x.begin() + (b + 1) * s.cols);
      const std::vector<float> y1 = run(k, m, p, true, xb, 1, nullptr, whole(s.rows));
      ASSERT_EQ(y1, std::vector<float>(yb.begin() + b * s.rows, yb.begin() + (b + 1) * s.rows))
          << describe(s, batch) << " vector " << b;
    }
  }
}

// A larger, realistic shape: 4096 columns, group 128, two tiles' worth of threads.
TEST_P(GemvX86, LargerMatrix) {
  const GemvKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  uint64_t salt = 400;
  for (const FormatCase f : kFormats) {
    check_shape(k, make_shape(70, 4096, 128, f.format, f.scheme), 3, salt++);
  }
}

// Extreme codes and activations: every code at the end of its range (the largest |u - z| and the
// largest u the int16 sums of VPMADDUBSW see) against activation blocks at +-127, with
// alternating and constant signs. The INT8 mode must give the exact integer dot products.
TEST_P(GemvX86, ExtremeInputsDoNotOverflow) {
  const GemvKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  const size_t rows = k.row_tile + 1;
  const size_t cols = 256;
  struct Case {
    Format format;
    Scheme scheme;
    int code;  // canonical value
    int zp;
  };
  const Case cases[] = {{kInt4, kSym, -8, 0},  {kInt4, kSym, 7, 0},    {kInt4, kAsym, 15, 0},
                        {kInt4, kAsym, 0, 15}, {kInt4, kAsym, 15, 15}, {kInt4, kAsym, 0, 0},
                        {kInt8, kSym, 127, 0}, {kInt8, kSym, -127, 0}};
  for (const Case& cs : cases) {
    for (const size_t group : {size_t{32}, size_t{128}, size_t{256}}) {
      const GemvShape s = make_shape(rows, cols, group, cs.format, cs.scheme);
      Matrix m;
      m.shape = s;
      const size_t groups = m.groups();
      if (cs.format == kInt4) {
        const uint8_t nib = static_cast<uint8_t>(cs.code & 0xF);
        m.codes.assign(rows * int4_row_bytes(cols), static_cast<uint8_t>(nib | (nib << 4)));
      } else {
        m.codes.assign(rows * cols, static_cast<uint8_t>(static_cast<int8_t>(cs.code)));
      }
      m.scales.assign(rows * groups, 1.0F);
      if (cs.scheme == kAsym) m.zero_points.assign(rows * groups, static_cast<uint8_t>(cs.zp));
      fill_dequant(&m);
      const Packed p = pack_with(k, m);
      for (const int pattern : {0, 1, 2}) {
        SCOPED_TRACE(describe(s, 2) + " code " + std::to_string(cs.code) + " zp " +
                     std::to_string(cs.zp) + " pattern " + std::to_string(pattern));
        // Entry 0: all +1 (q = +127) or alternating; entry 1: all -1 (q = -127).
        std::vector<float> x(2 * cols);
        for (size_t c = 0; c < cols; ++c) {
          x[c] = pattern == 1 && c % 2 == 1 ? -1.0F : 1.0F;
          x[cols + c] = pattern == 2 && c % 3 == 0 ? 1.0F : -1.0F;
        }
        const std::vector<float> yi = run(k, m, p, true, x, 2, nullptr, whole(rows));
        const std::vector<float> yr = scalar_int8(m, x, 2, nullptr);
        const std::vector<float> yf = run(k, m, p, false, x, 2, nullptr, whole(rows));
        for (size_t b = 0; b < 2; ++b) {
          double exact = 0;  // x blocks are +-1 exactly, so q = +-127 and sx = 1/127
          for (size_t c = 0; c < cols; ++c) {
            exact += static_cast<double>(cs.code - cs.zp) * x[b * cols + c];
          }
          for (size_t n = 0; n < rows; ++n) {
            ASSERT_EQ(yi[b * rows + n], yr[b * rows + n]) << "row " << n;
            ASSERT_NEAR(yi[b * rows + n], exact, 1e-4 * std::fabs(exact) + 1e-4) << "row " << n;
            ASSERT_EQ(yf[b * rows + n], exact) << "F32 mode, row " << n;  // small integers: exact
          }
        }
      }
    }
  }
}

// The INT8 mode's error against the F32 mode, on Gaussian weights quantized by the library's rules
// and Gaussian activations: relative L2 error <= 1e-2 (docs/gemv-x86.md quotes the measured value).
TEST_P(GemvX86, Int8ModeErrorOnGaussianData) {
  const GemvKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  const QuantizeKernel& q = quantize_kernels()[0];
  const size_t rows = 256;
  const size_t cols = 4096;
  const std::vector<float> w =
      test::random_floats(rows * cols, test::Distribution::gaussian, test::test_seed(1));
  const std::vector<float> x =
      test::random_floats(4 * cols, test::Distribution::gaussian, test::test_seed(2));
  for (const FormatCase f : kFormats) {
    for (const size_t group : {size_t{32}, size_t{128}}) {
      const GemvShape s = make_shape(rows, cols, group, f.format, f.scheme);
      Matrix m;
      m.shape = s;
      const size_t groups = m.groups();
      m.scales.resize(rows * groups);
      size_t bad = 0;
      if (f.format == kInt4) {
        m.codes.resize(rows * int4_row_bytes(cols));
        if (f.scheme == kAsym) m.zero_points.resize(rows * groups);
        ASSERT_EQ(q.int4(w.data(), rows, cols, group, f.scheme, m.codes.data(), m.scales.data(),
                         m.zero_points.empty() ? nullptr : m.zero_points.data(), &bad),
                  QuantizeResult::ok);
      } else {
        m.codes.resize(rows * cols);
        ASSERT_EQ(q.int8_rows(w.data(), rows, cols, reinterpret_cast<int8_t*>(m.codes.data()),
                              m.scales.data(), &bad),
                  QuantizeResult::ok);
      }
      fill_dequant(&m);
      const Packed p = pack_with(k, m);
      const std::vector<float> yf = run(k, m, p, false, x, 4, nullptr, whole(rows));
      const std::vector<float> yi = run(k, m, p, true, x, 4, nullptr, whole(rows));
      double num = 0;
      double den = 0;
      for (size_t i = 0; i < yf.size(); ++i) {
        num += (static_cast<double>(yi[i]) - yf[i]) * (static_cast<double>(yi[i]) - yf[i]);
        den += static_cast<double>(yf[i]) * yf[i];
      }
      const double rel = std::sqrt(num / den);
      RecordProperty(describe(s, 4) + " rel_l2", std::to_string(rel));
      EXPECT_LE(rel, 1e-2) << describe(s, 4);
      EXPECT_GT(rel, 0.0) << "INT8 mode should differ from F32 mode";
    }
  }
}

// Inputs of any alignment: x, bias and y one float off a 64-byte boundary (GuardedBuffer already
// ends them at a page boundary; here they start at every offset mod 16 floats).
TEST_P(GemvX86, AnyAlignment) {
  const GemvKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  const GemvShape s = make_shape(k.row_tile + 2, 97, 32, kInt4, kAsym);
  const Matrix m = random_matrix(s, 5);
  const Packed p = pack_with(k, m);
  const std::vector<float> x = test::random_floats(s.cols, test::Distribution::gaussian, 11);
  const std::vector<float> expect = run(k, m, p, false, x, 1, nullptr, whole(s.rows));
  const std::vector<float> expect8 = run(k, m, p, true, x, 1, nullptr, whole(s.rows));
  for (size_t off = 0; off < 16; ++off) {
    std::vector<float> xs(s.cols + 16);
    std::vector<float> ys(s.rows + 16);
    std::copy(x.begin(), x.end(), xs.begin() + off);
    k.gemm_f32(s, p.data(), xs.data() + off, 1, nullptr, ys.data() + off, 0, s.rows);
    ASSERT_EQ(std::vector<float>(ys.begin() + off, ys.begin() + off + s.rows), expect) << off;
    std::vector<uint8_t> act(k.act_bytes(s, 1) + 64);
    k.quantize_act(s, xs.data() + off, 1, act.data() + off);
    k.gemm_int8(s, p.data(), act.data() + off, 1, nullptr, ys.data() + off, 0, s.rows);
    ASSERT_EQ(std::vector<float>(ys.begin() + off, ys.begin() + off + s.rows), expect8) << off;
  }
}

INSTANTIATE_TEST_SUITE_P(Variants, GemvX86, ::testing::ValuesIn(x86_variants()),
                         test::VariantName{});
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(GemvX86);

}  // namespace
}  // namespace mq::kernels
