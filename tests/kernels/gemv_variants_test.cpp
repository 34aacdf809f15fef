// Every variant of the gemv family, forced one by one: its packed layout round-trips losslessly;
// F32 mode matches the float64 product of dequant(W) and x to float32 summation error; INT8 mode
// matches the float64 evaluation of its definition to float32 error over the block terms and stays
// within 1e-2 relative L2 of F32 mode on Gaussian data; batches match single vectors; any row split
// gives the same bits; nothing outside the buffers is touched.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <vector>

#include "gemv/gemv.h"
#include "support/guarded_buffer.h"
#include "support/random_data.h"
#include "support/reference.h"
#include "support/variants.h"

namespace mq::kernels {
namespace {

// One weight matrix in canonical form, with its float dequantization.
struct Weights {
  GemvShape shape;
  test::Int4Matrix codes;          // codes/scales/zero points (int8_rows: group = cols, zp 0)
  std::vector<uint8_t> canonical;  // packed nibbles (int4) or int8 codes (int8_rows)
  std::vector<float> dequantized;
};

Weights make_weights(size_t rows, size_t cols, size_t group, Format format, Scheme scheme,
                     uint64_t seed) {
  const auto w = test::random_floats(rows * cols, test::Distribution::gaussian, seed);
  Weights out;
  out.shape = {rows, cols, format == Format::int8_rows ? cols : group, format, scheme};
  if (format == Format::int4) {
    out.codes = test::quantize_int4_ref(w, rows, cols, group, scheme == Scheme::asymmetric);
    out.canonical = test::pack_codes(out.codes);
  } else {
    std::vector<int8_t> codes;
    std::vector<float> scales;
    test::quantize_int8_rows_ref(w, rows, cols, &codes, &scales);
    out.codes.rows = rows;
    out.codes.cols = cols;
    out.codes.group = cols;
    out.codes.codes.assign(codes.begin(), codes.end());
    out.codes.scales = scales;
    out.codes.zero_points.assign(rows, 0);
    out.canonical.assign(reinterpret_cast<const uint8_t*>(codes.data()),
                         reinterpret_cast<const uint8_t*>(codes.data()) + codes.size());
  }
  out.dequantized = test::dequantize_ref(out.codes);
  return out;
}

std::vector<uint8_t> zero_points_of(const Weights& w) {
  std::vector<uint8_t> z(w.codes.zero_points.begin(), w.codes.zero_points.end());
  return z;
}

// The packed layout, in a buffer that ends at a guard page.
struct Packed {
  std::unique_ptr<test::GuardedBuffer> buffer;
  const void* data() const { return buffer->data(); }
};

Packed pack(const GemvKernel& k, const Weights& w) {
  Packed p;
  p.buffer =
      std::make_unique<test::GuardedBuffer>(k.packed_bytes(w.shape), true, kGemvBufferAlignment);
  const auto zps = zero_points_of(w);
  k.pack(w.shape, w.canonical.data(), w.codes.scales.data(),
         w.shape.scheme == Scheme::asymmetric ? zps.data() : nullptr, p.buffer->data());
  return p;
}

enum class Mode { f32, int8 };

// Runs one GEMM over rows [begin, end) with x, bias, y and the activation workspace in guarded
// buffers.
std::vector<float> run(const GemvKernel& k, const Weights& w, const Packed& p, Mode mode,
                       const std::vector<float>& x, size_t batch, const std::vector<float>* bias,
                       size_t begin, size_t end, std::vector<float> y_init = {}) {
  const GemvShape& s = w.shape;
  test::GuardedBuffer xb(x.size() * sizeof(float)), yb(batch * s.rows * sizeof(float));
  xb.fill(x.data(), x.size() * sizeof(float));
  if (y_init.empty()) y_init.assign(batch * s.rows, -12345.0F);
  yb.fill(y_init.data(), y_init.size() * sizeof(float));
  std::unique_ptr<test::GuardedBuffer> bb;
  if (bias != nullptr) {
    bb = std::make_unique<test::GuardedBuffer>(bias->size() * sizeof(float));
    bb->fill(bias->data(), bias->size() * sizeof(float));
  }
  const float* bias_ptr = bb ? bb->as<float>() : nullptr;
  if (mode == Mode::f32) {
    k.gemm_f32(s, p.data(), xb.as<float>(), batch, bias_ptr, yb.as<float>(), begin, end);
  } else {
    test::GuardedBuffer act(k.act_bytes(s, batch), true, kGemvBufferAlignment);
    k.quantize_act(s, xb.as<float>(), batch, act.data());
    k.gemm_int8(s, p.data(), act.data(), batch, bias_ptr, yb.as<float>(), begin, end);
  }
  return std::vector<float>(yb.as<float>(), yb.as<float>() + batch * s.rows);
}

void expect_close_to_reference(const Weights& w, Mode mode, const std::vector<float>& x,
                               size_t batch, const std::vector<float>* bias,
                               const std::vector<float>& y, const std::string& where) {
  const GemvShape& s = w.shape;
  const size_t groups = groups_per_row(s.cols, s.group);
  const size_t terms = mode == Mode::f32 ? s.cols : groups * act_blocks_per_group(s.group) + groups;
  for (size_t b = 0; b < batch; ++b) {
    const float* xv = x.data() + b * s.cols;
    const float* bv = bias != nullptr ? bias->data() : nullptr;
    const test::GemvReference ref = mode == Mode::f32
                                        ? test::gemv_f64(w.dequantized, s.rows, s.cols, xv, bv)
                                        : test::gemv_int8_mode_f64(w.codes, xv, bv);
    for (size_t n = 0; n < s.rows; ++n) {
      const double tol = test::summation_tolerance(terms, ref.abs_sum[n]);
      ASSERT_NEAR(y[b * s.rows + n], ref.y[n], tol)
          << where << " batch " << b << " row " << n << (mode == Mode::f32 ? " f32" : " int8");
    }
  }
}

struct Case {
  Format format;
  Scheme scheme;
};
constexpr Case kCases[] = {{Format::int4, Scheme::symmetric},
                           {Format::int4, Scheme::asymmetric},
                           {Format::int8_rows, Scheme::symmetric}};

class GemvVariant : public ::testing::TestWithParam<const GemvKernel*> {};

TEST_P(GemvVariant, PackRoundTripsLosslessly) {
  const GemvKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  for (const Case c : kCases) {
    for (const size_t rows : {1, 3, 8, 17, 33}) {
      for (const size_t cols : {1, 31, 64, 129, 256, 1000}) {
        for (const size_t group : {32, 64, 128}) {
          const Weights w = make_weights(rows, cols, group, c.format, c.scheme,
                                         test::test_seed(rows * 1000 + cols + group));
          if (!k.supports(w.shape)) continue;
          const Packed p = pack(k, w);
          std::vector<uint8_t> codes(w.canonical.size(), 0xEE);
          std::vector<float> scales(w.codes.scales.size(), -1.0F);
          std::vector<uint8_t> zps(w.codes.zero_points.size(), 0xEE);
          k.unpack(w.shape, p.data(), codes.data(), scales.data(),
                   c.scheme == Scheme::asymmetric ? zps.data() : nullptr);
          ASSERT_EQ(codes, w.canonical);
          ASSERT_EQ(std::memcmp(scales.data(), w.codes.scales.data(), scales.size() * 4), 0);
          if (c.scheme == Scheme::asymmetric) {
            ASSERT_EQ(zps, zero_points_of(w));
          }
        }
      }
    }
  }
}

TEST_P(GemvVariant, BothModesMatchTheirDefinitionOnEveryShapeClass) {
  const GemvKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  size_t ran = 0;
  for (const Case c : kCases) {
    for (const size_t rows : {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 65}) {
      for (const size_t cols : {1, 3, 31, 32, 33, 100, 128, 129, 255, 256, 511, 1024, 4096 + 96}) {
        // Every row count around the tiles for short rows; long rows with a few row counts only
        // (they exercise the column loops, which do not depend on the row count): the sweep stays
        // fast under qemu.
        if (cols >= 1024 && rows != 1 && rows != 17 && rows != 65) continue;
        for (const size_t group : {1, 16, 32, 48, 64, 128, 256}) {
          if (c.format == Format::int8_rows && group != 32) continue;  // group is the row there
          const uint64_t seed = test::test_seed(rows * 100000 + cols * 100 + group);
          const Weights w = make_weights(rows, cols, group, c.format, c.scheme, seed);
          if (!k.supports(w.shape)) continue;
          ++ran;
          const Packed p = pack(k, w);
          const auto x = test::random_floats(cols, test::Distribution::gaussian, seed + 1);
          const auto bias = test::random_floats(rows, test::Distribution::gaussian, seed + 2);
          const std::string where =
              std::to_string(rows) + "x" + std::to_string(cols) + "/g" + std::to_string(group);
          for (const Mode mode : {Mode::f32, Mode::int8}) {
            const auto y = run(k, w, p, mode, x, 1, &bias, 0, rows);
            expect_close_to_reference(w, mode, x, 1, &bias, y, where);
            const auto y_nobias = run(k, w, p, mode, x, 1, nullptr, 0, rows);
            expect_close_to_reference(w, mode, x, 1, nullptr, y_nobias, where + " no bias");
            if (HasFatalFailure()) return;
          }
        }
      }
    }
  }
  EXPECT_GT(ran, 0U) << "the variant supported no shape at all";
}

// INT8 mode rounds x * inv to nearest with ties to even, as docs/formats.md says. Random data
// almost never lands on a tie, so here every activation block has absmax 127 (sx = 1 and inv = 1
// exactly) and its other values are halves (-126.5 .. 126.5): each one is a tie, and ties away from
// zero (or truncation) would move a code by one, far beyond the reference's tolerance. Single
// vectors and a batch of 4, since batches may take another path.
TEST_P(GemvVariant, Int8ActivationTiesRoundToEven) {
  const GemvKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  for (const Case c : kCases) {
    for (const size_t group : {32, 128}) {
      const size_t rows = 17;
      const size_t cols = 4096 + 96;
      const Weights w = make_weights(rows, cols, group, c.format, c.scheme, test::test_seed(group));
      if (!k.supports(w.shape)) continue;
      const Packed p = pack(k, w);
      for (const size_t batch : {1, 4}) {
        std::vector<float> x(batch * cols);
        for (size_t i = 0; i < x.size(); ++i) {
          const size_t col = i % cols;
          if (col % 32 == 0) {
            x[i] = (i / 32) % 2 == 0 ? 127.0F : -127.0F;
          } else {
            x[i] = static_cast<float>(static_cast<int>((i * 7) % 254) - 127) + 0.5F;
          }
        }
        const auto y = run(k, w, p, Mode::int8, x, batch, nullptr, 0, rows);
        expect_close_to_reference(
            w, Mode::int8, x, batch, nullptr, y,
            "ties g" + std::to_string(group) + " batch " + std::to_string(batch));
        if (HasFatalFailure()) return;
      }
    }
  }
}

// A batch of M vectors gives each vector's GEMV result, for M = 1..16.
TEST_P(GemvVariant, BatchesMatchSingleVectors) {
  const GemvKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  for (const Case c : kCases) {
    const Weights w = make_weights(37, 384, 128, c.format, c.scheme, test::test_seed(1));
    if (!k.supports(w.shape)) continue;
    const Packed p = pack(k, w);
    for (size_t batch = 1; batch <= 16; ++batch) {
      const auto x =
          test::random_floats(batch * 384, test::Distribution::gaussian, test::test_seed(batch));
      const auto bias = test::random_floats(37, test::Distribution::gaussian, test::test_seed(99));
      for (const Mode mode : {Mode::f32, Mode::int8}) {
        const auto y = run(k, w, p, mode, x, batch, &bias, 0, 37);
        expect_close_to_reference(w, mode, x, batch, &bias, y, "batch " + std::to_string(batch));
        if (HasFatalFailure()) return;
      }
    }
  }
}

// Splitting the rows at any multiple of row_tile gives the same bits as one call (thread
// independence), and rows outside the range are not written.
TEST_P(GemvVariant, RowSplitsGiveIdenticalBits) {
  const GemvKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  for (const Case c : kCases) {
    const size_t rows = 8 * k.row_tile + 3;
    const Weights w = make_weights(rows, 640, 64, c.format, c.scheme, test::test_seed(rows));
    if (!k.supports(w.shape)) continue;
    const Packed p = pack(k, w);
    const size_t batch = 3;
    const auto x =
        test::random_floats(batch * 640, test::Distribution::laplace, test::test_seed(2));
    for (const Mode mode : {Mode::f32, Mode::int8}) {
      const auto whole = run(k, w, p, mode, x, batch, nullptr, 0, rows);
      for (const size_t split : {k.row_tile, 3 * k.row_tile, 8 * k.row_tile}) {
        auto first = run(k, w, p, mode, x, batch, nullptr, 0, split);
        for (size_t b = 0; b < batch; ++b) {
          for (size_t n = split; n < rows; ++n)
            ASSERT_EQ(first[b * rows + n], -12345.0F) << "wrote row " << n;
        }
        const auto both = run(k, w, p, mode, x, batch, nullptr, split, rows, first);
        ASSERT_EQ(std::memcmp(both.data(), whole.data(), whole.size() * 4), 0) << "split " << split;
      }
    }
  }
}

// The INT8 mode's documented accuracy: relative L2 error against F32 mode at most 1e-2 on Gaussian
// data.
TEST_P(GemvVariant, Int8ModeStaysWithinOnePercentOfF32) {
  const GemvKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  for (const Case c : kCases) {
    const Weights w = make_weights(256, 4096, 128, c.format, c.scheme, test::test_seed(3));
    if (!k.supports(w.shape)) continue;
    const Packed p = pack(k, w);
    const auto x = test::random_floats(4096, test::Distribution::gaussian, test::test_seed(4));
    const auto y32 = run(k, w, p, Mode::f32, x, 1, nullptr, 0, 256);
    const auto y8 = run(k, w, p, Mode::int8, x, 1, nullptr, 0, 256);
    double num = 0, den = 0;
    for (size_t n = 0; n < 256; ++n) {
      num += (static_cast<double>(y8[n]) - y32[n]) * (static_cast<double>(y8[n]) - y32[n]);
      den += static_cast<double>(y32[n]) * y32[n];
    }
    const double rel = std::sqrt(num / den);
    EXPECT_LE(rel, 1e-2);
    RecordProperty(c.format == Format::int4
                       ? (c.scheme == Scheme::symmetric ? "rel_l2_sym" : "rel_l2_asym")
                       : "rel_l2_int8_rows",
                   std::to_string(rel));
  }
}

// All-zero weights and x give exact zeros (plus bias), never NaN, in both modes.
TEST_P(GemvVariant, ZerosStayExact) {
  const GemvKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  for (const Case c : kCases) {
    Weights w = make_weights(9, 256, 128, c.format, c.scheme, test::test_seed(5));
    std::fill(w.canonical.begin(), w.canonical.end(), 0);
    std::fill(w.codes.scales.begin(), w.codes.scales.end(), 0.0F);
    std::fill(w.codes.zero_points.begin(), w.codes.zero_points.end(), 0);
    if (!k.supports(w.shape)) continue;
    const Packed p = pack(k, w);
    const std::vector<float> x(256, 0.0F);
    const std::vector<float> bias(9, 1.5F);
    for (const Mode mode : {Mode::f32, Mode::int8}) {
      const auto y = run(k, w, p, mode, x, 1, &bias, 0, 9);
      for (const float v : y) ASSERT_EQ(v, 1.5F);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllVariants, GemvVariant,
                         ::testing::ValuesIn(test::variants(gemv_kernels())), test::VariantName());

}  // namespace
}  // namespace mq::kernels
