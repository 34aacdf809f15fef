#include "tool_util.h"

#include <cmath>
#include <cstdio>
#include <random>

namespace mq::tool {

bool ok(mq_status status, const char* what) {
  if (status == MQ_OK) return true;
  const char* message = "";
  const char* name = "";
  mq_last_error_message(&message);
  mq_status_name(status, &name);
  std::fprintf(stderr, "monoquant: %s failed (%s): %s\n", what, name, message);
  return false;
}

bool parse_isa(const std::string& name, mq_isa* isa) {
  for (int v = MQ_ISA_AUTO; v <= MQ_ISA_NEON_I8MM; ++v) {
    const char* n = nullptr;
    if (mq_isa_name(static_cast<mq_isa>(v), &n) == MQ_OK && name == n) {
      *isa = static_cast<mq_isa>(v);
      return true;
    }
  }
  return false;
}

const char* isa_name(mq_isa isa) {
  const char* n = "?";
  mq_isa_name(isa, &n);
  return n;
}

std::vector<float> synthetic_weights(uint64_t rows, uint64_t cols, uint32_t seed) {
  std::mt19937 rng(seed);
  std::student_t_distribution<float> t(6.0F);
  const float scale = 1.0F / std::sqrt(static_cast<float>(cols));
  std::vector<float> w(rows * cols);
  for (float& v : w) v = t(rng) * scale;
  return w;
}

}  // namespace mq::tool
