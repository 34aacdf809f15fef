// Quantize, reduce, pack, unpack and dequantize through the shared library: hand-computed cases,
// the float32 rules of design.md on random data (bit-identical), float64 error bounds, the real
// matrices' reference SQNR figures, zero / subnormal groups, and thread-count independence.
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <cstring>
#include <vector>

#include "api/api_test_util.h"
#include "monoquant/monoquant.h"
#include "support/random_data.h"
#include "support/real_weights.h"
#include "support/reference.h"

namespace {

using mq::test::Int4Matrix;

struct Quantized {
  std::vector<uint8_t> codes;
  std::vector<float> scales;
  std::vector<uint8_t> zero_points;
};

Quantized quantize(mq_context* ctx, const std::vector<float>& w, uint64_t rows, uint64_t cols,
                   uint64_t group, mq_scheme scheme) {
  uint64_t nc = 0, ns = 0, nz = 0;
  EXPECT_EQ(mq_int4_buffer_sizes(rows, cols, group, &nc, &ns, &nz), MQ_OK);
  Quantized q{std::vector<uint8_t>(nc), std::vector<float>(ns), std::vector<uint8_t>(nz)};
  const bool asym = scheme == MQ_SCHEME_ASYMMETRIC;
  EXPECT_EQ(
      mq_quantize_int4(ctx, w.data(), w.size(), rows, cols, group, scheme, q.codes.data(), nc,
                       q.scales.data(), ns, asym ? q.zero_points.data() : nullptr, asym ? nz : 0),
      MQ_OK)
      << mq::test::last_error();
  if (!asym) q.zero_points.clear();
  return q;
}

std::vector<float> dequantize(const Quantized& q, uint64_t rows, uint64_t cols, uint64_t group,
                              mq_scheme scheme) {
  std::vector<float> out(rows * cols);
  const bool asym = scheme == MQ_SCHEME_ASYMMETRIC;
  EXPECT_EQ(
      mq_dequantize_int4(nullptr, q.codes.data(), q.codes.size(), q.scales.data(), q.scales.size(),
                         asym ? q.zero_points.data() : nullptr, asym ? q.zero_points.size() : 0,
                         rows, cols, group, scheme, out.data(), out.size()),
      MQ_OK)
      << mq::test::last_error();
  return out;
}

TEST(QuantizeInt4, HandComputedSymmetric) {
  // absmax 7 -> scale 1, inv 1: codes are round-half-even of the weights themselves.
  const std::vector<float> w = {7, -3.5F, 0.5F, -7, 2.5F, 1.5F, -0.5F, 6.49F};
  const Quantized q = quantize(nullptr, w, 1, 8, 8, MQ_SCHEME_SYMMETRIC);
  // codes 7, -4, 0, -7, 2, 2, 0, 6 -> nibbles 7, C, 0, 9, 2, 2, 0, 6
  EXPECT_EQ(q.codes, (std::vector<uint8_t>{0xC7, 0x90, 0x22, 0x60}));
  EXPECT_EQ(q.scales, (std::vector<float>{1.0F}));
  EXPECT_EQ(dequantize(q, 1, 8, 8, MQ_SCHEME_SYMMETRIC),
            (std::vector<float>{7, -4, 0, -7, 2, 2, 0, 6}));
}

TEST(QuantizeInt4, HandComputedAsymmetric) {
  // Row 0: lo -1, hi 14 -> scale 1, zp 1. Row 1: lo 0, hi 15 -> zp 0, ties to even.
  // Row 2: all negative, lo -15, hi 0 -> zp 15.
  const std::vector<float> w = {-1, 0, 2, 14, 0.5F, 1.5F, 2.5F, 15, -15, -7.5F, -0.5F, -1};
  const Quantized q = quantize(nullptr, w, 3, 4, 4, MQ_SCHEME_ASYMMETRIC);
  // row 0 codes 0 1 3 15; row 1 codes 0 2 2 15; row 2 codes 0 7 15 14
  EXPECT_EQ(q.codes, (std::vector<uint8_t>{0x10, 0xF3, 0x20, 0xF2, 0x70, 0xEF}));
  EXPECT_EQ(q.scales, (std::vector<float>{1, 1, 1}));
  EXPECT_EQ(q.zero_points, (std::vector<uint8_t>{1, 0, 15}));
  EXPECT_EQ(dequantize(q, 3, 4, 4, MQ_SCHEME_ASYMMETRIC),
            (std::vector<float>{-1, 0, 2, 14, 0, 2, 2, 15, -15, -8, 0, -1}));
}

TEST(QuantizeInt4, OddColumnsLeaveThePaddingNibbleZero) {
  const std::vector<float> w = {7, -7, 3, 7, 7, 7};
  const Quantized q = quantize(nullptr, w, 2, 3, 2, MQ_SCHEME_SYMMETRIC);
  ASSERT_EQ(q.codes.size(), 4U);
  EXPECT_EQ(q.codes[0], 0x97);  // 7, -7
  EXPECT_EQ(q.codes[1], 0x07);  // 3 alone in its group (code 7), padding nibble 0
  EXPECT_EQ(q.codes[3], 0x07);
  EXPECT_EQ(q.scales.size(), 4U);
}

// The library's codes, scales and zero points equal the test's own float32 implementation of
// design.md for every shape class (K < G, partial last group, odd K, N = 1, 1x1, large K).
TEST(QuantizeInt4, MatchesTheRulesBitForBit) {
  struct S {
    uint64_t rows, cols, group;
  };
  for (const S s : {S{1, 1, 128}, S{1, 5, 128}, S{7, 33, 16}, S{5, 300, 128}, S{4, 387, 128},
                    S{3, 1000, 48}, S{2, 129, 1}, S{2, 65537, 256}, S{16, 4096, 32}}) {
    for (const auto d : {mq::test::Distribution::gaussian, mq::test::Distribution::laplace,
                         mq::test::Distribution::student_t3}) {
      const auto w = mq::test::random_floats(s.rows * s.cols, d, mq::test::test_seed(s.cols));
      for (const mq_scheme scheme : {MQ_SCHEME_SYMMETRIC, MQ_SCHEME_ASYMMETRIC}) {
        const bool asym = scheme == MQ_SCHEME_ASYMMETRIC;
        const Quantized q = quantize(nullptr, w, s.rows, s.cols, s.group, scheme);
        const Int4Matrix ref = mq::test::quantize_int4_ref(w, s.rows, s.cols, s.group, asym);
        ASSERT_EQ(q.codes, mq::test::pack_codes(ref)) << s.rows << "x" << s.cols << "/g" << s.group;
        ASSERT_EQ(std::memcmp(q.scales.data(), ref.scales.data(), q.scales.size() * 4), 0);
        if (asym) {
          ASSERT_EQ(q.zero_points,
                    std::vector<uint8_t>(ref.zero_points.begin(), ref.zero_points.end()));
        }
      }
    }
  }
}

// Against float64: every dequantized weight is within half a step of the original (no weight
// reaches the clamp except by rounding), and the dequantization equals (q - zp) * scale.
TEST(QuantizeInt4, ErrorIsAtMostHalfAStep) {
  const uint64_t rows = 64, cols = 1000, group = 64;
  const auto w = mq::test::random_floats(rows * cols, mq::test::Distribution::laplace, 3);
  for (const mq_scheme scheme : {MQ_SCHEME_SYMMETRIC, MQ_SCHEME_ASYMMETRIC}) {
    const Quantized q = quantize(nullptr, w, rows, cols, group, scheme);
    const auto deq = dequantize(q, rows, cols, group, scheme);
    const uint64_t groups = (cols + group - 1) / group;
    for (uint64_t i = 0; i < w.size(); ++i) {
      const double scale = q.scales[(i / cols) * groups + (i % cols) / group];
      ASSERT_LE(std::fabs(static_cast<double>(w[i]) - deq[i]), scale * (0.5 + 1e-5)) << i;
    }
  }
}

// The weight SQNR of every real matrix matches its README figure within 0.01 dB, and no output is
// inf or NaN (se_conv117 has subnormal-only groups, pw_conv180 all-zero ones).
TEST(QuantizeInt4, RealMatricesMatchReferenceSqnr) {
  for (const mq::test::RealMatrix& m : mq::test::real_matrices()) {
    const auto w = mq::test::load_real_matrix(m);
    ASSERT_FALSE(w.empty());
    struct Config {
      uint64_t group;
      mq_scheme scheme;
      double expected;
    };
    for (const Config c : {Config{128, MQ_SCHEME_SYMMETRIC, m.sym_g128},
                           Config{128, MQ_SCHEME_ASYMMETRIC, m.asym_g128},
                           Config{32, MQ_SCHEME_SYMMETRIC, m.sym_g32},
                           Config{32, MQ_SCHEME_ASYMMETRIC, m.asym_g32}}) {
      const Quantized q = quantize(nullptr, w, m.rows, m.cols, c.group, c.scheme);
      const auto deq = dequantize(q, m.rows, m.cols, c.group, c.scheme);
      for (const float v : deq) ASSERT_TRUE(std::isfinite(v)) << m.name;
      EXPECT_NEAR(mq::test::sqnr_db(w, deq), c.expected, 0.01) << m.name << " g" << c.group;
    }
    std::vector<int8_t> codes(w.size());
    std::vector<float> scales(m.rows), deq(w.size());
    ASSERT_EQ(mq_quantize_int8_rows(nullptr, w.data(), w.size(), m.rows, m.cols, codes.data(),
                                    codes.size(), scales.data(), scales.size()),
              MQ_OK);
    ASSERT_EQ(mq_dequantize_int8_rows(nullptr, codes.data(), codes.size(), scales.data(),
                                      scales.size(), m.rows, m.cols, deq.data(), deq.size()),
              MQ_OK);
    EXPECT_NEAR(mq::test::sqnr_db(w, deq), m.int8_row, 0.01) << m.name << " int8";
  }
}

TEST(QuantizeInt4, ZeroAndSubnormalGroupsDequantizeToExactZeros) {
  const uint64_t cols = 96;
  std::vector<float> w(2 * cols, 0.0F);
  for (uint64_t c = 0; c < cols; ++c) w[cols + c] = FLT_MIN * (c % 2 == 0 ? 0.5F : -0.25F);
  w[cols + 95] = 1.0F;  // the last group of row 1 is normal
  for (const mq_scheme scheme : {MQ_SCHEME_SYMMETRIC, MQ_SCHEME_ASYMMETRIC}) {
    const Quantized q = quantize(nullptr, w, 2, cols, 32, scheme);
    const auto deq = dequantize(q, 2, cols, 32, scheme);
    for (uint64_t i = 0; i < 2 * cols - 32; ++i) ASSERT_EQ(deq[i], 0.0F) << i;
    for (const float v : deq) ASSERT_TRUE(std::isfinite(v));
    EXPECT_EQ(q.scales[4], 0.0F);
    EXPECT_GT(q.scales[5], 0.0F);
  }
}

TEST(QuantizeInt8Rows, MatchesTheRules) {
  const uint64_t rows = 9, cols = 515;
  auto w = mq::test::random_floats(rows * cols, mq::test::Distribution::student_t3, 9);
  for (uint64_t c = 0; c < cols; ++c) w[cols + c] = 0.0F;
  std::vector<int8_t> codes(w.size()), want_codes;
  std::vector<float> scales(rows), want_scales;
  ASSERT_EQ(mq_quantize_int8_rows(nullptr, w.data(), w.size(), rows, cols, codes.data(),
                                  codes.size(), scales.data(), rows),
            MQ_OK);
  mq::test::quantize_int8_rows_ref(w, rows, cols, &want_codes, &want_scales);
  EXPECT_EQ(codes, want_codes);
  EXPECT_EQ(std::memcmp(scales.data(), want_scales.data(), rows * 4), 0);
  EXPECT_EQ(scales[1], 0.0F);
}

TEST(GroupReduce, MatchesAPlainLoop) {
  const uint64_t rows = 5, cols = 300, group = 64, groups = 5;
  const auto w = mq::test::random_floats(rows * cols, mq::test::Distribution::laplace, 4);
  std::vector<float> mins(rows * groups), maxs(rows * groups), absmaxs(rows * groups);
  ASSERT_EQ(mq_group_reduce(nullptr, w.data(), w.size(), rows, cols, group, mins.data(),
                            maxs.data(), absmaxs.data(), mins.size()),
            MQ_OK);
  for (uint64_t r = 0; r < rows; ++r) {
    for (uint64_t g = 0; g < groups; ++g) {
      float mn = INFINITY, mx = -INFINITY, am = 0;
      for (uint64_t c = g * group; c < std::min(cols, (g + 1) * group); ++c) {
        mn = std::min(mn, w[r * cols + c]);
        mx = std::max(mx, w[r * cols + c]);
        am = std::max(am, std::fabs(w[r * cols + c]));
      }
      EXPECT_EQ(mins[r * groups + g], mn);
      EXPECT_EQ(maxs[r * groups + g], mx);
      EXPECT_EQ(absmaxs[r * groups + g], am);
    }
  }
}

TEST(PackInt4, AllByteValuesRoundTripThroughTheApi) {
  std::vector<uint8_t> bytes(256);
  for (int i = 0; i < 256; ++i) bytes[i] = static_cast<uint8_t>(i);
  for (const mq_scheme scheme : {MQ_SCHEME_SYMMETRIC, MQ_SCHEME_ASYMMETRIC}) {
    std::vector<int8_t> values(512);
    ASSERT_EQ(mq_unpack_int4(nullptr, bytes.data(), 256, 1, 512, scheme, values.data(), 512),
              MQ_OK);
    for (int i = 0; i < 256; ++i) {
      const int lo = i & 0xF, hi = i >> 4;
      ASSERT_EQ(values[2 * i], scheme == MQ_SCHEME_SYMMETRIC && lo > 7 ? lo - 16 : lo);
      ASSERT_EQ(values[2 * i + 1], scheme == MQ_SCHEME_SYMMETRIC && hi > 7 ? hi - 16 : hi);
    }
    std::vector<uint8_t> back(256);
    ASSERT_EQ(mq_pack_int4(nullptr, values.data(), 512, 1, 512, scheme, back.data(), 256), MQ_OK);
    EXPECT_EQ(back, bytes);
  }
}

// A process-wide pool of 2 threads and a host executor produce the same bits as the calling thread.
int32_t serial_executor(void* /*user*/, uint64_t count, mq_task_fn task, void* task_context) {
  for (uint64_t i = count; i-- > 0;) task(task_context, i);  // reverse order on purpose
  return 0;
}

TEST(QuantizeInt4, ThreadCountDoesNotChangeResults) {
  const uint64_t rows = 257, cols = 4096, group = 128;
  const auto w = mq::test::random_floats(rows * cols, mq::test::Distribution::gaussian, 5);
  mq_context_options two{};
  two.struct_size = sizeof(two);
  two.num_threads = 2;
  mq_context* c2 = nullptr;
  ASSERT_EQ(mq_context_create(&two, &c2), MQ_OK);
  mq_context* ch = mq::test::host_executor_context(serial_executor, nullptr, 4);
  ASSERT_NE(ch, nullptr);
  for (const mq_scheme scheme : {MQ_SCHEME_SYMMETRIC, MQ_SCHEME_ASYMMETRIC}) {
    const Quantized one = quantize(nullptr, w, rows, cols, group, scheme);
    const Quantized pool = quantize(c2, w, rows, cols, group, scheme);
    const Quantized hosted = quantize(ch, w, rows, cols, group, scheme);
    EXPECT_EQ(one.codes, pool.codes);
    EXPECT_EQ(one.codes, hosted.codes);
    EXPECT_EQ(std::memcmp(one.scales.data(), pool.scales.data(), one.scales.size() * 4), 0);
    EXPECT_EQ(std::memcmp(one.scales.data(), hosted.scales.data(), one.scales.size() * 4), 0);
    EXPECT_EQ(one.zero_points, hosted.zero_points);
  }
  // The first non-finite weight is the one reported, whichever thread meets it.
  auto bad = w;
  bad[200 * cols + 7] = NAN;
  bad[3 * cols + 1] = INFINITY;
  std::vector<uint8_t> codes((cols / 2) * rows);
  std::vector<float> scales(rows * 32);
  for (mq_context* c : {c2, ch}) {
    MQ_EXPECT_FAILS(
        mq_quantize_int4(c, bad.data(), bad.size(), rows, cols, group, MQ_SCHEME_SYMMETRIC,
                         codes.data(), codes.size(), scales.data(), scales.size(), nullptr, 0),
        MQ_ERR_NON_FINITE, "row 3, column 1 is inf");
  }
  mq_context_destroy(c2);
  mq_context_destroy(ch);
}

}  // namespace
