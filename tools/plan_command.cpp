// `monoquant plan`: the scheduler's dry run. Reads a model's layers, applies the skip rules and
// prints, for every layer, what a quantization run would do with it and which rule decided, plus
// the sizes before and after and the plan's warnings (a skip name that matches no layer).
//
// usage: monoquant plan [options] LAYERS
//   LAYERS  a safetensors checkpoint (a name ending in .safetensors: its layers as
//           mq_model_describe_layers infers them, --kind overrides the kinds), or a text file ("-"
//           for stdin), one layer per line: NAME KIND ROWS COLS [PARAMS]
//           KIND is linear, conv, embedding, embedding_bag, layer_norm, batch_norm or other; ROWS x
//           COLS is the weight as a matrix (out_features x in_features); PARAMS counts every
//           parameter of the layer (default ROWS * COLS). '#' starts a comment.
//   the plan options of plan_options.h (--bits, --group-size, --skip, ...), --format table|tsv
//   --run-synthetic [--threads N]: also run the plan on synthetic Student-t weights of the listed
//           shapes and print the run's report (SQNR, sizes, times, warnings): what a run reports,
//           and how long it takes, before a real model is at hand; not the model's own accuracy.
// Exit codes: exit_codes.h.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "checkpoint_plan.h"
#include "commands.h"
#include "context_options.h"
#include "exit_codes.h"
#include "handles.h"
#include "monoquant/monoquant.h"
#include "plan_options.h"
#include "tool_util.h"

namespace {

constexpr const char* kCommand = "monoquant plan";

struct LayerLine {
  std::string name;
  mq_layer_kind kind;
  uint64_t rows;
  uint64_t cols;
  uint64_t params;
};

// Parses the layer list; prints the first problem (with its line number) and returns false.
bool read_layers(std::istream& in, const std::string& source, std::vector<LayerLine>* layers) {
  std::string line;
  for (size_t number = 1; std::getline(in, line); ++number) {
    const size_t hash = line.find('#');
    if (hash != std::string::npos) line.resize(hash);
    std::istringstream fields(line);
    LayerLine l{};
    std::string kind;
    if (!(fields >> l.name)) continue;  // blank or comment
    if (!(fields >> kind >> l.rows >> l.cols)) {
      std::fprintf(stderr, "%s: %s:%zu: expected NAME KIND ROWS COLS [PARAMS]\n", kCommand,
                   source.c_str(), number);
      return false;
    }
    if (mq_layer_kind_from_name(kind.c_str(), &l.kind) != MQ_OK) {
      std::fprintf(stderr,
                   "%s: %s:%zu: unknown kind '%s' (linear, conv, embedding, embedding_bag, "
                   "layer_norm, batch_norm, other)\n",
                   kCommand, source.c_str(), number, kind.c_str());
      return false;
    }
    if (!(fields >> l.params)) l.params = 0;
    std::string extra;
    if (fields >> extra) {
      std::fprintf(stderr, "%s: %s:%zu: unexpected '%s' after the layer\n", kCommand,
                   source.c_str(), number, extra.c_str());
      return false;
    }
    layers->push_back(l);
  }
  if (layers->empty()) {
    std::fprintf(stderr, "%s: %s holds no layers\n", kCommand, source.c_str());
    return false;
  }
  return true;
}

// The plan of a layer-list text file ("-" for stdin). Returns the exit code.
int plan_layer_list(mq_context* context, const std::string& path,
                    const mq::tool::ResolvedPlanOptions& options, mq::tool::PlanPtr* plan) {
  std::vector<LayerLine> layers;
  if (path == "-") {
    if (!read_layers(std::cin, "<stdin>", &layers)) return mq::tool::kExitBadInput;
  } else {
    std::ifstream file(path);
    if (!file) {
      std::fprintf(stderr, "%s: cannot open '%s'\n", kCommand, path.c_str());
      return mq::tool::kExitIo;
    }
    if (!read_layers(file, path, &layers)) return mq::tool::kExitBadInput;
  }
  std::vector<mq_layer_desc> descs;
  for (const LayerLine& l : layers) {
    mq_layer_desc d{};
    d.struct_size = sizeof(d);
    d.kind = l.kind;
    d.name = l.name.c_str();
    d.rows = l.rows;
    d.cols = l.cols;
    d.param_count = l.params;
    descs.push_back(d);
  }
  mq_plan* created = nullptr;
  const mq_status status =
      mq_plan_create(context, descs.data(), descs.size(), &options.plan(), &created);
  if (status != MQ_OK) return mq::tool::fail(kCommand, status);
  plan->reset(created);
  return mq::tool::kExitOk;
}

bool is_checkpoint_path(const std::string& path) {
  const std::string extension = ".safetensors";
  return path.size() > extension.size() &&
         path.compare(path.size() - extension.size(), extension.size(), extension) == 0;
}

int print_tsv(const mq_plan* plan) {
  mq_plan_info info{};
  info.struct_size = sizeof(info);
  mq_status status = mq_plan_get_info(plan, &info);
  if (status != MQ_OK) return mq::tool::fail(kCommand, status);
  std::printf(
      "name\tkind\trows\tcols\tparams\tdecision\tgroup\tscheme\trule\tdetail\tbytes_before"
      "\tbytes_after\n");
  for (uint64_t i = 0; i < info.layer_count; ++i) {
    mq_plan_layer l{};
    l.struct_size = sizeof(l);
    status = mq_plan_get_layer(plan, i, &l);
    if (status != MQ_OK) return mq::tool::fail(kCommand, status);
    std::printf(
        "%s\t%s\t%llu\t%llu\t%llu\t%s\t%llu\t%s\t%s\t%s\t%llu\t%llu\n", l.name,
        mq::tool::kind_name(l.kind), static_cast<unsigned long long>(l.rows),
        static_cast<unsigned long long>(l.cols), static_cast<unsigned long long>(l.param_count),
        mq::tool::decision_name(l.decision), static_cast<unsigned long long>(l.group_size),
        l.decision == MQ_DECISION_KEEP     ? "-"
        : l.scheme == MQ_SCHEME_ASYMMETRIC ? "asymmetric"
                                           : "symmetric",
        mq::tool::rule_name(l.rule), l.rule_detail, static_cast<unsigned long long>(l.bytes_before),
        static_cast<unsigned long long>(l.bytes_after));
  }
  return mq::tool::kExitOk;
}

// Runs the plan on synthetic weights of each quantized layer's shape (kept layers get none: the run
// does not read them) and prints the report. Returns the exit code.
int run_on_synthetic_weights(mq_context* context, const mq_plan* plan, uint32_t threads) {
  mq_plan_info info{};
  info.struct_size = sizeof(info);
  mq_status status = mq_plan_get_info(plan, &info);
  if (status != MQ_OK) return mq::tool::fail(kCommand, status);
  const uint64_t count = info.layer_count;
  std::vector<std::vector<float>> weights(count);
  std::vector<const float*> pointers(count, nullptr);
  std::vector<uint64_t> lens(count, 0);
  for (uint64_t i = 0; i < count; ++i) {
    mq_plan_layer l{};
    l.struct_size = sizeof(l);
    status = mq_plan_get_layer(plan, i, &l);
    if (status != MQ_OK) return mq::tool::fail(kCommand, status);
    if (l.decision == MQ_DECISION_KEEP) continue;
    weights[i] = mq::tool::synthetic_weights(l.rows, l.cols, static_cast<uint32_t>(i + 1));
    pointers[i] = weights[i].data();
    lens[i] = weights[i].size();
  }
  mq_run_options ro{};
  ro.struct_size = sizeof(ro);
  ro.output = MQ_RUN_OUTPUT_NONE;
  mq_report* created = nullptr;
  status = mq_plan_run(context, plan, pointers.data(), lens.data(), count, &ro, &created);
  if (status != MQ_OK) return mq::tool::fail(kCommand, status);
  const mq::tool::ReportPtr report(created);
  std::printf("\nrun on synthetic Student-t weights, %u thread(s):\n\n", threads);
  status = mq::tool::print_table([&](char* buffer, uint64_t len, uint64_t* needed) {
    return mq_report_format_table(report.get(), 0, buffer, len, needed);
  });
  return status == MQ_OK ? mq::tool::kExitOk : mq::tool::fail(kCommand, status);
}

}  // namespace

int run_plan_command(int argc, char** argv) {
  CLI::App app{
      "Show which layers a quantization would touch, how, and which rule decided (a dry "
      "run of the scheduler)",
      "monoquant plan"};
  app.footer(mq::tool::exit_code_help());
  std::string layers_path;
  std::string format = "table";
  bool run_synthetic = false;
  mq::tool::PlanSettings plan_settings;
  mq::tool::ContextSettings context_settings;
  app.add_option("layers", layers_path,
                 "a .safetensors checkpoint, or a layer list: one 'NAME KIND ROWS COLS [PARAMS]' "
                 "per line ('-' for stdin)")
      ->required();
  mq::tool::add_plan_options(app, &plan_settings, mq::tool::kAllPlanOptions);
  app.add_option("--format", format, "output format")
      ->check(CLI::IsMember({"table", "tsv"}))
      ->capture_default_str();
  app.add_flag("--run-synthetic", run_synthetic,
               "also run the plan on synthetic Student-t weights of these shapes and print the "
               "report (SQNR, sizes, times)");
  mq::tool::add_context_options(app, &context_settings);
  int exit_code = 0;
  if (!mq::tool::parse_command_line(app, argc, argv, &exit_code)) return exit_code;

  mq::tool::ResolvedPlanOptions options;
  if (!options.resolve(plan_settings, kCommand)) return mq::tool::kExitUsage;
  const bool checkpoint = is_checkpoint_path(layers_path);
  if (!checkpoint && options.has_kind_overrides()) {
    std::fprintf(stderr, "%s: --kind applies to a checkpoint; a layer list names its kinds\n",
                 kCommand);
    return mq::tool::kExitUsage;
  }
  mq::tool::ContextPtr context;
  exit_code = mq::tool::create_context(kCommand, context_settings, &context);
  if (exit_code != mq::tool::kExitOk) return exit_code;

  mq::tool::CheckpointPlan from_checkpoint;  // keeps the model open while its plan is in use
  mq::tool::PlanPtr from_list;
  exit_code = checkpoint ? mq::tool::make_checkpoint_plan(context.get(), kCommand, layers_path,
                                                          options, &from_checkpoint)
                         : plan_layer_list(context.get(), layers_path, options, &from_list);
  if (exit_code != mq::tool::kExitOk) return exit_code;
  const mq_plan* plan = checkpoint ? from_checkpoint.plan.get() : from_list.get();

  if (format == "tsv") {
    exit_code = print_tsv(plan);
  } else {
    const mq_status status =
        mq::tool::print_table([&](char* buffer, uint64_t len, uint64_t* needed) {
          return mq_plan_format_table(plan, 0, buffer, len, needed);
        });
    exit_code = status == MQ_OK ? mq::tool::kExitOk : mq::tool::fail(kCommand, status);
  }
  if (exit_code == mq::tool::kExitOk && run_synthetic) {
    exit_code = run_on_synthetic_weights(context.get(), plan, context_settings.threads);
  }
  return exit_code;
}
