// The shape classes every kernel is tested on: 1x1, odd K, K < G, K not a multiple of G, tile edges
// below / at / above the usual SIMD widths, large K, and every group size the issues name.
#ifndef MONOQUANT_TESTS_SUPPORT_SHAPES_H
#define MONOQUANT_TESTS_SUPPORT_SHAPES_H

#include <cstddef>
#include <string>
#include <vector>

namespace mq::test {

struct Shape {
  size_t rows;
  size_t cols;
  size_t group;
};

std::string shape_name(const Shape& s);

// Group sizes: 16, 32, 64, 128, 256 and the non-powers-of-two 48, 3 and 1, plus per-row.
const std::vector<size_t>& group_sizes();

// Row lengths around every SIMD width and unroll (1..67, multiples of 16/32/64 +-1, 4096, 4097
// ...).
const std::vector<size_t>& column_counts();

// A grid of (rows, cols, group) covering the classes above; `large` adds large-K shapes.
std::vector<Shape> shape_grid(bool large);

}  // namespace mq::test

#endif
