// The scheduler's options as command-line options, written once for every command that makes a plan
// (plan, quantize, demo): bits, group size, scheme, skip rules, thresholds, the shape and accuracy
// policies, and the kind overrides of a checkpoint's layers.
#ifndef MONOQUANT_TOOLS_PLAN_OPTIONS_H
#define MONOQUANT_TOOLS_PLAN_OPTIONS_H

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "monoquant/monoquant.h"

namespace mq::tool {

// The options as typed.
struct PlanSettings {
  uint32_t bits = 4;
  uint64_t group_size = 128;
  std::string scheme = "symmetric";
  std::vector<std::string> skip_names;
  std::vector<std::string> skip_kinds;
  bool skip_names_empty = false;
  bool skip_kinds_empty = false;
  uint64_t min_params = 0;
  bool no_default_skips = false;
  std::vector<std::string> clear_defaults;
  std::string small_layers = "int8";
  std::string on_accuracy = "warn";
  double sqnr_warning_db = 0.0;
  double sqnr_critical_db = 0.0;
  std::vector<std::string> kind_overrides;  // NAME=KIND
};

// Which options a command offers beyond the group size and scheme (which every one has).
enum PlanOptionSet {
  kFormatOptionsOnly,  // --group-size and --scheme: the format of the quantized weights (the demo)
  kAllPlanOptions,     // everything (plan, quantize)
};

void add_plan_options(CLI::App& app, PlanSettings* settings, PlanOptionSet set);

// The library's option structs for a PlanSettings. The pointers inside them point into this object:
// keep it alive (and unmoved) while the structs are in use.
class ResolvedPlanOptions {
 public:
  ResolvedPlanOptions() = default;
  ResolvedPlanOptions(const ResolvedPlanOptions&) = delete;
  ResolvedPlanOptions& operator=(const ResolvedPlanOptions&) = delete;

  // Fills the structs. A kind name the library does not know, or a --kind without '=', is printed
  // as "<command>: ..." and gives false (bad usage).
  bool resolve(const PlanSettings& settings, const char* command);

  const mq_plan_options& plan() const { return plan_; }
  const mq_model_layer_options& layers() const { return layers_; }
  bool has_kind_overrides() const { return !override_kinds_.empty(); }

 private:
  mq_plan_options plan_{};
  mq_model_layer_options layers_{};
  std::vector<const char*> skip_name_pointers_;
  std::vector<mq_layer_kind> skip_kinds_;
  std::vector<std::string> override_names_;
  std::vector<const char*> override_name_pointers_;
  std::vector<mq_layer_kind> override_kinds_;
};

}  // namespace mq::tool

#endif
