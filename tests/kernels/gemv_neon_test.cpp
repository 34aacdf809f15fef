// The Arm variants of the gemv family: the packed layout round-trips to the canonical format bit
// for bit; F32 mode is within a K-derived bound of a float64 reference; INT8 mode reproduces the
// scalar reference's INT8 result bit for bit (same activation codes and blocks, exact int32 dots,
// same float operations in the same order) and stays within the documented error bound; extreme
// codes cannot overflow 16-bit intermediates; row ranges, batch blocks and tails of 1..300 columns
// run in buffers that end at guard pages (packed weights also at odd addresses).
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <cstring>
#include <vector>

#include "common/formats.h"
#include "gemv/gemv.h"
#include "support/guarded_buffer.h"
#include "support/random_data.h"
#include "support/variants.h"

namespace mq::kernels {
namespace {

std::vector<const GemvKernel*> arm_variants() {
  std::vector<const GemvKernel*> v;
  for (const GemvKernel* k : test::variants(gemv_kernels())) {
    if (k->isa == Isa::neon || k->isa == Isa::neon_dotprod || k->isa == Isa::neon_i8mm) {
      v.push_back(k);
    }
  }
  return v;
}

class GemvNeon : public ::testing::TestWithParam<const GemvKernel*> {};

// A canonical matrix: codes, scales and zero points exactly as the C API would hand them over.
struct Canonical {
  GemvShape shape;
  std::vector<uint8_t> codes;  // INT4 nibbles or int8 bytes
  std::vector<float> scales;
  std::vector<uint8_t> zero_points;  // empty unless INT4 asymmetric
  size_t groups;

  bool asym() const { return !zero_points.empty(); }
  // q - zp of (n, c).
  int value(size_t n, size_t c) const {
    if (shape.format == Format::int8_rows) {
      return static_cast<int8_t>(codes[n * shape.cols + c]);
    }
    const uint8_t byte = codes[n * int4_row_bytes(shape.cols) + c / 2];
    const int nibble = c % 2 == 0 ? byte & 0xF : byte >> 4;
    if (!asym()) return nibble >= 8 ? nibble - 16 : nibble;
    return nibble - zero_points[n * groups + c / shape.group];
  }
};

Canonical random_canonical(const GemvShape& s, uint64_t seed) {
  Canonical m{s, {}, {}, {}, groups_per_row(s.cols, s.group)};
  const bool int8 = s.format == Format::int8_rows;
  const size_t row_bytes = int8 ? s.cols : int4_row_bytes(s.cols);
  m.codes = test::random_bytes(s.rows * row_bytes, seed);
  for (size_t n = 0; n < s.rows; ++n) {
    if (int8) {
      for (size_t c = 0; c < s.cols; ++c) {
        if (m.codes[n * row_bytes + c] == 0x80) m.codes[n * row_bytes + c] = 0x81;  // -127
      }
    } else if (s.cols % 2 == 1) {
      m.codes[n * row_bytes + row_bytes - 1] &= 0x0F;  // canonical padding nibble
    }
  }
  m.scales = test::random_floats(s.rows * m.groups, test::Distribution::uniform, seed + 1);
  for (size_t i = 0; i < m.scales.size(); ++i) {
    m.scales[i] = std::fabs(m.scales[i]) * 0.01F;
    if (i % 11 == 5) m.scales[i] = 0.0F;
  }
  if (!int8 && s.scheme == Scheme::asymmetric) {
    m.zero_points = test::random_bytes(s.rows * m.groups, seed + 2);
    for (uint8_t& z : m.zero_points) z &= 0x0F;
  }
  return m;
}

// The variant's packed weights in a buffer that ends at a guard page and starts `misalign` bytes
// past a 16-byte boundary.
// (The scalar reference, run for comparison, gets an 8-byte aligned buffer instead: its canonical
// layout reads its scales as floats in place.)
struct Packed {
  test::GuardedBuffer buffer;
  size_t offset;
  std::vector<uint64_t> aligned;
  Packed(const GemvKernel& k, const Canonical& m, size_t misalign)
      : buffer(k.isa == Isa::scalar ? 1 : k.packed_bytes(m.shape) + misalign), offset(misalign) {
    if (k.isa == Isa::scalar) aligned.resize(k.packed_bytes(m.shape) / 8 + 1);
    k.pack(m.shape, m.codes.data(), m.scales.data(), m.asym() ? m.zero_points.data() : nullptr,
           data());
  }
  void* data() const {
    if (!aligned.empty()) return const_cast<uint64_t*>(aligned.data());
    return buffer.as<uint8_t>() + offset;
  }
};

std::vector<double> reference_f64(const Canonical& m, const std::vector<float>& x, size_t batch,
                                  const std::vector<float>& bias, std::vector<double>* magnitude) {
  const GemvShape& s = m.shape;
  std::vector<double> y(batch * s.rows);
  magnitude->assign(batch * s.rows, 0.0);
  for (size_t b = 0; b < batch; ++b) {
    for (size_t n = 0; n < s.rows; ++n) {
      double acc = bias.empty() ? 0.0 : bias[n];
      double mag = bias.empty() ? 0.0 : std::fabs(bias[n]);
      for (size_t c = 0; c < s.cols; ++c) {
        const double w = static_cast<double>(m.value(n, c)) * m.scales[n * m.groups + c / s.group];
        acc += w * x[b * s.cols + c];
        mag += std::fabs(w * x[b * s.cols + c]);
      }
      y[b * s.rows + n] = acc;
      (*magnitude)[b * s.rows + n] = mag;
    }
  }
  return y;
}

// Runs both modes of `k` on guarded buffers for rows [row_begin, row_end) of every batch entry;
// rows outside the range must stay untouched.
struct Outputs {
  std::vector<float> f32;
  std::vector<float> int8;
};

Outputs run(const GemvKernel& k, const Canonical& m, const std::vector<float>& x, size_t batch,
            const std::vector<float>& bias, size_t row_begin, size_t row_end, size_t misalign) {
  const GemvShape& s = m.shape;
  const Packed packed(k, m, misalign);
  test::GuardedBuffer xg(x.size() * sizeof(float));
  xg.fill(x.data(), x.size() * sizeof(float));
  test::GuardedBuffer bg(bias.empty() ? 4 : bias.size() * sizeof(float));
  if (!bias.empty()) bg.fill(bias.data(), bias.size() * sizeof(float));
  const float* bp = bias.empty() ? nullptr : bg.as<float>();
  const size_t y_n = batch * s.rows;
  const float sentinel = -12345.0F;
  Outputs out;
  {
    test::GuardedBuffer y(y_n * sizeof(float));
    for (size_t i = 0; i < y_n; ++i) y.as<float>()[i] = sentinel;
    k.gemm_f32(s, packed.data(), xg.as<float>(), batch, bp, y.as<float>(), row_begin, row_end);
    out.f32.assign(y.as<float>(), y.as<float>() + y_n);
  }
  {
    test::GuardedBuffer act(k.act_bytes(s, batch));
    k.quantize_act(s, xg.as<float>(), batch, act.data());
    test::GuardedBuffer y(y_n * sizeof(float));
    for (size_t i = 0; i < y_n; ++i) y.as<float>()[i] = sentinel;
    k.gemm_int8(s, packed.data(), act.data(), batch, bp, y.as<float>(), row_begin, row_end);
    out.int8.assign(y.as<float>(), y.as<float>() + y_n);
  }
  for (size_t b = 0; b < batch; ++b) {
    for (size_t n = 0; n < s.rows; ++n) {
      if (n >= row_begin && n < row_end) continue;
      EXPECT_EQ(out.f32[b * s.rows + n], sentinel) << "row " << n << " outside the range written";
      EXPECT_EQ(out.int8[b * s.rows + n], sentinel) << "row " << n << " outside the range written";
    }
  }
  return out;
}

// The bit patterns of floats, for exact comparisons (-0 differs from +0, NaN payloads count).
std::vector<uint32_t> bits(const std::vector<float>& v) {
  std::vector<uint32_t> b(v.size());
  std::memcpy(b.data(), v.data(), v.size() * sizeof(float));
  return b;
}

std::string describe(const GemvShape& s, size_t batch) {
  return std::to_string(s.rows) + "x" + std::to_string(s.cols) + " g" + std::to_string(s.group) +
         (s.format == Format::int8_rows ? " int8rows"
                                        : (s.scheme == Scheme::asymmetric ? " asym" : " sym")) +
         " batch " + std::to_string(batch);
}

// The full check of one shape: round trip, F32 against float64 with a K-derived bound, INT8 bit for
// bit against the scalar reference.
void check_shape(const GemvKernel& k, const GemvShape& s, size_t batch, bool with_bias,
                 uint64_t seed, size_t misalign = 0) {
  const GemvKernel& ref = gemv_kernels()[0];
  const Canonical m = random_canonical(s, seed);
  const std::string what = describe(s, batch);

  // Round trip through the layout, into buffers that end at guard pages.
  {
    const Packed packed(k, m, misalign);
    test::GuardedBuffer codes(m.codes.size());
    test::GuardedBuffer scales(m.scales.size() * sizeof(float));
    test::GuardedBuffer zps(m.asym() ? m.zero_points.size() : 1);
    std::memset(codes.data(), 0xEE, m.codes.size());
    k.unpack(s, packed.data(), codes.data(), scales.as<float>(),
             m.asym() ? zps.as<uint8_t>() : nullptr);
    ASSERT_EQ(std::memcmp(codes.data(), m.codes.data(), m.codes.size()), 0) << what;
    ASSERT_EQ(bits(std::vector<float>(scales.as<float>(), scales.as<float>() + m.scales.size())),
              bits(m.scales))
        << what;
    if (m.asym()) {
      ASSERT_EQ(std::memcmp(zps.data(), m.zero_points.data(), m.zero_points.size()), 0) << what;
    }
  }

  const std::vector<float> x =
      test::random_floats(batch * s.cols, test::Distribution::gaussian, seed + 3);
  std::vector<float> bias;
  if (with_bias) bias = test::random_floats(s.rows, test::Distribution::gaussian, seed + 4);
  const Outputs got = run(k, m, x, batch, bias, 0, s.rows, misalign);
  const Outputs want = run(ref, m, x, batch, bias, 0, s.rows, 0);

  std::vector<double> magnitude;
  const std::vector<double> exact = reference_f64(m, x, batch, bias, &magnitude);
  const double bound_factor =
      static_cast<double>(s.cols + 2 * groups_per_row(s.cols, s.group) + 8) * FLT_EPSILON;
  for (size_t i = 0; i < exact.size(); ++i) {
    const double tol = bound_factor * magnitude[i] + 1e-30;
    ASSERT_NEAR(got.f32[i], exact[i], tol) << what << " F32 y[" << i << "]";
    ASSERT_NEAR(want.f32[i], exact[i], tol) << what << " scalar F32 y[" << i << "] (bound check)";
  }
  ASSERT_EQ(bits(got.int8), bits(want.int8))
      << what << ": INT8 mode differs from the scalar reference";
}

TEST_P(GemvNeon, EveryTailGroupAndFormat) {
  const GemvKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  for (size_t cols = 1; cols <= 300; cols += (cols < 100 ? 1 : 11)) {
    for (const size_t group :
         {size_t{1}, size_t{7}, size_t{8}, size_t{32}, size_t{33}, size_t{128}, cols}) {
      if (group > cols && group != 128) continue;
      for (const Scheme scheme : {Scheme::symmetric, Scheme::asymmetric}) {
        check_shape(k, {5, cols, group, Format::int4, scheme}, 1 + cols % 3, cols % 2 == 0,
                    test::test_seed(cols * 1000 + group + (scheme == Scheme::asymmetric)));
        if (HasFatalFailure()) return;
      }
    }
    check_shape(k, {6, cols, cols, Format::int8_rows, Scheme::symmetric}, 1 + cols % 2,
                cols % 3 == 0, test::test_seed(cols * 1000 + 999));
    if (HasFatalFailure()) return;
  }
}

TEST_P(GemvNeon, RowTilesBatchBlocksAndOddAddresses) {
  const GemvKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  for (const size_t rows : {size_t{1}, size_t{3}, size_t{4}, size_t{5}, size_t{8}, size_t{13}}) {
    for (size_t batch = 1; batch <= 9; ++batch) {
      const size_t misalign = (rows + batch) % 4;
      check_shape(k, {rows, 77, 32, Format::int4, Scheme::asymmetric}, batch, true,
                  test::test_seed(rows * 100 + batch), misalign);
      check_shape(k, {rows, 40, 40, Format::int8_rows, Scheme::symmetric}, batch, false,
                  test::test_seed(rows * 100 + batch + 50), misalign);
      if (HasFatalFailure()) return;
    }
  }
}

// Threads get row ranges that start at multiples of row_tile; each range writes only its rows and
// gives the same bits as the whole.
TEST_P(GemvNeon, RowRangesWriteOnlyTheirRows) {
  const GemvKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  const GemvShape s{23, 100, 32, Format::int4, Scheme::symmetric};
  const Canonical m = random_canonical(s, test::test_seed());
  const size_t batch = 5;
  const std::vector<float> x =
      test::random_floats(batch * s.cols, test::Distribution::gaussian, test::test_seed(1));
  const std::vector<float> bias = test::random_floats(s.rows, test::Distribution::gaussian, 7);
  const Outputs whole = run(k, m, x, batch, bias, 0, s.rows, 0);
  const size_t tile = k.row_tile;
  for (size_t begin = 0; begin < s.rows; begin += tile) {
    for (const size_t len : {tile, 2 * tile, s.rows}) {
      const size_t end = begin + len < s.rows ? begin + len : s.rows;
      const Outputs part = run(k, m, x, batch, bias, begin, end, 0);
      for (size_t b = 0; b < batch; ++b) {
        for (size_t n = begin; n < end; ++n) {
          ASSERT_EQ(part.f32[b * s.rows + n], whole.f32[b * s.rows + n]) << begin << ".." << end;
          ASSERT_EQ(part.int8[b * s.rows + n], whole.int8[b * s.rows + n]) << begin << ".." << end;
        }
      }
    }
  }
}

// Extreme codes with activations that all quantize to +-127: every product is +-127 * 127 (INT8
// per row) or 15 * 127 (INT4), the worst case for any 16-bit intermediate. The result must equal
// the scalar reference's exactly (and the exact value where it is representable).
TEST_P(GemvNeon, ExtremeCodesDoNotOverflowIntermediates) {
  const GemvKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  const GemvKernel& ref = gemv_kernels()[0];
  for (const size_t cols : {size_t{8}, size_t{32}, size_t{64}, size_t{96}, size_t{256}}) {
    for (const int sign_pattern : {0, 1, 2}) {
      // INT8 per row: codes +127 or -127, x +1 or -1 (so qx = +-127 and sx = 1/127).
      GemvShape s8{4, cols, cols, Format::int8_rows, Scheme::symmetric};
      Canonical m8{s8, std::vector<uint8_t>(4 * cols), std::vector<float>(4, 1.0F), {}, 1};
      std::vector<float> x(cols);
      for (size_t c = 0; c < cols; ++c) {
        const bool neg_x = sign_pattern == 1 || (sign_pattern == 2 && (c / 4) % 2 == 1);
        x[c] = neg_x ? -1.0F : 1.0F;
        for (size_t n = 0; n < 4; ++n) {
          const bool neg_w = (n % 2 == 1) != (sign_pattern == 2 && c % 3 == 0);
          m8.codes[n * cols + c] = static_cast<uint8_t>(static_cast<int8_t>(neg_w ? -127 : 127));
        }
      }
      const Outputs got8 = run(k, m8, x, 1, {}, 0, 4, 0);
      const Outputs want8 = run(ref, m8, x, 1, {}, 0, 4, 0);
      ASSERT_EQ(bits(got8.int8), bits(want8.int8))
          << "int8 rows, cols " << cols << " pattern " << sign_pattern;
      if (sign_pattern == 0) {
        // Row 0: 127 * 127 per column times sx = 1/127 and scale 1; row 1 the negation.
        const double expect = 127.0 * static_cast<double>(cols);
        EXPECT_NEAR(got8.int8[0], expect, 1e-5 * expect);
        EXPECT_NEAR(got8.int8[1], -expect, 1e-5 * expect);
      }
      // INT4 asymmetric: codes 15 with zero point 0, or 0 with zero point 15.
      GemvShape s4{4, cols, 32, Format::int4, Scheme::asymmetric};
      const size_t groups = groups_per_row(cols, 32);
      Canonical m4{s4, std::vector<uint8_t>(4 * int4_row_bytes(cols)),
                   std::vector<float>(4 * groups, 1.0F), std::vector<uint8_t>(4 * groups), groups};
      for (size_t n = 0; n < 4; ++n) {
        std::memset(&m4.codes[n * int4_row_bytes(cols)], n % 2 == 0 ? 0xFF : 0x00,
                    int4_row_bytes(cols));
        for (size_t g = 0; g < groups; ++g) m4.zero_points[n * groups + g] = n % 2 == 0 ? 0 : 15;
      }
      const Outputs got4 = run(k, m4, x, 1, {}, 0, 4, 0);
      const Outputs want4 = run(ref, m4, x, 1, {}, 0, 4, 0);
      ASSERT_EQ(bits(got4.int8), bits(want4.int8))
          << "int4, cols " << cols << " pattern " << sign_pattern;
      // Symmetric -8 everywhere (stored as 0 after the +8 offset).
      GemvShape s4s{4, cols, 32, Format::int4, Scheme::symmetric};
      Canonical m4s{s4s,
                    std::vector<uint8_t>(4 * int4_row_bytes(cols), 0x88),
                    std::vector<float>(4 * groups, 1.0F),
                    {},
                    groups};
      const Outputs got4s = run(k, m4s, x, 1, {}, 0, 4, 0);
      const Outputs want4s = run(ref, m4s, x, 1, {}, 0, 4, 0);
      ASSERT_EQ(bits(got4s.int8), bits(want4s.int8))
          << "int4 sym -8, cols " << cols << " pattern " << sign_pattern;
      ASSERT_EQ(bits(got4s.f32), bits(want4s.f32))
          << "int4 sym -8 F32 (exact small integers), cols " << cols;
    }
  }
}

// The documented INT8-mode bound: relative L2 error against F32 mode <= 1e-2 on Gaussian data.
TEST_P(GemvNeon, Int8ModeWithinDocumentedBoundOnGaussian) {
  const GemvKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  const size_t rows = 64, cols = 1024;
  const std::vector<float> w =
      test::random_floats(rows * cols, test::Distribution::gaussian, test::test_seed(1));
  for (const Scheme scheme : {Scheme::symmetric, Scheme::asymmetric}) {
    // Quantize with the canonical rules (scalar, float64 is not needed: only the layout matters).
    GemvShape s{rows, cols, 128, Format::int4, scheme};
    Canonical m = random_canonical(s, test::test_seed(2));
    for (size_t n = 0; n < rows; ++n) {
      for (size_t g = 0; g < m.groups; ++g) {
        float mn = 0.0F, mx = 0.0F;
        for (size_t c = g * 128; c < (g + 1) * 128; ++c) {
          mn = std::fmin(mn, w[n * cols + c]);
          mx = std::fmax(mx, w[n * cols + c]);
        }
        const bool asym = scheme == Scheme::asymmetric;
        const float scale = asym ? (mx - mn) / 15.0F : std::fmax(-mn, mx) / 7.0F;
        const float zp = asym ? std::nearbyint(-mn / scale) : 0.0F;
        m.scales[n * m.groups + g] = scale;
        if (asym) m.zero_points[n * m.groups + g] = static_cast<uint8_t>(zp);
        for (size_t c = g * 128; c < (g + 1) * 128; ++c) {
          const float q = std::fmin(
              std::fmax(std::nearbyint(w[n * cols + c] / scale) + zp, asym ? 0.0F : -8.0F),
              asym ? 15.0F : 7.0F);
          const auto nib = static_cast<uint8_t>(static_cast<int>(q) & 0xF);
          uint8_t& byte = m.codes[n * (cols / 2) + c / 2];
          byte = c % 2 == 0 ? nib : static_cast<uint8_t>((byte & 0x0F) | (nib << 4));
        }
      }
    }
    const std::vector<float> x =
        test::random_floats(cols, test::Distribution::gaussian, test::test_seed(3));
    const Outputs out = run(k, m, x, 1, {}, 0, rows, 0);
    double num = 0.0, den = 0.0;
    for (size_t n = 0; n < rows; ++n) {
      num += (out.int8[n] - out.f32[n]) * static_cast<double>(out.int8[n] - out.f32[n]);
      den += static_cast<double>(out.f32[n]) * out.f32[n];
    }
    EXPECT_LE(std::sqrt(num / den), 1e-2) << (scheme == Scheme::asymmetric ? "asym" : "sym");
    EXPECT_GT(std::sqrt(num / den), 0.0) << "INT8 mode should not be exact on Gaussian data";
  }
}

INSTANTIATE_TEST_SUITE_P(Arm, GemvNeon, ::testing::ValuesIn(arm_variants()), test::VariantName());
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(GemvNeon);

}  // namespace
}  // namespace mq::kernels
