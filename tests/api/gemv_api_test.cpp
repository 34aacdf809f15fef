// Packed weights and GEMV / GEMM through the shared library: creation from fp32 and from canonical
// buffers, lossless export, both compute modes against float64, batches, threads, and bad input.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "api/api_test_util.h"
#include "monoquant/monoquant.h"
#include "support/random_data.h"
#include "support/reference.h"

namespace {

using mq::test::Canary;

struct Matrix {
  uint64_t rows, cols, group;
  mq_format format;
  mq_scheme scheme;
};

// Packs `w` from fp32 and checks the handle against the test's own quantization of w.
mq_packed_weights* make(mq_context* ctx, const std::vector<float>& w, const Matrix& m,
                        mq::test::Int4Matrix* expected) {
  mq_pack_options o{};
  o.struct_size = sizeof(o);
  o.format = m.format;
  o.scheme = m.scheme;
  o.group_size = m.group;
  mq_packed_weights* p = nullptr;
  EXPECT_EQ(mq_packed_create_from_f32(ctx, w.data(), w.size(), m.rows, m.cols, &o, &p), MQ_OK)
      << mq::test::last_error();
  if (m.format == MQ_FORMAT_INT4) {
    *expected =
        mq::test::quantize_int4_ref(w, m.rows, m.cols, m.group, m.scheme == MQ_SCHEME_ASYMMETRIC);
  } else {
    std::vector<int8_t> codes;
    std::vector<float> scales;
    mq::test::quantize_int8_rows_ref(w, m.rows, m.cols, &codes, &scales);
    expected->rows = m.rows;
    expected->cols = m.cols;
    expected->group = m.cols;
    expected->codes.assign(codes.begin(), codes.end());
    expected->scales = scales;
    expected->zero_points.assign(m.rows, 0);
  }
  return p;
}

void expect_gemv_matches(mq_context* ctx, mq_packed_weights* p, const mq::test::Int4Matrix& ref,
                         uint64_t batch, const char* where) {
  const uint64_t rows = ref.rows, cols = ref.cols;
  const auto x =
      mq::test::random_floats(batch * cols, mq::test::Distribution::gaussian, rows + cols);
  const auto bias = mq::test::random_floats(rows, mq::test::Distribution::gaussian, 77);
  const auto deq = mq::test::dequantize_ref(ref);
  for (const mq_compute_mode mode : {MQ_COMPUTE_F32, MQ_COMPUTE_INT8}) {
    std::vector<float> y(batch * rows);
    const mq_status st = batch == 1 ? mq_gemv(ctx, p, mode, x.data(), x.size(), bias.data(), rows,
                                              y.data(), y.size())
                                    : mq_gemm(ctx, p, mode, x.data(), x.size(), batch, bias.data(),
                                              rows, y.data(), y.size());
    ASSERT_EQ(st, MQ_OK) << mq::test::last_error();
    const size_t groups = ref.groups();
    const size_t terms = mode == MQ_COMPUTE_F32 ? cols : groups * ((ref.group + 31) / 32) + groups;
    for (uint64_t b = 0; b < batch; ++b) {
      const auto r = mode == MQ_COMPUTE_F32
                         ? mq::test::gemv_f64(deq, rows, cols, x.data() + b * cols, bias.data())
                         : mq::test::gemv_int8_mode_f64(ref, x.data() + b * cols, bias.data());
      for (uint64_t n = 0; n < rows; ++n) {
        ASSERT_NEAR(y[b * rows + n], r.y[n], mq::test::summation_tolerance(terms, r.abs_sum[n]))
            << where << " mode " << mode << " row " << n;
      }
    }
  }
}

TEST(Gemv, BothModesOnEveryShapeClass) {
  for (const Matrix m :
       {Matrix{1, 1, 128, MQ_FORMAT_INT4, MQ_SCHEME_SYMMETRIC},
        Matrix{1, 4096, 128, MQ_FORMAT_INT4, MQ_SCHEME_SYMMETRIC},
        Matrix{33, 5, 128, MQ_FORMAT_INT4, MQ_SCHEME_ASYMMETRIC},    // K < G
        Matrix{17, 387, 128, MQ_FORMAT_INT4, MQ_SCHEME_SYMMETRIC},   // partial last group, odd K
        Matrix{64, 1000, 48, MQ_FORMAT_INT4, MQ_SCHEME_ASYMMETRIC},  // non-power-of-two group
        Matrix{130, 4096, 128, MQ_FORMAT_INT4, MQ_SCHEME_ASYMMETRIC},
        Matrix{3, 70001, 256, MQ_FORMAT_INT4, MQ_SCHEME_SYMMETRIC},  // large K
        Matrix{29, 300, 0, MQ_FORMAT_INT8_ROWS, MQ_SCHEME_SYMMETRIC}}) {
    const auto w = mq::test::random_floats(m.rows * m.cols, mq::test::Distribution::laplace,
                                           m.rows * 7 + m.cols);
    mq::test::Int4Matrix ref;
    mq_packed_weights* p = make(nullptr, w, m, &ref);
    ASSERT_NE(p, nullptr);
    expect_gemv_matches(nullptr, p, ref, 1, "gemv");
    expect_gemv_matches(nullptr, p, ref, 5, "gemm");
    mq_packed_destroy(p);
  }
}

TEST(PackedWeights, InfoAndLosslessExport) {
  for (const mq_scheme scheme : {MQ_SCHEME_SYMMETRIC, MQ_SCHEME_ASYMMETRIC}) {
    const Matrix m{45, 301, 64, MQ_FORMAT_INT4, scheme};
    const auto w = mq::test::random_floats(m.rows * m.cols, mq::test::Distribution::gaussian, 8);
    mq::test::Int4Matrix ref;
    mq_packed_weights* p = make(nullptr, w, m, &ref);
    mq_packed_info info{};
    info.struct_size = sizeof(info);
    ASSERT_EQ(mq_packed_get_info(p, &info), MQ_OK);
    EXPECT_EQ(info.rows, 45U);
    EXPECT_EQ(info.cols, 301U);
    EXPECT_EQ(info.group_size, 64U);
    EXPECT_EQ(info.format, MQ_FORMAT_INT4);
    EXPECT_EQ(info.scheme, scheme);
    EXPECT_EQ(info.codes_len, 45U * 151U);
    EXPECT_EQ(info.scales_len, 45U * 5U);
    EXPECT_EQ(info.zero_points_len, scheme == MQ_SCHEME_ASYMMETRIC ? 45U * 5U : 0U);
    EXPECT_GE(info.packed_bytes, info.codes_len + info.scales_len * 4);
    ASSERT_NE(info.kernel_name, nullptr);
    const bool asym = scheme == MQ_SCHEME_ASYMMETRIC;
    std::vector<uint8_t> codes(info.codes_len), zps(info.zero_points_len);
    std::vector<float> scales(info.scales_len);
    ASSERT_EQ(mq_packed_export(p, codes.data(), codes.size(), scales.data(), scales.size(),
                               asym ? zps.data() : nullptr, zps.size()),
              MQ_OK);
    EXPECT_EQ(codes, mq::test::pack_codes(ref));
    EXPECT_EQ(std::memcmp(scales.data(), ref.scales.data(), scales.size() * 4), 0);
    if (asym) {
      EXPECT_EQ(zps, std::vector<uint8_t>(ref.zero_points.begin(), ref.zero_points.end()));
    }

    // Re-import the export: the new handle exports the same bytes again.
    mq_packed_weights* q = nullptr;
    ASSERT_EQ(mq_packed_create_from_int4(nullptr, codes.data(), codes.size(), scales.data(),
                                         scales.size(), asym ? zps.data() : nullptr, zps.size(),
                                         m.rows, m.cols, m.group, scheme, &q),
              MQ_OK);
    std::vector<uint8_t> codes2(codes.size()), zps2(zps.size());
    std::vector<float> scales2(scales.size());
    ASSERT_EQ(mq_packed_export(q, codes2.data(), codes2.size(), scales2.data(), scales2.size(),
                               asym ? zps2.data() : nullptr, zps2.size()),
              MQ_OK);
    EXPECT_EQ(codes2, codes);
    EXPECT_EQ(scales2, scales);
    EXPECT_EQ(zps2, zps);
    // An older caller's smaller info struct is filled only as far as it reaches.
    mq_packed_info old{};
    std::memset(&old, 0xAB, sizeof(old));
    old.struct_size = static_cast<uint32_t>(offsetof(mq_packed_info, rows));
    ASSERT_EQ(mq_packed_get_info(q, &old), MQ_OK);
    EXPECT_EQ(old.format, MQ_FORMAT_INT4);
    uint64_t untouched = 0;
    std::memset(&untouched, 0xAB, sizeof(untouched));
    EXPECT_EQ(old.rows, untouched);
    mq_packed_destroy(p);
    mq_packed_destroy(q);
  }
}

TEST(PackedWeights, Int8RowsRoundTrip) {
  const uint64_t rows = 7, cols = 99;
  const auto w = mq::test::random_floats(rows * cols, mq::test::Distribution::gaussian, 10);
  std::vector<int8_t> codes(rows * cols);
  std::vector<float> scales(rows);
  ASSERT_EQ(mq_quantize_int8_rows(nullptr, w.data(), w.size(), rows, cols, codes.data(),
                                  codes.size(), scales.data(), rows),
            MQ_OK);
  mq_packed_weights* p = nullptr;
  ASSERT_EQ(mq_packed_create_from_int8_rows(nullptr, codes.data(), codes.size(), scales.data(),
                                            rows, rows, cols, &p),
            MQ_OK);
  std::vector<int8_t> back(codes.size());
  std::vector<float> back_scales(rows);
  ASSERT_EQ(mq_packed_export(p, reinterpret_cast<uint8_t*>(back.data()), back.size(),
                             back_scales.data(), rows, nullptr, 0),
            MQ_OK);
  EXPECT_EQ(back, codes);
  EXPECT_EQ(back_scales, scales);
  mq_packed_destroy(p);
}

int32_t reversed_executor(void* user, uint64_t count, mq_task_fn task, void* task_context) {
  *static_cast<int*>(user) += 1;
  for (uint64_t i = count; i-- > 0;) task(task_context, i);
  return 0;
}

// 1 thread, 2 pool threads and a host executor give identical bits (each row is computed by one
// task in one order).
TEST(Gemv, ThreadCountDoesNotChangeBits) {
  const Matrix m{1031, 4096, 128, MQ_FORMAT_INT4, MQ_SCHEME_ASYMMETRIC};
  const auto w = mq::test::random_floats(m.rows * m.cols, mq::test::Distribution::gaussian, 11);
  int calls = 0;
  mq_context_options two{};
  two.struct_size = sizeof(two);
  two.num_threads = 2;
  mq_context* c2 = nullptr;
  ASSERT_EQ(mq_context_create(&two, &c2), MQ_OK);
  mq_context* ch = mq::test::host_executor_context(reversed_executor, &calls, 3);
  ASSERT_NE(ch, nullptr);
  mq::test::Int4Matrix ref;
  mq_packed_weights* p = make(nullptr, w, m, &ref);
  const auto x = mq::test::random_floats(4 * m.cols, mq::test::Distribution::gaussian, 12);
  for (const mq_compute_mode mode : {MQ_COMPUTE_F32, MQ_COMPUTE_INT8}) {
    std::vector<float> y1(4 * m.rows), y2(4 * m.rows), yh(4 * m.rows);
    ASSERT_EQ(mq_gemm(nullptr, p, mode, x.data(), x.size(), 4, nullptr, 0, y1.data(), y1.size()),
              MQ_OK);
    ASSERT_EQ(mq_gemm(c2, p, mode, x.data(), x.size(), 4, nullptr, 0, y2.data(), y2.size()), MQ_OK);
    ASSERT_EQ(mq_gemm(ch, p, mode, x.data(), x.size(), 4, nullptr, 0, yh.data(), yh.size()), MQ_OK);
    EXPECT_EQ(std::memcmp(y1.data(), y2.data(), y1.size() * 4), 0);
    EXPECT_EQ(std::memcmp(y1.data(), yh.data(), y1.size() * 4), 0);
  }
  EXPECT_GE(calls, 2);
  mq_packed_destroy(p);
  mq_context_destroy(c2);
  mq_context_destroy(ch);
}

// A call with little work stays on the calling thread: handing it to another core costs more than
// it saves (capi/parallel.h, kMinBytesToSplit). The F32 mode and batches count as more work per
// byte than the INT8 mode of one vector.
TEST(Gemv, SmallCallsStayOnTheCallingThread) {
  int calls = 0;
  mq_context* c = mq::test::host_executor_context(reversed_executor, &calls, 2);
  ASSERT_NE(c, nullptr);
  struct Case {
    uint64_t rows;
    uint64_t batch;
    mq_compute_mode mode;
    bool split;
  };
  // Packed INT4, K = 1024, group 128: about 544 bytes per row.
  const Case cases[] = {{1024, 1, MQ_COMPUTE_INT8, false},
                        {2048, 1, MQ_COMPUTE_INT8, true},
                        {1024, 2, MQ_COMPUTE_INT8, true},
                        {256, 1, MQ_COMPUTE_F32, false},
                        {1024, 1, MQ_COMPUTE_F32, true}};
  for (const Case& k : cases) {
    const Matrix m{k.rows, 1024, 128, MQ_FORMAT_INT4, MQ_SCHEME_SYMMETRIC};
    const auto w = mq::test::random_floats(m.rows * m.cols, mq::test::Distribution::gaussian, 21);
    mq::test::Int4Matrix ref;
    mq_packed_weights* p = make(c, w, m, &ref);
    const auto x = mq::test::random_floats(k.batch * m.cols, mq::test::Distribution::gaussian, 22);
    std::vector<float> y(k.batch * m.rows);
    calls = 0;
    ASSERT_EQ(mq_gemm(c, p, k.mode, x.data(), x.size(), k.batch, nullptr, 0, y.data(), y.size()),
              MQ_OK);
    EXPECT_EQ(calls, k.split ? 1 : 0)
        << k.rows << " rows, mode " << k.mode << ", batch " << k.batch;
    mq_packed_destroy(p);
  }
  mq_context_destroy(c);
}

TEST(Gemv, InvalidArgumentsWriteNothing) {
  const Matrix m{8, 64, 32, MQ_FORMAT_INT4, MQ_SCHEME_SYMMETRIC};
  const auto w = mq::test::random_floats(m.rows * m.cols, mq::test::Distribution::gaussian, 13);
  mq::test::Int4Matrix ref;
  mq_packed_weights* p = make(nullptr, w, m, &ref);
  auto x = mq::test::random_floats(2 * m.cols, mq::test::Distribution::gaussian, 14);
  std::vector<float> bias(m.rows, 1.0F);
  Canary<float> y(2 * m.rows);
  const float* X = x.data();
  MQ_EXPECT_FAILS(mq_gemv(nullptr, nullptr, MQ_COMPUTE_F32, X, 64, nullptr, 0, y.ptr(), 8),
                  MQ_ERR_NULL_POINTER, "mq_gemv: packed is NULL");
  MQ_EXPECT_FAILS(mq_gemv(nullptr, p, MQ_COMPUTE_F32, nullptr, 64, nullptr, 0, y.ptr(), 8),
                  MQ_ERR_NULL_POINTER, "x is NULL");
  MQ_EXPECT_FAILS(mq_gemv(nullptr, p, MQ_COMPUTE_F32, X, 64, nullptr, 0, nullptr, 8),
                  MQ_ERR_NULL_POINTER, "y is NULL");
  MQ_EXPECT_FAILS(
      mq_gemv(nullptr, p, static_cast<mq_compute_mode>(9), X, 64, nullptr, 0, y.ptr(), 8),
      MQ_ERR_INVALID_ARGUMENT, "mode 9");
  MQ_EXPECT_FAILS(mq_gemv(nullptr, p, MQ_COMPUTE_F32, X, 63, nullptr, 0, y.ptr(), 8),
                  MQ_ERR_BUFFER_TOO_SMALL, "x_len is 63 but the shape needs 64");
  MQ_EXPECT_FAILS(mq_gemv(nullptr, p, MQ_COMPUTE_F32, X, 64, nullptr, 0, y.ptr(), 7),
                  MQ_ERR_BUFFER_TOO_SMALL, "y_len is 7");
  MQ_EXPECT_FAILS(mq_gemv(nullptr, p, MQ_COMPUTE_F32, X, 64, bias.data(), 7, y.ptr(), 8),
                  MQ_ERR_BUFFER_TOO_SMALL, "bias_len is 7");
  MQ_EXPECT_FAILS(mq_gemv(nullptr, p, MQ_COMPUTE_F32, X, 64, nullptr, 8, y.ptr(), 8),
                  MQ_ERR_INVALID_ARGUMENT, "bias is NULL but bias_len is 8");
  MQ_EXPECT_FAILS(mq_gemm(nullptr, p, MQ_COMPUTE_F32, X, 128, 0, nullptr, 0, y.ptr(), 16),
                  MQ_ERR_INVALID_SHAPE, "batch must be >= 1");
  MQ_EXPECT_FAILS(
      mq_gemm(nullptr, p, MQ_COMPUTE_F32, X, 128, uint64_t{1} << 62, nullptr, 0, y.ptr(), 16),
      MQ_ERR_INVALID_SHAPE, "overflows");
  MQ_EXPECT_FAILS(mq_gemm(nullptr, p, MQ_COMPUTE_F32, X, 128, 3, nullptr, 0, y.ptr(), 16),
                  MQ_ERR_BUFFER_TOO_SMALL, "x_len is 128 but the shape needs 192");
  x[64 + 5] = std::numeric_limits<float>::quiet_NaN();
  MQ_EXPECT_FAILS(mq_gemm(nullptr, p, MQ_COMPUTE_INT8, X, 128, 2, nullptr, 0, y.ptr(), 16),
                  MQ_ERR_NON_FINITE, "x[1][5] is nan");
  bias[3] = std::numeric_limits<float>::infinity();
  MQ_EXPECT_FAILS(mq_gemv(nullptr, p, MQ_COMPUTE_F32, X, 64, bias.data(), 8, y.ptr(), 8),
                  MQ_ERR_NON_FINITE, "bias[0][3] is inf");
  EXPECT_TRUE(y.untouched());
  // y overlapping x is refused (the kernels read x while writing y).
  std::vector<float> shared(64 + 8, 0.5F);
  MQ_EXPECT_FAILS(
      mq_gemv(nullptr, p, MQ_COMPUTE_F32, shared.data(), 64, nullptr, 0, shared.data() + 60, 8),
      MQ_ERR_INVALID_ARGUMENT, "y overlaps x or bias");
  mq_packed_destroy(p);
}

TEST(PackedWeights, InvalidArgumentsCreateNothing) {
  const auto w = mq::test::random_floats(4 * 64, mq::test::Distribution::gaussian, 15);
  mq_packed_weights* p =
      reinterpret_cast<mq_packed_weights*>(0x1);  // must stay untouched on failure
  mq_pack_options o{};
  o.struct_size = sizeof(o);
  MQ_EXPECT_FAILS(mq_packed_create_from_f32(nullptr, nullptr, 256, 4, 64, &o, &p),
                  MQ_ERR_NULL_POINTER, "mq_packed_create_from_f32: weights is NULL");
  MQ_EXPECT_FAILS(mq_packed_create_from_f32(nullptr, w.data(), 256, 4, 64, &o, nullptr),
                  MQ_ERR_NULL_POINTER, "packed is NULL");
  o.format = static_cast<mq_format>(5);
  MQ_EXPECT_FAILS(mq_packed_create_from_f32(nullptr, w.data(), 256, 4, 64, &o, &p),
                  MQ_ERR_INVALID_ARGUMENT, "format 5");
  o.format = MQ_FORMAT_INT8_ROWS;
  o.scheme = MQ_SCHEME_ASYMMETRIC;
  MQ_EXPECT_FAILS(mq_packed_create_from_f32(nullptr, w.data(), 256, 4, 64, &o, &p),
                  MQ_ERR_INVALID_ARGUMENT, "symmetric only");
  o.format = MQ_FORMAT_INT4;
  o.struct_size = 0;
  MQ_EXPECT_FAILS(mq_packed_create_from_f32(nullptr, w.data(), 256, 4, 64, &o, &p),
                  MQ_ERR_INVALID_ARGUMENT, "struct_size 0");
  o.struct_size = sizeof(o);
  MQ_EXPECT_FAILS(mq_packed_create_from_f32(nullptr, w.data(), 255, 4, 64, &o, &p),
                  MQ_ERR_BUFFER_TOO_SMALL, "weights_len");
  auto bad = w;
  bad[130] = -std::numeric_limits<float>::infinity();
  MQ_EXPECT_FAILS(mq_packed_create_from_f32(nullptr, bad.data(), 256, 4, 64, &o, &p),
                  MQ_ERR_NON_FINITE, "weight at row 2, column 2 is -inf");
  std::vector<uint8_t> codes(4 * 32, 0x11);
  std::vector<float> scales(4 * 2, 0.1F);
  std::vector<uint8_t> zps(8, 3);
  MQ_EXPECT_FAILS(mq_packed_create_from_int4(nullptr, codes.data(), codes.size(), scales.data(), 8,
                                             nullptr, 0, 4, 64, 32, MQ_SCHEME_ASYMMETRIC, &p),
                  MQ_ERR_NULL_POINTER, "zero_points");
  zps[7] = 200;
  MQ_EXPECT_FAILS(mq_packed_create_from_int4(nullptr, codes.data(), codes.size(), scales.data(), 8,
                                             zps.data(), 8, 4, 64, 32, MQ_SCHEME_ASYMMETRIC, &p),
                  MQ_ERR_VALUE_OUT_OF_RANGE, "zero point of row 3, group 1 is 200");
  scales[2] = std::numeric_limits<float>::quiet_NaN();
  MQ_EXPECT_FAILS(mq_packed_create_from_int4(nullptr, codes.data(), codes.size(), scales.data(), 8,
                                             nullptr, 0, 4, 64, 32, MQ_SCHEME_SYMMETRIC, &p),
                  MQ_ERR_VALUE_OUT_OF_RANGE, "scale of row 1, group 0 is nan");
  MQ_EXPECT_FAILS(mq_packed_create_from_int4(nullptr, codes.data(), codes.size() - 1, scales.data(),
                                             8, nullptr, 0, 4, 64, 32, MQ_SCHEME_SYMMETRIC, &p),
                  MQ_ERR_BUFFER_TOO_SMALL, "codes_len");
  std::vector<int8_t> c8(256, -128);
  const std::vector<float> row_scales(4, 0.5F);
  MQ_EXPECT_FAILS(
      mq_packed_create_from_int8_rows(nullptr, c8.data(), 256, row_scales.data(), 4, 4, 64, &p),
      MQ_ERR_VALUE_OUT_OF_RANGE, "-128");
  EXPECT_EQ(p, reinterpret_cast<mq_packed_weights*>(0x1));
  EXPECT_EQ(mq_packed_destroy(nullptr), MQ_OK);
  mq_packed_info info{};
  info.struct_size = sizeof(info);
  MQ_EXPECT_FAILS(mq_packed_get_info(nullptr, &info), MQ_ERR_NULL_POINTER,
                  "mq_packed_get_info: packed is NULL");
  MQ_EXPECT_FAILS(mq_packed_export(nullptr, codes.data(), 128, scales.data(), 8, nullptr, 0),
                  MQ_ERR_NULL_POINTER, "mq_packed_export: packed is NULL");
}

}  // namespace
