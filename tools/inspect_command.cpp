// `monoquant inspect FILE`: what a safetensors file holds. Its tensors (name, dtype, shape, bytes)
// in file order, its metadata (long values shortened unless --full) and, for a file written by
// `monoquant quantize` (format_version >= 1), the layers it records (decision, rule, format, group,
// SQNR) and the report stored in its metadata.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "checkpoint_plan.h"
#include "commands.h"
#include "exit_codes.h"
#include "handles.h"
#include "tool_util.h"

namespace {

constexpr const char* kCommand = "monoquant inspect";
// Metadata values longer than this are cut (the plan and layer records are kilobytes of JSON).
constexpr size_t kShortValue = 100;

std::string shorten(const char* value, bool full) {
  std::string text(value);
  if (full) return text;
  const size_t newline = text.find('\n');
  if (text.size() <= kShortValue && newline == std::string::npos) return text;
  const size_t cut = newline < kShortValue ? newline : kShortValue;
  return text.substr(0, cut) + " ... (" + std::to_string(text.size()) + " bytes; --full shows all)";
}

const char* dtype_name(mq_dtype dtype) {
  const char* name = "?";
  mq_dtype_name(dtype, &name);
  return name;
}

int print_tensors(const mq_model* model, uint64_t count) {
  int name_width = 4;
  for (uint64_t i = 0; i < count; ++i) {
    mq_tensor_info t{};
    t.struct_size = sizeof(t);
    const mq_status status = mq_model_get_tensor(model, i, &t);
    if (status != MQ_OK) return mq::tool::fail(kCommand, status);
    name_width = std::max(name_width, static_cast<int>(std::string(t.name).size()));
  }
  std::printf("\ntensors, in file order:\n  %4s  %-*s  %-7s %-20s %12s\n", "#", name_width, "name",
              "dtype", "shape", "bytes");
  for (uint64_t i = 0; i < count; ++i) {
    mq_tensor_info t{};
    t.struct_size = sizeof(t);
    const mq_status status = mq_model_get_tensor(model, i, &t);
    if (status != MQ_OK) return mq::tool::fail(kCommand, status);
    std::printf("  %4llu  %-*s  %-7s %-20s %12llu\n", static_cast<unsigned long long>(i),
                name_width, t.name, dtype_name(t.dtype),
                mq::tool::format_shape(t.shape, t.rank).c_str(),
                static_cast<unsigned long long>(t.byte_size));
  }
  return mq::tool::kExitOk;
}

int print_metadata(const mq_model* model, uint64_t count, bool full) {
  std::printf("\nmetadata:%s\n", count == 0 ? " none" : "");
  for (uint64_t i = 0; i < count; ++i) {
    const char* key = nullptr;
    const char* value = nullptr;
    const mq_status status = mq_model_get_metadata(model, i, &key, &value);
    if (status != MQ_OK) return mq::tool::fail(kCommand, status);
    std::printf("  %s = %s\n", key, shorten(value, full).c_str());
  }
  return mq::tool::kExitOk;
}

std::string format_label(const mq_model_layer& l) {
  if (l.decision == MQ_DECISION_KEEP) return "-";
  if (l.format == MQ_FORMAT_INT8_ROWS) return "int8 rows";
  return l.scheme == MQ_SCHEME_ASYMMETRIC ? "int4 asym" : "int4 sym";
}

std::string sqnr_label(double db) {
  if (std::isnan(db)) return "-";
  if (std::isinf(db)) return "exact";
  char text[32];
  std::snprintf(text, sizeof(text), "%.2f", db);
  return text;
}

int print_layers(const mq_model* model, const mq_model_info& info) {
  const char* scheme = info.scheme == MQ_SCHEME_ASYMMETRIC ? "asymmetric" : "symmetric";
  std::printf(
      "\nquantized by monoquant (format version %u): %u bits, group %llu, %s; %llu layers:\n",
      info.format_version, info.bits, static_cast<unsigned long long>(info.group_size), scheme,
      static_cast<unsigned long long>(info.layer_count));
  std::printf("  %-44s %-10s %-10s %-10s %6s %8s  %s\n", "layer", "kind", "decision", "format",
              "group", "SQNR dB", "rule (detail)");
  for (uint64_t i = 0; i < info.layer_count; ++i) {
    mq_model_layer l{};
    l.struct_size = sizeof(l);
    const mq_status status = mq_model_get_layer(model, i, &l);
    if (status != MQ_OK) return mq::tool::fail(kCommand, status);
    const std::string group = l.group_size == 0 ? "-" : std::to_string(l.group_size);
    const std::string detail =
        *l.rule_detail == '\0' ? "" : std::string(" (") + l.rule_detail + ")";
    std::printf("  %-44s %-10s %-10s %-10s %6s %8s  %s%s\n", l.name, mq::tool::kind_name(l.kind),
                mq::tool::decision_name(l.decision), format_label(l).c_str(), group.c_str(),
                sqnr_label(l.sqnr_db).c_str(), mq::tool::rule_name(l.rule), detail.c_str());
  }
  return mq::tool::kExitOk;
}

}  // namespace

int run_inspect_command(int argc, char** argv) {
  CLI::App app{
      "Show a safetensors file's tensors and metadata, and for a quantized file its layers "
      "and stored report",
      "monoquant inspect"};
  app.footer(mq::tool::exit_code_help());
  std::string path;
  bool full = false;
  app.add_option("file", path, "a .safetensors file")->required();
  app.add_flag("--full", full, "print long metadata values (JSON records, the report) in full");
  int exit_code = 0;
  if (!mq::tool::parse_command_line(app, argc, argv, &exit_code)) return exit_code;

  mq::tool::ModelPtr model;
  exit_code = mq::tool::open_model(nullptr, kCommand, path, &model);
  if (exit_code != mq::tool::kExitOk) return exit_code;
  mq_model_info info{};
  info.struct_size = sizeof(info);
  mq_status status = mq_model_get_info(model.get(), &info);
  if (status != MQ_OK) return mq::tool::fail(kCommand, status);
  std::printf("%s: safetensors, %s (header %s), %llu tensors, %llu metadata entries\n",
              path.c_str(), mq::tool::format_bytes(info.file_size).c_str(),
              mq::tool::format_bytes(info.header_size).c_str(),
              static_cast<unsigned long long>(info.tensor_count),
              static_cast<unsigned long long>(info.metadata_count));
  exit_code = print_tensors(model.get(), info.tensor_count);
  if (exit_code == mq::tool::kExitOk)
    exit_code = print_metadata(model.get(), info.metadata_count, full);
  if (exit_code != mq::tool::kExitOk || info.format_version < 1) return exit_code;
  exit_code = print_layers(model.get(), info);
  if (exit_code != mq::tool::kExitOk) return exit_code;
  const char* report = nullptr;
  status = mq_model_find_metadata(model.get(), "monoquant.report", &report);
  if (status != MQ_OK) return mq::tool::fail(kCommand, status);
  if (report != nullptr)
    std::printf("\nthe report stored with the file (monoquant.report):\n%s\n", report);
  return mq::tool::kExitOk;
}
