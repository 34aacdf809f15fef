// The real trained weight matrices in tests/data/real-weights (see the README there for their
// sources, licences and reference SQNR figures).
#ifndef MONOQUANT_TESTS_SUPPORT_REAL_WEIGHTS_H
#define MONOQUANT_TESTS_SUPPORT_REAL_WEIGHTS_H

#include <cstddef>
#include <string>
#include <vector>

namespace mq::test {

struct RealMatrix {
  const char* name;
  size_t rows;
  size_t cols;
  // Reference weight SQNR in dB from the README (float64, canonical rules).
  double sym_g128, asym_g128, sym_g32, asym_g32, int8_row;
};

const std::vector<RealMatrix>& real_matrices();

// Loads a matrix's floats (rows * cols of them); fails the current test if the file is missing or
// short.
std::vector<float> load_real_matrix(const RealMatrix& m);

}  // namespace mq::test

#endif
