#include "support/shapes.h"

#include <sstream>

namespace mq::test {

std::string shape_name(const Shape& s) {
  std::ostringstream o;
  o << s.rows << "x" << s.cols << "/g" << s.group;
  return o.str();
}

const std::vector<size_t>& group_sizes() {
  static const std::vector<size_t> g = {1, 3, 16, 32, 48, 64, 128, 256};
  return g;
}

const std::vector<size_t>& column_counts() {
  static const std::vector<size_t> c = [] {
    std::vector<size_t> v;
    for (size_t k = 1; k <= 67; ++k) v.push_back(k);
    for (const size_t base :
         {96, 127, 128, 129, 191, 192, 255, 256, 257, 383, 384, 385, 511, 512, 513}) {
      v.push_back(base);
    }
    return v;
  }();
  return c;
}

std::vector<Shape> shape_grid(bool large) {
  std::vector<Shape> shapes;
  for (const size_t group : group_sizes()) {
    for (const size_t cols : column_counts()) {
      // Fewer rows for the cheap shapes keep the grid fast while still crossing row tiles (1..9
      // rows).
      shapes.push_back({1 + (cols * 7 + group) % 9, cols, group});
    }
  }
  shapes.push_back({1, 1, 128});
  if (large) {
    for (const size_t group : {32, 64, 128, 256}) {
      shapes.push_back({3, 4096, static_cast<size_t>(group)});
      shapes.push_back({2, 11008, static_cast<size_t>(group)});
      shapes.push_back({2, 4097, static_cast<size_t>(group)});
    }
  }
  return shapes;
}

}  // namespace mq::test
