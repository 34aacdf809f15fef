#include "support/random_data.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace mq::test {

const char* distribution_name(Distribution d) {
  switch (d) {
    case Distribution::gaussian: return "gaussian";
    case Distribution::laplace: return "laplace";
    case Distribution::student_t3: return "student_t3";
    case Distribution::uniform: return "uniform";
  }
  return "?";
}

uint64_t test_seed(uint64_t salt) {
  std::string name = "no-test";
  if (const auto* info = ::testing::UnitTest::GetInstance()->current_test_info()) {
    name = std::string(info->test_suite_name()) + "." + info->name();
  }
  uint64_t h = 1469598103934665603ULL;  // FNV-1a
  for (const char c : name) h = (h ^ static_cast<uint8_t>(c)) * 1099511628211ULL;
  return h ^ (salt * 0x9E3779B97F4A7C15ULL);
}

std::vector<float> random_floats(size_t n, Distribution d, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<float> v(n);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::exponential_distribution<double> expo(1.0);
  std::student_t_distribution<double> student(3.0);
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  std::bernoulli_distribution coin(0.5);
  for (float& x : v) {
    switch (d) {
      case Distribution::gaussian: x = static_cast<float>(normal(rng)); break;
      case Distribution::laplace: x = static_cast<float>(coin(rng) ? expo(rng) : -expo(rng)); break;
      case Distribution::student_t3: x = static_cast<float>(student(rng)); break;
      case Distribution::uniform: x = static_cast<float>(uniform(rng)); break;
    }
  }
  return v;
}

std::vector<uint8_t> random_bytes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<uint8_t> v(n);
  for (uint8_t& b : v) b = static_cast<uint8_t>(rng() >> 56);
  return v;
}

}  // namespace mq::test
