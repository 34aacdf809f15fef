// Edge cases of the dequantize family's SIMD variants that a generic shape sweep may miss: every
// row length 1..300 against every group size class (odd group sizes put nibbles of two groups in
// one byte) in buffers that end at a guard page, random padding nibbles (ignored), groups that
// straddle the x86 variants' staging window, and extreme scales (0, subnormal, FLT_MAX, where
// products overflow to inf). Each variant (forced) against the scalar reference, bit for bit.
#include <gtest/gtest.h>

#include <cfloat>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "common/formats.h"
#include "dequantize/dequantize.h"
#include "support/guarded_buffer.h"
#include "support/random_data.h"
#include "support/variants.h"

namespace mq::kernels {
namespace {

class DequantizeX86 : public ::testing::TestWithParam<const DequantizeKernel*> {};

const DequantizeKernel& reference() { return dequantize_kernels()[0]; }

uint32_t bits(float v) {
  uint32_t u = 0;
  std::memcpy(&u, &v, sizeof u);
  return u;
}

constexpr size_t kGroups[] = {1, 3, 16, 32, 48, 64, 128, 256};
constexpr Scheme kSchemes[] = {Scheme::symmetric, Scheme::asymmetric};

// Small random scales, or (extreme) 0, subnormal, tiny normal and huge ones (whose products with
// codes overflow to inf).
std::vector<float> test_scales(size_t n, uint64_t seed, bool extreme) {
  const std::vector<float> noise = test::random_floats(n, test::Distribution::uniform, seed);
  const float specials[] = {0.0F, FLT_MIN, FLT_MAX, FLT_MAX / 15.0F, FLT_TRUE_MIN, 3.0e-5F};
  std::vector<float> s(n);
  for (size_t i = 0; i < n; ++i) {
    const float magnitude = noise[i] < 0 ? -noise[i] : noise[i];
    s[i] = extreme ? specials[i % 6] : magnitude * 0.01F;
  }
  return s;
}

void expect_same_int4(const DequantizeKernel& k, size_t rows, size_t cols, size_t group,
                      Scheme scheme, bool extreme_scales) {
  const bool asym = scheme == Scheme::asymmetric;
  const size_t groups = rows * groups_per_row(cols, group);
  const size_t bytes = rows * int4_row_bytes(cols);
  const uint64_t seed = test::test_seed(cols * 1000 + group);
  const std::vector<uint8_t> code_bytes = test::random_bytes(bytes, seed);  // incl. padding
  const std::vector<float> scales = test_scales(groups, seed + 1, extreme_scales);
  std::vector<uint8_t> zps = test::random_bytes(groups, seed + 2);
  for (uint8_t& z : zps) z &= 0x0F;
  test::GuardedBuffer codes(bytes);
  codes.fill(code_bytes.data(), bytes);
  test::GuardedBuffer sc(groups * sizeof(float));
  sc.fill(scales.data(), groups * sizeof(float));
  test::GuardedBuffer zp(asym ? groups : 0);
  if (asym) zp.fill(zps.data(), groups);
  test::GuardedBuffer out(rows * cols * sizeof(float));
  std::vector<float> expect(rows * cols);
  k.int4(codes.as<uint8_t>(), sc.as<float>(), asym ? zp.as<uint8_t>() : nullptr, rows, cols, group,
         scheme, out.as<float>());
  reference().int4(code_bytes.data(), scales.data(), asym ? zps.data() : nullptr, rows, cols, group,
                   scheme, expect.data());
  for (size_t i = 0; i < rows * cols; ++i) {
    ASSERT_EQ(bits(out.as<float>()[i]), bits(expect[i]))
        << "value " << i << " of " << rows << "x" << cols << " g" << group
        << (asym ? " asym" : " sym");
  }
}

void expect_same_int8(const DequantizeKernel& k, size_t rows, size_t cols, bool extreme_scales) {
  const uint64_t seed = test::test_seed(cols);
  std::vector<uint8_t> raw = test::random_bytes(rows * cols, seed);
  std::vector<int8_t> values(rows * cols);
  for (size_t i = 0; i < raw.size(); ++i) {
    values[i] = static_cast<int8_t>(raw[i] == 0x80 ? 0x81 : raw[i]);  // codes lie in [-127, 127]
  }
  const std::vector<float> scales = test_scales(rows, seed + 1, extreme_scales);
  test::GuardedBuffer codes(rows * cols);
  codes.fill(values.data(), rows * cols);
  test::GuardedBuffer sc(rows * sizeof(float));
  sc.fill(scales.data(), rows * sizeof(float));
  test::GuardedBuffer out(rows * cols * sizeof(float));
  std::vector<float> expect(rows * cols);
  k.int8_rows(codes.as<int8_t>(), sc.as<float>(), rows, cols, out.as<float>());
  reference().int8_rows(values.data(), scales.data(), rows, cols, expect.data());
  for (size_t i = 0; i < rows * cols; ++i) {
    ASSERT_EQ(bits(out.as<float>()[i]), bits(expect[i]))
        << "value " << i << " of " << rows << "x" << cols;
  }
}

TEST_P(DequantizeX86, Int4EveryRowLengthAndGroupSizeMatchesScalar) {
  const DequantizeKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  for (size_t cols = 1; cols <= 300; ++cols) {
    for (const Scheme scheme : kSchemes) {
      for (const size_t group : kGroups) expect_same_int4(k, 2, cols, group, scheme, false);
      expect_same_int4(k, 2, cols, cols, scheme, false);
      expect_same_int4(k, 2, cols, cols + 3, scheme, false);
    }
  }
}

TEST_P(DequantizeX86, Int4LongRowsAndStraddlingGroupsMatchScalar) {
  const DequantizeKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  for (const size_t cols : {size_t{1023}, size_t{1024}, size_t{1025}, size_t{2049}, size_t{4099}}) {
    for (const Scheme scheme : kSchemes) {
      for (const size_t group : kGroups) expect_same_int4(k, 3, cols, group, scheme, false);
      for (const size_t group :
           {size_t{7}, size_t{100}, size_t{1000}, size_t{1023}, size_t{1025}, size_t{2048}, cols}) {
        expect_same_int4(k, 3, cols, group, scheme, false);
      }
    }
  }
}

TEST_P(DequantizeX86, ExtremeScales) {
  const DequantizeKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  for (const size_t cols : {size_t{1}, size_t{15}, size_t{64}, size_t{131}, size_t{300}}) {
    for (const Scheme scheme : kSchemes) {
      for (const size_t group : kGroups) expect_same_int4(k, 4, cols, group, scheme, true);
    }
    expect_same_int8(k, 6, cols, true);
  }
}

TEST_P(DequantizeX86, Int8EveryRowLengthMatchesScalar) {
  const DequantizeKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  for (size_t cols = 1; cols <= 300; ++cols) expect_same_int8(k, 3, cols, false);
  expect_same_int8(k, 2, 11011, false);
}

// Outputs of 8 MiB and more take the AVX-512 variant's 256-bit loop (the one that goes to memory
// fastest), smaller ones its 512-bit loop: the large path at several output alignments, with group
// sizes that split vectors, both formats.
TEST_P(DequantizeX86, LargeOutputsMatchScalar) {
  const DequantizeKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  const size_t rows = 2048;
  std::vector<float> memory(rows * 1040 + 64);
  // A 64-byte aligned base inside `memory`.
  const auto misalign = reinterpret_cast<uintptr_t>(memory.data()) % 64;
  float* base = memory.data() + (misalign == 0 ? 0 : (64 - misalign) / sizeof(float));
  for (const size_t cols : {size_t{1040}, size_t{1031}}) {  // 8.1 / 8.06 MiB of fp32 output
    const size_t bytes = rows * int4_row_bytes(cols);
    const std::vector<uint8_t> code_bytes = test::random_bytes(bytes, test::test_seed(cols));
    std::vector<float> expect(rows * cols);
    for (const size_t group : {size_t{128}, size_t{48}, size_t{40}}) {
      const size_t groups = rows * groups_per_row(cols, group);
      const std::vector<float> scales = test_scales(groups, test::test_seed(group), false);
      std::vector<uint8_t> zps = test::random_bytes(groups, test::test_seed(group + 1));
      for (uint8_t& z : zps) z &= 0x0F;
      for (const Scheme scheme : kSchemes) {
        const uint8_t* zp = scheme == Scheme::asymmetric ? zps.data() : nullptr;
        reference().int4(code_bytes.data(), scales.data(), zp, rows, cols, group, scheme,
                         expect.data());
        for (const size_t shift : {size_t{0}, size_t{1}, size_t{4}, size_t{15}}) {
          float* dst = base + shift;
          k.int4(code_bytes.data(), scales.data(), zp, rows, cols, group, scheme, dst);
          for (size_t i = 0; i < rows * cols; ++i) {
            ASSERT_EQ(bits(dst[i]), bits(expect[i])) << "value " << i << " of " << rows << "x"
                                                     << cols << " g" << group << " shift " << shift;
          }
        }
      }
    }
    std::vector<int8_t> codes8(rows * cols);
    for (size_t i = 0; i < codes8.size(); ++i) {
      codes8[i] = static_cast<int8_t>(static_cast<int>(code_bytes[i % bytes]) % 255 - 127);
    }
    const std::vector<float> row_scales = test_scales(rows, test::test_seed(3), false);
    reference().int8_rows(codes8.data(), row_scales.data(), rows, cols, expect.data());
    for (const size_t shift : {size_t{0}, size_t{3}}) {
      float* dst = base + shift;
      k.int8_rows(codes8.data(), row_scales.data(), rows, cols, dst);
      for (size_t i = 0; i < rows * cols; ++i) {
        ASSERT_EQ(bits(dst[i]), bits(expect[i])) << "int8 value " << i << " shift " << shift;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllVariants, DequantizeX86,
                         ::testing::ValuesIn(test::variants(dequantize_kernels())),
                         test::VariantName());

}  // namespace
}  // namespace mq::kernels
