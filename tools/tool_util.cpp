#include "tool_util.h"

#include <cmath>
#include <random>

namespace mq::tool {

bool parse_command_line(CLI::App& app, int argc, char** argv, int* exit_code) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // app.exit prints the help text or the error; CLI11's own codes are not the tool's.
    const int cli_code = app.exit(e);
    *exit_code = cli_code == 0 ? kExitOk : kExitUsage;
    return false;
  }
  return true;
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

namespace {

template <class Enum>
const char* name_of(mq_status (*name_function)(Enum, const char**), Enum value) {
  const char* name = "?";
  name_function(value, &name);
  return name;
}

}  // namespace

const char* isa_name(mq_isa isa) { return name_of(mq_isa_name, isa); }
const char* kind_name(mq_layer_kind kind) { return name_of(mq_layer_kind_name, kind); }
const char* decision_name(mq_decision decision) { return name_of(mq_decision_name, decision); }
const char* rule_name(mq_rule rule) { return name_of(mq_rule_name, rule); }

std::string format_bytes(uint64_t bytes) {
  char text[32];
  const auto b = static_cast<double>(bytes);
  if (bytes >= (uint64_t{1} << 30)) {
    std::snprintf(text, sizeof(text), "%.2f GiB", b / (1 << 30));
  } else if (bytes >= (uint64_t{1} << 20)) {
    std::snprintf(text, sizeof(text), "%.2f MiB", b / (1 << 20));
  } else if (bytes >= 1024) {
    std::snprintf(text, sizeof(text), "%.1f KiB", b / 1024);
  } else {
    std::snprintf(text, sizeof(text), "%llu B", static_cast<unsigned long long>(bytes));
  }
  return text;
}

std::string format_shape(const uint64_t* shape, uint32_t rank) {
  std::string text = "[";
  for (uint32_t d = 0; d < rank; ++d) {
    if (d > 0) text += ", ";
    text += std::to_string(shape[d]);
  }
  return text + "]";
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
