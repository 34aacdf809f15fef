// Seeded random test data. Seeds come from the running test's name, so a failure reproduces exactly
// and two tests never share data by accident.
#ifndef MONOQUANT_TESTS_SUPPORT_RANDOM_DATA_H
#define MONOQUANT_TESTS_SUPPORT_RANDOM_DATA_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace mq::test {

enum class Distribution { gaussian, laplace, student_t3, uniform };

const char* distribution_name(Distribution d);

// A seed derived from the current gtest test name plus `salt`.
uint64_t test_seed(uint64_t salt = 0);

// n floats from `d` (unit scale), deterministic for a seed.
std::vector<float> random_floats(size_t n, Distribution d, uint64_t seed);

// n uniformly random bytes.
std::vector<uint8_t> random_bytes(size_t n, uint64_t seed);

}  // namespace mq::test

#endif
