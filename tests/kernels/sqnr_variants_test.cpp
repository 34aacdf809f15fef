// Every variant of the sqnr family against the scalar reference (forced one by one), and the scalar
// reference against a float64 computation on the dequantized matrix.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "common/formats.h"
#include "quantize/quantize.h"
#include "sqnr/sqnr.h"
#include "support/guarded_buffer.h"
#include "support/random_data.h"
#include "support/variants.h"

namespace mq::kernels {
namespace {

class SqnrVariant : public ::testing::TestWithParam<const SqnrKernel*> {};

// A canonical INT4 quantization made by the scalar quantizer, in guarded buffers.
struct Int4Matrix {
  size_t rows, cols, group;
  Scheme scheme;
  test::GuardedBuffer w, codes, scales, zero_points;
  Int4Matrix(size_t r, size_t c, size_t g, Scheme s, uint64_t seed)
      : rows(r),
        cols(c),
        group(g),
        scheme(s),
        w(r * c * sizeof(float)),
        codes(r * int4_row_bytes(c)),
        scales(r * groups_per_row(c, g) * sizeof(float)),
        zero_points(r * groups_per_row(c, g)) {
    const std::vector<float> v = test::random_floats(r * c, test::Distribution::laplace, seed);
    w.fill(v.data(), v.size() * sizeof(float));
    size_t bad = 0;
    const QuantizeResult q = quantize_kernels()[0].int4(
        w.as<float>(), r, c, g, s, codes.as<uint8_t>(), scales.as<float>(),
        s == Scheme::asymmetric ? zero_points.as<uint8_t>() : nullptr, &bad);
    EXPECT_EQ(q, QuantizeResult::ok);
  }
  const uint8_t* zps() const {
    return scheme == Scheme::asymmetric ? zero_points.as<uint8_t>() : nullptr;
  }
};

void expect_close(const SqnrSums& got, const SqnrSums& want, const char* what) {
  EXPECT_NEAR(got.signal, want.signal, 1e-12 * want.signal + 1e-300) << what;
  EXPECT_NEAR(got.noise, want.noise, 1e-12 * want.noise + 1e-300) << what;
}

TEST_P(SqnrVariant, Int4MatchesScalarForEveryGroupAndTail) {
  const SqnrKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  const SqnrKernel& ref = sqnr_kernels()[0];
  for (const Scheme scheme : {Scheme::symmetric, Scheme::asymmetric}) {
    for (const size_t group : {size_t{1}, size_t{3}, size_t{8}, size_t{15}, size_t{16}, size_t{17},
                               size_t{32}, size_t{33}, size_t{64}, size_t{128}, size_t{1000}}) {
      for (size_t cols = 1; cols <= 300; cols += (cols < 70 ? 1 : 41)) {
        const size_t rows = 3;
        const Int4Matrix m(rows, cols, group, scheme, test::test_seed(cols * 7 + group));
        std::vector<SqnrSums> want(rows), got(rows);
        ref.int4(m.w.as<float>(), rows, cols, group, scheme, m.codes.as<uint8_t>(),
                 m.scales.as<float>(), m.zps(), want.data());
        k.int4(m.w.as<float>(), rows, cols, group, scheme, m.codes.as<uint8_t>(),
               m.scales.as<float>(), m.zps(), got.data());
        for (size_t r = 0; r < rows; ++r) {
          SCOPED_TRACE(::testing::Message() << "group " << group << " cols " << cols << " row " << r
                                            << " scheme " << static_cast<int>(scheme));
          expect_close(got[r], want[r], "int4");
          if (::testing::Test::HasFailure()) return;
        }
      }
    }
  }
}

TEST_P(SqnrVariant, Int8RowsMatchesScalarAtEveryTail) {
  const SqnrKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  const SqnrKernel& ref = sqnr_kernels()[0];
  for (size_t cols = 1; cols <= 300; cols += (cols < 70 ? 1 : 41)) {
    const size_t rows = 3;
    const std::vector<float> v =
        test::random_floats(rows * cols, test::Distribution::gaussian, test::test_seed(cols));
    test::GuardedBuffer w(rows * cols * sizeof(float));
    w.fill(v.data(), v.size() * sizeof(float));
    test::GuardedBuffer codes(rows * cols);
    test::GuardedBuffer scales(rows * sizeof(float));
    size_t bad = 0;
    ASSERT_EQ(quantize_kernels()[0].int8_rows(w.as<float>(), rows, cols, codes.as<int8_t>(),
                                              scales.as<float>(), &bad),
              QuantizeResult::ok);
    std::vector<SqnrSums> want(rows), got(rows);
    ref.int8_rows(w.as<float>(), rows, cols, codes.as<int8_t>(), scales.as<float>(), want.data());
    k.int8_rows(w.as<float>(), rows, cols, codes.as<int8_t>(), scales.as<float>(), got.data());
    for (size_t r = 0; r < rows; ++r) {
      SCOPED_TRACE(::testing::Message() << "cols " << cols << " row " << r);
      expect_close(got[r], want[r], "int8");
    }
  }
}

// A group whose codes are exact (all zeros, or values on the grid) has zero noise in every variant.
TEST_P(SqnrVariant, ExactQuantizationHasZeroNoise) {
  const SqnrKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  const size_t rows = 2, cols = 70, group = 32;
  std::vector<float> w(rows * cols);
  // Integers in [-7, 7] with a 7 in every group: scale 1, every code exact.
  for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<float>(static_cast<int>(i % 15) - 7);
  for (size_t i = 0; i < w.size(); i += group) w[i] = 7.0F;
  for (size_t r = 0; r < rows; ++r) w[r * cols + 64] = 7.0F;  // the short last group of each row
  std::vector<uint8_t> codes(rows * int4_row_bytes(cols));
  std::vector<float> scales(rows * groups_per_row(cols, group));
  size_t bad = 0;
  ASSERT_EQ(quantize_kernels()[0].int4(w.data(), rows, cols, group, Scheme::symmetric, codes.data(),
                                       scales.data(), nullptr, &bad),
            QuantizeResult::ok);
  std::vector<SqnrSums> got(rows);
  k.int4(w.data(), rows, cols, group, Scheme::symmetric, codes.data(), scales.data(), nullptr,
         got.data());
  for (const SqnrSums& s : got) {
    EXPECT_EQ(s.noise, 0.0);
    EXPECT_GT(s.signal, 0.0);
  }
}

// The reference is the float64 sum over the dequantized matrix, (q - zp) * scale in float32.
TEST(SqnrScalar, EqualsFloat64SumsOnTheDequantizedMatrix) {
  const SqnrKernel& ref = sqnr_kernels()[0];
  const size_t rows = 5, cols = 131, group = 32;
  for (const Scheme scheme : {Scheme::symmetric, Scheme::asymmetric}) {
    const Int4Matrix m(rows, cols, group, scheme, test::test_seed(static_cast<int>(scheme)));
    std::vector<SqnrSums> got(rows);
    ref.int4(m.w.as<float>(), rows, cols, group, scheme, m.codes.as<uint8_t>(),
             m.scales.as<float>(), m.zps(), got.data());
    const size_t groups = groups_per_row(cols, group);
    for (size_t r = 0; r < rows; ++r) {
      double signal = 0, noise = 0;
      for (size_t c = 0; c < cols; ++c) {
        const uint8_t byte = m.codes.as<uint8_t>()[r * int4_row_bytes(cols) + c / 2];
        int q = c % 2 == 0 ? byte & 0xF : byte >> 4;
        if (scheme == Scheme::symmetric && q >= 8) q -= 16;
        const int zp = scheme == Scheme::asymmetric ? m.zps()[r * groups + c / group] : 0;
        const float deq = static_cast<float>(q - zp) * m.scales.as<float>()[r * groups + c / group];
        const double w = m.w.as<float>()[r * cols + c];
        signal += w * w;
        noise += (w - deq) * (w - deq);
      }
      EXPECT_DOUBLE_EQ(got[r].signal, signal);
      EXPECT_DOUBLE_EQ(got[r].noise, noise);
      // INT4 of Laplace data: SQNR is positive and far from perfect.
      const double db = 10.0 * std::log10(signal / noise);
      EXPECT_GT(db, 5.0);
      EXPECT_LT(db, 30.0);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllVariants, SqnrVariant,
                         ::testing::ValuesIn(test::variants(sqnr_kernels())), test::VariantName());

}  // namespace
}  // namespace mq::kernels
