// Edge cases of the pack family's SIMD variants beyond pack_variants_test.cpp: many rows of even
// width (the x86 variants run them as one stream) and of odd width (row by row, with a padding
// nibble), every row width 1..300 in guarded buffers, a random padding nibble that unpack must
// ignore, and the first out-of-range value at every position of a SIMD block and its tail.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "common/formats.h"
#include "pack/pack.h"
#include "support/guarded_buffer.h"
#include "support/random_data.h"
#include "support/variants.h"

namespace mq::kernels {
namespace {

class PackX86 : public ::testing::TestWithParam<const PackKernel*> {};

const PackKernel& reference() { return pack_kernels()[0]; }

constexpr Scheme kSchemes[] = {Scheme::symmetric, Scheme::asymmetric};

std::vector<int8_t> random_codes(size_t n, Scheme scheme, uint64_t seed) {
  const std::vector<uint8_t> noise = test::random_bytes(n, seed);
  std::vector<int8_t> v(n);
  for (size_t i = 0; i < n; ++i) {
    const int c = noise[i] & 0xF;
    v[i] = static_cast<int8_t>(scheme == Scheme::symmetric ? c - 8 : c);
  }
  return v;
}

TEST_P(PackX86, EveryWidthAndRowCountMatchesScalar) {
  const PackKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  for (const Scheme scheme : kSchemes) {
    for (size_t cols = 1; cols <= 300; ++cols) {
      for (const size_t rows : {size_t{1}, size_t{5}}) {
        const size_t bytes = rows * int4_row_bytes(cols);
        const std::vector<int8_t> v = random_codes(rows * cols, scheme, test::test_seed(cols));
        test::GuardedBuffer in(rows * cols);
        in.fill(v.data(), v.size());
        test::GuardedBuffer packed(bytes);
        std::vector<uint8_t> expect(bytes);
        size_t bad = 0;
        ASSERT_TRUE(reference().pack(v.data(), rows, cols, scheme, expect.data(), &bad));
        ASSERT_TRUE(k.pack(in.as<int8_t>(), rows, cols, scheme, packed.as<uint8_t>(), &bad));
        for (size_t i = 0; i < bytes; ++i) {
          ASSERT_EQ(packed.as<uint8_t>()[i], expect[i]) << rows << "x" << cols << " byte " << i;
        }
        // Unpack from bytes whose padding nibbles are random: they must be ignored.
        std::vector<uint8_t> noisy = expect;
        if (cols % 2 == 1) {
          const std::vector<uint8_t> pad = test::random_bytes(rows, test::test_seed(cols + 7));
          for (size_t r = 0; r < rows; ++r) {
            noisy[(r + 1) * int4_row_bytes(cols) - 1] |= static_cast<uint8_t>(pad[r] << 4);
          }
        }
        test::GuardedBuffer src(bytes);
        src.fill(noisy.data(), bytes);
        test::GuardedBuffer out(rows * cols);
        k.unpack(src.as<uint8_t>(), rows, cols, scheme, out.as<int8_t>());
        for (size_t i = 0; i < rows * cols; ++i) {
          ASSERT_EQ(out.as<int8_t>()[i], v[i]) << rows << "x" << cols << " value " << i;
        }
      }
    }
  }
}

TEST_P(PackX86, LargeMatricesMatchScalar) {
  const PackKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  for (const Scheme scheme : kSchemes) {
    for (const size_t cols : {size_t{4096}, size_t{4097}, size_t{11008}}) {
      const size_t rows = 7;
      const size_t bytes = rows * int4_row_bytes(cols);
      const std::vector<int8_t> v = random_codes(rows * cols, scheme, test::test_seed(cols));
      std::vector<uint8_t> expect(bytes), packed(bytes);
      size_t bad = 0;
      ASSERT_TRUE(reference().pack(v.data(), rows, cols, scheme, expect.data(), &bad));
      ASSERT_TRUE(k.pack(v.data(), rows, cols, scheme, packed.data(), &bad));
      ASSERT_EQ(packed, expect) << cols;
      std::vector<int8_t> back(rows * cols);
      k.unpack(packed.data(), rows, cols, scheme, back.data());
      ASSERT_EQ(back, v) << cols;
    }
  }
}

// The first value out of range (row-major) is reported at every position, for even widths (one
// stream across rows) and odd ones (row by row); a later bad value must not be the one reported.
TEST_P(PackX86, ReportsFirstOutOfRangeAtEveryPosition) {
  const PackKernel& k = *GetParam();
  MQ_SKIP_IF_NOT_RUNNABLE(k);
  const int8_t bad_sym[] = {-9, 8, 127, -128, 15, 16};
  const int8_t bad_asym[] = {-1, 16, 127, -128, -8, 100};
  for (const Scheme scheme : kSchemes) {
    const int8_t* bads = scheme == Scheme::symmetric ? bad_sym : bad_asym;
    for (const size_t cols : {size_t{3}, size_t{70}, size_t{129}, size_t{130}}) {
      const size_t rows = 3;
      const std::vector<int8_t> base = random_codes(rows * cols, scheme, test::test_seed(cols));
      std::vector<uint8_t> packed(rows * int4_row_bytes(cols));
      for (size_t at = 0; at < rows * cols; ++at) {
        test::GuardedBuffer in(rows * cols);
        in.fill(base.data(), base.size());
        in.as<int8_t>()[at] = bads[at % 6];
        in.as<int8_t>()[rows * cols - 1] = bads[(at + 1) % 6];
        size_t bad = 12345;
        ASSERT_FALSE(k.pack(in.as<int8_t>(), rows, cols, scheme, packed.data(), &bad));
        ASSERT_EQ(bad, at) << "cols " << cols;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllVariants, PackX86, ::testing::ValuesIn(test::variants(pack_kernels())),
                         test::VariantName());

}  // namespace
}  // namespace mq::kernels
