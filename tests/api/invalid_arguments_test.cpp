// Every invalid argument of every entry point returns the right status and a message that names the
// problem, and writes nothing to the caller's buffers.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "api/api_test_util.h"
#include "monoquant/monoquant.h"
#include "support/random_data.h"

namespace {

using mq::test::Canary;

constexpr uint64_t kRows = 3, kCols = 70, kGroup = 32;
constexpr uint64_t kGroups = kRows * 3;        // ceil(70 / 32) = 3 per row
constexpr uint64_t kCodes = kRows * 35;        // ceil(70 / 2) = 35 per row
constexpr uint64_t kHuge = uint64_t{1} << 62;  // a dimension whose products overflow

class InvalidArguments : public ::testing::Test {
 protected:
  std::vector<float> w =
      mq::test::random_floats(kRows * kCols, mq::test::Distribution::gaussian, 1);
  Canary<uint8_t> codes{kCodes};
  Canary<float> scales{kGroups};
  Canary<uint8_t> zps{kGroups};
};

TEST_F(InvalidArguments, QuantizeInt4) {
  const float* W = w.data();
  const uint64_t n = w.size();
  MQ_EXPECT_FAILS(mq_quantize_int4(nullptr, nullptr, n, kRows, kCols, kGroup, MQ_SCHEME_SYMMETRIC,
                                   codes.ptr(), kCodes, scales.ptr(), kGroups, nullptr, 0),
                  MQ_ERR_NULL_POINTER, "mq_quantize_int4: weights is NULL");
  MQ_EXPECT_FAILS(mq_quantize_int4(nullptr, W, n, kRows, kCols, kGroup, MQ_SCHEME_SYMMETRIC,
                                   nullptr, kCodes, scales.ptr(), kGroups, nullptr, 0),
                  MQ_ERR_NULL_POINTER, "codes is NULL");
  MQ_EXPECT_FAILS(mq_quantize_int4(nullptr, W, n, kRows, kCols, kGroup, MQ_SCHEME_SYMMETRIC,
                                   codes.ptr(), kCodes, nullptr, kGroups, nullptr, 0),
                  MQ_ERR_NULL_POINTER, "scales is NULL");
  MQ_EXPECT_FAILS(mq_quantize_int4(nullptr, W, n, kRows, kCols, kGroup, static_cast<mq_scheme>(7),
                                   codes.ptr(), kCodes, scales.ptr(), kGroups, nullptr, 0),
                  MQ_ERR_INVALID_ARGUMENT, "scheme 7");
  MQ_EXPECT_FAILS(mq_quantize_int4(nullptr, W, n, 0, kCols, kGroup, MQ_SCHEME_SYMMETRIC,
                                   codes.ptr(), kCodes, scales.ptr(), kGroups, nullptr, 0),
                  MQ_ERR_INVALID_SHAPE, "rows and cols must be >= 1 (got 0 x 70)");
  MQ_EXPECT_FAILS(mq_quantize_int4(nullptr, W, n, kRows, 0, kGroup, MQ_SCHEME_SYMMETRIC,
                                   codes.ptr(), kCodes, scales.ptr(), kGroups, nullptr, 0),
                  MQ_ERR_INVALID_SHAPE, "got 3 x 0");
  MQ_EXPECT_FAILS(mq_quantize_int4(nullptr, W, n, kRows, kCols, 0, MQ_SCHEME_SYMMETRIC, codes.ptr(),
                                   kCodes, scales.ptr(), kGroups, nullptr, 0),
                  MQ_ERR_INVALID_SHAPE, "group_size must be >= 1");
  MQ_EXPECT_FAILS(mq_quantize_int4(nullptr, W, n, kHuge, kHuge, kGroup, MQ_SCHEME_SYMMETRIC,
                                   codes.ptr(), kCodes, scales.ptr(), kGroups, nullptr, 0),
                  MQ_ERR_INVALID_SHAPE, "overflow the address space");
  MQ_EXPECT_FAILS(mq_quantize_int4(nullptr, W, n, uint64_t{1} << 61, 2, kGroup, MQ_SCHEME_SYMMETRIC,
                                   codes.ptr(), kCodes, scales.ptr(), kGroups, nullptr, 0),
                  MQ_ERR_INVALID_SHAPE, "overflow the address space");
  MQ_EXPECT_FAILS(mq_quantize_int4(nullptr, W, n - 1, kRows, kCols, kGroup, MQ_SCHEME_SYMMETRIC,
                                   codes.ptr(), kCodes, scales.ptr(), kGroups, nullptr, 0),
                  MQ_ERR_BUFFER_TOO_SMALL, "weights_len is 209 but the shape needs 210");
  MQ_EXPECT_FAILS(mq_quantize_int4(nullptr, W, n, kRows, kCols, kGroup, MQ_SCHEME_SYMMETRIC,
                                   codes.ptr(), kCodes - 1, scales.ptr(), kGroups, nullptr, 0),
                  MQ_ERR_BUFFER_TOO_SMALL, "codes_len is 104 but the shape needs 105");
  MQ_EXPECT_FAILS(mq_quantize_int4(nullptr, W, n, kRows, kCols, kGroup, MQ_SCHEME_SYMMETRIC,
                                   codes.ptr(), kCodes, scales.ptr(), kGroups - 1, nullptr, 0),
                  MQ_ERR_BUFFER_TOO_SMALL, "scales_len is 8 but the shape needs 9");
  MQ_EXPECT_FAILS(mq_quantize_int4(nullptr, W, n, kRows, kCols, kGroup, MQ_SCHEME_ASYMMETRIC,
                                   codes.ptr(), kCodes, scales.ptr(), kGroups, nullptr, 0),
                  MQ_ERR_NULL_POINTER, "zero_points (required by the asymmetric scheme) is NULL");
  MQ_EXPECT_FAILS(
      mq_quantize_int4(nullptr, W, n, kRows, kCols, kGroup, MQ_SCHEME_ASYMMETRIC, codes.ptr(),
                       kCodes, scales.ptr(), kGroups, zps.ptr(), kGroups - 1),
      MQ_ERR_BUFFER_TOO_SMALL, "zero_points_len is 8");
  MQ_EXPECT_FAILS(mq_quantize_int4(nullptr, W, n, kRows, kCols, kGroup, MQ_SCHEME_SYMMETRIC,
                                   codes.ptr(), kCodes, scales.ptr(), kGroups, zps.ptr(), kGroups),
                  MQ_ERR_INVALID_ARGUMENT, "zero_points must be NULL");
  EXPECT_TRUE(codes.untouched());
  EXPECT_TRUE(scales.untouched());
  EXPECT_TRUE(zps.untouched());
}

// Non-finite weights are data errors: the status names the first one's row and column, and the
// outputs are zero-filled so no partial result survives.
TEST_F(InvalidArguments, QuantizeInt4NonFiniteWeights) {
  for (const float bad :
       {std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
        std::numeric_limits<float>::quiet_NaN()}) {
    std::vector<float> v = w;
    v[1 * kCols + 45] = bad;
    v[2 * kCols + 3] = bad;
    Canary<uint8_t> c(kCodes);
    Canary<float> s(kGroups);
    Canary<uint8_t> z(kGroups);
    MQ_EXPECT_FAILS(
        mq_quantize_int4(nullptr, v.data(), v.size(), kRows, kCols, kGroup, MQ_SCHEME_ASYMMETRIC,
                         c.ptr(), kCodes, s.ptr(), kGroups, z.ptr(), kGroups),
        MQ_ERR_NON_FINITE, "weight at row 1, column 45 is");
    EXPECT_TRUE(c.all_zero());
    EXPECT_TRUE(s.all_zero());
    EXPECT_TRUE(z.all_zero());
  }
}

TEST_F(InvalidArguments, QuantizeInt4AsymmetricRangeOverflow) {
  std::vector<float> v = w;
  v[kCols + 33] = 3.0e38F;
  v[kCols + 40] = -3.0e38F;
  MQ_EXPECT_FAILS(
      mq_quantize_int4(nullptr, v.data(), v.size(), kRows, kCols, kGroup, MQ_SCHEME_ASYMMETRIC,
                       codes.ptr(), kCodes, scales.ptr(), kGroups, zps.ptr(), kGroups),
      MQ_ERR_VALUE_OUT_OF_RANGE, "row 1 starting at column 32");
  EXPECT_TRUE(codes.all_zero());
}

TEST_F(InvalidArguments, QuantizeInt8Rows) {
  Canary<int8_t> c(kRows * kCols);
  Canary<float> s(kRows);
  const uint64_t n = w.size();
  MQ_EXPECT_FAILS(
      mq_quantize_int8_rows(nullptr, nullptr, n, kRows, kCols, c.ptr(), c.len(), s.ptr(), kRows),
      MQ_ERR_NULL_POINTER, "mq_quantize_int8_rows: weights is NULL");
  MQ_EXPECT_FAILS(
      mq_quantize_int8_rows(nullptr, w.data(), n, kRows, kCols, nullptr, c.len(), s.ptr(), kRows),
      MQ_ERR_NULL_POINTER, "codes is NULL");
  MQ_EXPECT_FAILS(
      mq_quantize_int8_rows(nullptr, w.data(), n, kRows, kCols, c.ptr(), c.len(), nullptr, kRows),
      MQ_ERR_NULL_POINTER, "scales is NULL");
  MQ_EXPECT_FAILS(
      mq_quantize_int8_rows(nullptr, w.data(), n, 0, kCols, c.ptr(), c.len(), s.ptr(), kRows),
      MQ_ERR_INVALID_SHAPE, "rows and cols must be >= 1");
  MQ_EXPECT_FAILS(
      mq_quantize_int8_rows(nullptr, w.data(), n, kHuge, kHuge, c.ptr(), c.len(), s.ptr(), kRows),
      MQ_ERR_INVALID_SHAPE, "overflow");
  MQ_EXPECT_FAILS(mq_quantize_int8_rows(nullptr, w.data(), n, kRows, kCols, c.ptr(), c.len() - 1,
                                        s.ptr(), kRows),
                  MQ_ERR_BUFFER_TOO_SMALL, "codes_len is 209");
  MQ_EXPECT_FAILS(mq_quantize_int8_rows(nullptr, w.data(), n, kRows, kCols, c.ptr(), c.len(),
                                        s.ptr(), kRows - 1),
                  MQ_ERR_BUFFER_TOO_SMALL, "scales_len is 2");
  EXPECT_TRUE(c.untouched());
  EXPECT_TRUE(s.untouched());
  std::vector<float> v = w;
  v[2 * kCols + 69] = std::numeric_limits<float>::quiet_NaN();
  MQ_EXPECT_FAILS(
      mq_quantize_int8_rows(nullptr, v.data(), n, kRows, kCols, c.ptr(), c.len(), s.ptr(), kRows),
      MQ_ERR_NON_FINITE, "weight at row 2, column 69 is nan");
  EXPECT_TRUE(c.all_zero());
  EXPECT_TRUE(s.all_zero());
}

TEST_F(InvalidArguments, GroupReduce) {
  Canary<float> a(kGroups), b(kGroups), c(kGroups);
  const uint64_t n = w.size();
  MQ_EXPECT_FAILS(mq_group_reduce(nullptr, nullptr, n, kRows, kCols, kGroup, a.ptr(), b.ptr(),
                                  c.ptr(), kGroups),
                  MQ_ERR_NULL_POINTER, "mq_group_reduce: weights is NULL");
  MQ_EXPECT_FAILS(mq_group_reduce(nullptr, w.data(), n, kRows, kCols, kGroup, nullptr, nullptr,
                                  nullptr, kGroups),
                  MQ_ERR_NULL_POINTER, "mins, maxs and absmaxs are all NULL");
  MQ_EXPECT_FAILS(
      mq_group_reduce(nullptr, w.data(), n, kRows, kCols, 0, a.ptr(), b.ptr(), c.ptr(), kGroups),
      MQ_ERR_INVALID_SHAPE, "group_size must be >= 1");
  MQ_EXPECT_FAILS(
      mq_group_reduce(nullptr, w.data(), n, kRows, 0, kGroup, a.ptr(), b.ptr(), c.ptr(), kGroups),
      MQ_ERR_INVALID_SHAPE, "rows and cols");
  MQ_EXPECT_FAILS(mq_group_reduce(nullptr, w.data(), n - 1, kRows, kCols, kGroup, a.ptr(), b.ptr(),
                                  c.ptr(), kGroups),
                  MQ_ERR_BUFFER_TOO_SMALL, "weights_len");
  MQ_EXPECT_FAILS(mq_group_reduce(nullptr, w.data(), n, kRows, kCols, kGroup, a.ptr(), b.ptr(),
                                  c.ptr(), kGroups - 1),
                  MQ_ERR_BUFFER_TOO_SMALL, "out_len is 8 but the shape needs 9");
  EXPECT_TRUE(a.untouched() && b.untouched() && c.untouched());
  std::vector<float> v = w;
  v[5] = -std::numeric_limits<float>::infinity();
  MQ_EXPECT_FAILS(mq_group_reduce(nullptr, v.data(), n, kRows, kCols, kGroup, a.ptr(), nullptr,
                                  c.ptr(), kGroups),
                  MQ_ERR_NON_FINITE, "weight at row 0, column 5 is -inf");
  EXPECT_TRUE(a.all_zero() && c.all_zero());
  EXPECT_TRUE(b.untouched());
}

TEST_F(InvalidArguments, PackAndUnpack) {
  std::vector<int8_t> values(kRows * kCols, 3);
  Canary<uint8_t> packed(kCodes);
  Canary<int8_t> out(kRows * kCols);
  const uint64_t n = values.size();
  MQ_EXPECT_FAILS(
      mq_pack_int4(nullptr, nullptr, n, kRows, kCols, MQ_SCHEME_SYMMETRIC, packed.ptr(), kCodes),
      MQ_ERR_NULL_POINTER, "mq_pack_int4: values is NULL");
  MQ_EXPECT_FAILS(
      mq_pack_int4(nullptr, values.data(), n, kRows, kCols, MQ_SCHEME_SYMMETRIC, nullptr, kCodes),
      MQ_ERR_NULL_POINTER, "packed is NULL");
  MQ_EXPECT_FAILS(mq_pack_int4(nullptr, values.data(), n, kRows, kCols, static_cast<mq_scheme>(-1),
                               packed.ptr(), kCodes),
                  MQ_ERR_INVALID_ARGUMENT, "scheme -1");
  MQ_EXPECT_FAILS(
      mq_pack_int4(nullptr, values.data(), n, 0, 0, MQ_SCHEME_SYMMETRIC, packed.ptr(), kCodes),
      MQ_ERR_INVALID_SHAPE, "got 0 x 0");
  MQ_EXPECT_FAILS(mq_pack_int4(nullptr, values.data(), n - 1, kRows, kCols, MQ_SCHEME_SYMMETRIC,
                               packed.ptr(), kCodes),
                  MQ_ERR_BUFFER_TOO_SMALL, "values_len");
  MQ_EXPECT_FAILS(mq_pack_int4(nullptr, values.data(), n, kRows, kCols, MQ_SCHEME_SYMMETRIC,
                               packed.ptr(), kCodes - 1),
                  MQ_ERR_BUFFER_TOO_SMALL, "packed_len");
  EXPECT_TRUE(packed.untouched());
  values[kCols + 7] = 9;
  MQ_EXPECT_FAILS(mq_pack_int4(nullptr, values.data(), n, kRows, kCols, MQ_SCHEME_SYMMETRIC,
                               packed.ptr(), kCodes),
                  MQ_ERR_VALUE_OUT_OF_RANGE,
                  "value at row 1, column 7 is 9; symmetric codes lie in [-8, 7]");
  EXPECT_TRUE(packed.all_zero());
  values[kCols + 7] = -1;
  MQ_EXPECT_FAILS(mq_pack_int4(nullptr, values.data(), n, kRows, kCols, MQ_SCHEME_ASYMMETRIC,
                               packed.ptr(), kCodes),
                  MQ_ERR_VALUE_OUT_OF_RANGE,
                  "value at row 1, column 7 is -1; asymmetric codes lie in [0, 15]");

  std::vector<uint8_t> bytes(kCodes, 0x21);
  MQ_EXPECT_FAILS(mq_unpack_int4(nullptr, nullptr, kCodes, kRows, kCols, MQ_SCHEME_SYMMETRIC,
                                 out.ptr(), out.len()),
                  MQ_ERR_NULL_POINTER, "mq_unpack_int4: packed is NULL");
  MQ_EXPECT_FAILS(mq_unpack_int4(nullptr, bytes.data(), kCodes, kRows, kCols, MQ_SCHEME_SYMMETRIC,
                                 nullptr, out.len()),
                  MQ_ERR_NULL_POINTER, "values is NULL");
  MQ_EXPECT_FAILS(mq_unpack_int4(nullptr, bytes.data(), kCodes, kRows, kCols,
                                 static_cast<mq_scheme>(2), out.ptr(), out.len()),
                  MQ_ERR_INVALID_ARGUMENT, "scheme 2");
  MQ_EXPECT_FAILS(mq_unpack_int4(nullptr, bytes.data(), kCodes - 1, kRows, kCols,
                                 MQ_SCHEME_SYMMETRIC, out.ptr(), out.len()),
                  MQ_ERR_BUFFER_TOO_SMALL, "packed_len is 104");
  MQ_EXPECT_FAILS(mq_unpack_int4(nullptr, bytes.data(), kCodes, kRows, kCols, MQ_SCHEME_SYMMETRIC,
                                 out.ptr(), out.len() - 1),
                  MQ_ERR_BUFFER_TOO_SMALL, "values_len is 209");
  MQ_EXPECT_FAILS(mq_unpack_int4(nullptr, bytes.data(), kCodes, kHuge, kHuge, MQ_SCHEME_SYMMETRIC,
                                 out.ptr(), out.len()),
                  MQ_ERR_INVALID_SHAPE, "overflow");
  EXPECT_TRUE(out.untouched());
}

TEST_F(InvalidArguments, Dequantize) {
  std::vector<uint8_t> c(kCodes, 0x37);
  std::vector<float> s(kGroups, 0.5F);
  std::vector<uint8_t> z(kGroups, 8);
  Canary<float> out(kRows * kCols);
  const uint64_t o = out.len();
  MQ_EXPECT_FAILS(mq_dequantize_int4(nullptr, nullptr, kCodes, s.data(), kGroups, nullptr, 0, kRows,
                                     kCols, kGroup, MQ_SCHEME_SYMMETRIC, out.ptr(), o),
                  MQ_ERR_NULL_POINTER, "mq_dequantize_int4: codes is NULL");
  MQ_EXPECT_FAILS(mq_dequantize_int4(nullptr, c.data(), kCodes, nullptr, kGroups, nullptr, 0, kRows,
                                     kCols, kGroup, MQ_SCHEME_SYMMETRIC, out.ptr(), o),
                  MQ_ERR_NULL_POINTER, "scales is NULL");
  MQ_EXPECT_FAILS(mq_dequantize_int4(nullptr, c.data(), kCodes, s.data(), kGroups, nullptr, 0,
                                     kRows, kCols, kGroup, MQ_SCHEME_SYMMETRIC, nullptr, o),
                  MQ_ERR_NULL_POINTER, "out is NULL");
  MQ_EXPECT_FAILS(mq_dequantize_int4(nullptr, c.data(), kCodes, s.data(), kGroups, nullptr, 0,
                                     kRows, kCols, kGroup, MQ_SCHEME_ASYMMETRIC, out.ptr(), o),
                  MQ_ERR_NULL_POINTER, "zero_points");
  MQ_EXPECT_FAILS(
      mq_dequantize_int4(nullptr, c.data(), kCodes, s.data(), kGroups, z.data(), kGroups, kRows,
                         kCols, kGroup, MQ_SCHEME_SYMMETRIC, out.ptr(), o),
      MQ_ERR_INVALID_ARGUMENT, "zero_points must be NULL");
  MQ_EXPECT_FAILS(mq_dequantize_int4(nullptr, c.data(), kCodes, s.data(), kGroups, nullptr, 0,
                                     kRows, kCols, kGroup, MQ_SCHEME_SYMMETRIC, out.ptr(), o - 1),
                  MQ_ERR_BUFFER_TOO_SMALL, "out_len");
  MQ_EXPECT_FAILS(mq_dequantize_int4(nullptr, c.data(), kCodes, s.data(), kGroups - 1, nullptr, 0,
                                     kRows, kCols, kGroup, MQ_SCHEME_SYMMETRIC, out.ptr(), o),
                  MQ_ERR_BUFFER_TOO_SMALL, "scales_len");
  MQ_EXPECT_FAILS(mq_dequantize_int4(nullptr, c.data(), kCodes, s.data(), kGroups, nullptr, 0,
                                     kRows, kCols, 0, MQ_SCHEME_SYMMETRIC, out.ptr(), o),
                  MQ_ERR_INVALID_SHAPE, "group_size");
  for (const float bad :
       {-1.0F, std::numeric_limits<float>::infinity(), std::numeric_limits<float>::quiet_NaN()}) {
    std::vector<float> sb = s;
    sb[4] = bad;
    MQ_EXPECT_FAILS(mq_dequantize_int4(nullptr, c.data(), kCodes, sb.data(), kGroups, nullptr, 0,
                                       kRows, kCols, kGroup, MQ_SCHEME_SYMMETRIC, out.ptr(), o),
                    MQ_ERR_VALUE_OUT_OF_RANGE, "scale of row 1, group 1");
  }
  std::vector<uint8_t> zb = z;
  zb[8] = 16;
  MQ_EXPECT_FAILS(
      mq_dequantize_int4(nullptr, c.data(), kCodes, s.data(), kGroups, zb.data(), kGroups, kRows,
                         kCols, kGroup, MQ_SCHEME_ASYMMETRIC, out.ptr(), o),
      MQ_ERR_VALUE_OUT_OF_RANGE, "zero point of row 2, group 2 is 16");
  EXPECT_TRUE(out.untouched());

  std::vector<int8_t> c8(kRows * kCols, 5);
  std::vector<float> s8(kRows, 0.1F);
  MQ_EXPECT_FAILS(mq_dequantize_int8_rows(nullptr, nullptr, c8.size(), s8.data(), kRows, kRows,
                                          kCols, out.ptr(), o),
                  MQ_ERR_NULL_POINTER, "mq_dequantize_int8_rows: codes is NULL");
  MQ_EXPECT_FAILS(mq_dequantize_int8_rows(nullptr, c8.data(), c8.size(), s8.data(), kRows - 1,
                                          kRows, kCols, out.ptr(), o),
                  MQ_ERR_BUFFER_TOO_SMALL, "scales_len");
  MQ_EXPECT_FAILS(mq_dequantize_int8_rows(nullptr, c8.data(), c8.size() - 1, s8.data(), kRows,
                                          kRows, kCols, out.ptr(), o),
                  MQ_ERR_BUFFER_TOO_SMALL, "codes_len");
  c8[kCols + 1] = -128;
  MQ_EXPECT_FAILS(mq_dequantize_int8_rows(nullptr, c8.data(), c8.size(), s8.data(), kRows, kRows,
                                          kCols, out.ptr(), o),
                  MQ_ERR_VALUE_OUT_OF_RANGE, "code at row 1, column 1 is -128");
  EXPECT_TRUE(out.untouched());
}

TEST_F(InvalidArguments, BufferSizes) {
  uint64_t c = 7, s = 7, z = 7;
  MQ_EXPECT_FAILS(mq_int4_buffer_sizes(0, 5, 32, &c, &s, &z), MQ_ERR_INVALID_SHAPE,
                  "mq_int4_buffer_sizes");
  MQ_EXPECT_FAILS(mq_int4_buffer_sizes(kHuge, kHuge, 32, &c, &s, &z), MQ_ERR_INVALID_SHAPE,
                  "overflow");
  MQ_EXPECT_FAILS(mq_int4_buffer_sizes(5, 5, 0, &c, &s, &z), MQ_ERR_INVALID_SHAPE, "group_size");
  EXPECT_EQ(c, 7U);
  ASSERT_EQ(mq_int4_buffer_sizes(3, 7, 4, &c, &s, nullptr), MQ_OK);
  EXPECT_EQ(c, 12U);
  EXPECT_EQ(s, 6U);
}

}  // namespace

namespace {

// The remaining entry points' required outputs and buffer lengths.
TEST(InvalidArgumentsMore, QueriesRefuseNullOutputs) {
  int32_t supported = 0;
  uint32_t count = 0;
  mq_isa isa = MQ_ISA_AUTO;
  const char* name = nullptr;
  MQ_EXPECT_FAILS(mq_isa_supported(MQ_ISA_SCALAR, nullptr), MQ_ERR_NULL_POINTER,
                  "mq_isa_supported: supported is NULL");
  MQ_EXPECT_FAILS(mq_isa_supported(static_cast<mq_isa>(0), &supported), MQ_ERR_INVALID_ARGUMENT,
                  "ISA value 0");
  MQ_EXPECT_FAILS(mq_isa_list(nullptr, 0, nullptr), MQ_ERR_NULL_POINTER,
                  "mq_isa_list: count is NULL");
  MQ_EXPECT_FAILS(mq_isa_list(nullptr, 4, &count), MQ_ERR_NULL_POINTER, "isas is NULL");
  MQ_EXPECT_FAILS(mq_isa_name(MQ_ISA_SCALAR, nullptr), MQ_ERR_NULL_POINTER,
                  "mq_isa_name: name is NULL");
  MQ_EXPECT_FAILS(mq_context_get_isa(nullptr, nullptr), MQ_ERR_NULL_POINTER,
                  "mq_context_get_isa: isa is NULL");
  MQ_EXPECT_FAILS(mq_context_kernel_name(nullptr, MQ_KERNEL_GEMV, 0, 0, nullptr),
                  MQ_ERR_NULL_POINTER, "mq_context_kernel_name: name is NULL");
  MQ_EXPECT_FAILS(mq_context_kernel_name(nullptr, MQ_KERNEL_GEMV, kHuge, kHuge, &name),
                  MQ_ERR_INVALID_SHAPE, "mq_context_kernel_name");
  uint32_t v = 0;
  MQ_EXPECT_FAILS(mq_get_version(&v, nullptr, &v), MQ_ERR_NULL_POINTER, "minor is NULL");
  MQ_EXPECT_FAILS(mq_get_version(&v, &v, nullptr), MQ_ERR_NULL_POINTER, "patch is NULL");
  EXPECT_EQ(isa, MQ_ISA_AUTO);
}

TEST(InvalidArgumentsMore, ExportAndInfoCheckTheirBuffers) {
  const std::vector<float> w = mq::test::random_floats(4 * 64, mq::test::Distribution::gaussian, 2);
  mq_pack_options o{};
  o.struct_size = sizeof(o);
  o.scheme = MQ_SCHEME_ASYMMETRIC;
  o.group_size = 32;
  mq_packed_weights* p = nullptr;
  ASSERT_EQ(mq_packed_create_from_f32(nullptr, w.data(), w.size(), 4, 64, &o, &p), MQ_OK);
  Canary<uint8_t> codes(128), zps(8);
  Canary<float> scales(8);
  MQ_EXPECT_FAILS(mq_packed_export(p, nullptr, 128, scales.ptr(), 8, zps.ptr(), 8),
                  MQ_ERR_NULL_POINTER, "codes is NULL");
  MQ_EXPECT_FAILS(mq_packed_export(p, codes.ptr(), 128, nullptr, 8, zps.ptr(), 8),
                  MQ_ERR_NULL_POINTER, "scales is NULL");
  MQ_EXPECT_FAILS(mq_packed_export(p, codes.ptr(), 127, scales.ptr(), 8, zps.ptr(), 8),
                  MQ_ERR_BUFFER_TOO_SMALL, "codes_len is 127 but the shape needs 128");
  MQ_EXPECT_FAILS(mq_packed_export(p, codes.ptr(), 128, scales.ptr(), 7, zps.ptr(), 8),
                  MQ_ERR_BUFFER_TOO_SMALL, "scales_len is 7");
  MQ_EXPECT_FAILS(mq_packed_export(p, codes.ptr(), 128, scales.ptr(), 8, nullptr, 0),
                  MQ_ERR_NULL_POINTER, "zero_points");
  MQ_EXPECT_FAILS(mq_packed_export(p, codes.ptr(), 128, scales.ptr(), 8, zps.ptr(), 7),
                  MQ_ERR_BUFFER_TOO_SMALL, "zero_points_len is 7");
  EXPECT_TRUE(codes.untouched() && scales.untouched() && zps.untouched());
  mq_packed_info info{};
  MQ_EXPECT_FAILS(mq_packed_get_info(p, &info), MQ_ERR_INVALID_ARGUMENT,
                  "struct_size 0 is too small");
  MQ_EXPECT_FAILS(mq_packed_get_info(p, nullptr), MQ_ERR_NULL_POINTER, "info is NULL");
  std::vector<int8_t> c8(256, 1);
  std::vector<float> s8(4, 0.5F);
  mq_packed_weights* q = nullptr;
  MQ_EXPECT_FAILS(mq_packed_create_from_int8_rows(nullptr, c8.data(), 255, s8.data(), 4, 4, 64, &q),
                  MQ_ERR_BUFFER_TOO_SMALL, "codes_len is 255");
  MQ_EXPECT_FAILS(mq_packed_create_from_int8_rows(nullptr, c8.data(), 256, s8.data(), 3, 4, 64, &q),
                  MQ_ERR_BUFFER_TOO_SMALL, "scales_len is 3");
  MQ_EXPECT_FAILS(mq_packed_create_from_int8_rows(nullptr, c8.data(), 256, s8.data(), 4, 0, 64, &q),
                  MQ_ERR_INVALID_SHAPE, "rows and cols");
  MQ_EXPECT_FAILS(mq_packed_create_from_int8_rows(nullptr, nullptr, 256, s8.data(), 4, 4, 64, &q),
                  MQ_ERR_NULL_POINTER, "codes is NULL");
  EXPECT_EQ(q, nullptr);
  std::vector<float> x(64, 1.0F), y(4);
  MQ_EXPECT_FAILS(
      mq_gemm(nullptr, nullptr, MQ_COMPUTE_INT8, x.data(), 64, 1, nullptr, 0, y.data(), 4),
      MQ_ERR_NULL_POINTER, "mq_gemm: packed is NULL");
  mq_packed_destroy(p);
}

}  // namespace
