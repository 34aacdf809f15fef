// `monoquant plan`: the scheduler's dry run. Reads a model's layer list, applies the skip rules and
// prints, for every layer, what a quantization run would do with it and which rule decided, plus
// the sizes before and after and the plan's warnings (a skip name that matches no layer).
//
// usage: monoquant plan [options] LAYERS
//   LAYERS  a text file ("-" for stdin), one layer per line: NAME KIND ROWS COLS [PARAMS]
//           KIND is linear, conv, embedding, embedding_bag, layer_norm, batch_norm or other; ROWS x
//           COLS is the weight as a matrix (out_features x in_features); PARAMS counts every
//           parameter of the layer (default ROWS * COLS). '#' starts a comment.
//   --bits 4|8  --group N  --scheme symmetric|asymmetric
//   --skip-name PATTERN (repeatable; exact, dotted suffix, or glob with * and ?)
//   --skip-kind KIND (repeatable)   --skip-names-empty / --skip-kinds-empty (set the list to [])
//   --skip-param-threshold N        --clear-defaults all|kinds|lm_head|small (repeatable)
//   --shape-policy int8|int4|keep   --policy warn|error|ignore
//   --sqnr-warning DB --sqnr-critical DB   --format table|tsv
//   --run-synthetic [--threads N]: also run the plan on synthetic Student-t weights of the listed
//           shapes and print the run's report (SQNR, sizes, times, warnings): what a run reports,
//           and how long it takes, before a real model is at hand; not the model's own accuracy.
// Exit status: 0 success, 1 a library error (the message is printed; also MQ_ERR_ACCURACY of a
// run under --policy error), 2 bad usage or input.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "monoquant/monoquant.h"
#include "tool_util.h"

int run_plan_command(int argc, char** argv);

namespace {

struct LayerLine {
  std::string name;
  mq_layer_kind kind;
  uint64_t rows;
  uint64_t cols;
  uint64_t params;
};

// The library's messages name the entry point already ("mq_plan_create: ...").
bool library_ok(mq_status status) {
  if (status == MQ_OK) return true;
  const char* message = "";
  mq_last_error_message(&message);
  std::fprintf(stderr, "monoquant plan: %s\n", message);
  return false;
}

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
      std::fprintf(stderr, "monoquant plan: %s:%zu: expected NAME KIND ROWS COLS [PARAMS]\n",
                   source.c_str(), number);
      return false;
    }
    if (mq_layer_kind_from_name(kind.c_str(), &l.kind) != MQ_OK) {
      std::fprintf(stderr,
                   "monoquant plan: %s:%zu: unknown kind '%s' (linear, conv, embedding, "
                   "embedding_bag, layer_norm, batch_norm, other)\n",
                   source.c_str(), number, kind.c_str());
      return false;
    }
    if (!(fields >> l.params)) l.params = 0;
    std::string extra;
    if (fields >> extra) {
      std::fprintf(stderr, "monoquant plan: %s:%zu: unexpected '%s' after the layer\n",
                   source.c_str(), number, extra.c_str());
      return false;
    }
    layers->push_back(l);
  }
  if (layers->empty()) {
    std::fprintf(stderr, "monoquant plan: %s holds no layers\n", source.c_str());
    return false;
  }
  return true;
}

void print_tsv(const mq_plan* plan, uint64_t count) {
  std::printf(
      "name\tkind\trows\tcols\tparams\tdecision\tgroup\tscheme\trule\tdetail\tbytes_before"
      "\tbytes_after\n");
  for (uint64_t i = 0; i < count; ++i) {
    mq_plan_layer l{};
    l.struct_size = sizeof(l);
    if (!library_ok(mq_plan_get_layer(plan, i, &l))) return;
    const char* kind = "";
    const char* decision = "";
    const char* rule = "";
    mq_layer_kind_name(l.kind, &kind);
    mq_decision_name(l.decision, &decision);
    mq_rule_name(l.rule, &rule);
    std::printf("%s\t%s\t%llu\t%llu\t%llu\t%s\t%llu\t%s\t%s\t%s\t%llu\t%llu\n", l.name, kind,
                static_cast<unsigned long long>(l.rows), static_cast<unsigned long long>(l.cols),
                static_cast<unsigned long long>(l.param_count), decision,
                static_cast<unsigned long long>(l.group_size),
                l.decision == MQ_DECISION_KEEP     ? "-"
                : l.scheme == MQ_SCHEME_ASYMMETRIC ? "asymmetric"
                                                   : "symmetric",
                rule, l.rule_detail, static_cast<unsigned long long>(l.bytes_before),
                static_cast<unsigned long long>(l.bytes_after));
  }
}

// Prints a table text from one of the library's format functions (size query, then the text).
template <class Format>
bool print_table(Format format) {
  uint64_t needed = 0;
  if (!library_ok(format(nullptr, 0, &needed))) return false;
  std::string text(needed, '\0');
  if (!library_ok(format(text.data(), needed, &needed))) return false;
  std::fputs(text.c_str(), stdout);
  return true;
}

// Runs the plan on synthetic weights of each quantized layer's shape (kept layers get none: the run
// does not read them) on `threads` threads and prints the report. Returns the exit status.
int run_on_synthetic_weights(const mq_plan* plan, uint64_t count, uint32_t threads) {
  std::vector<std::vector<float>> weights(count);
  std::vector<const float*> pointers(count, nullptr);
  std::vector<uint64_t> lens(count, 0);
  for (uint64_t i = 0; i < count; ++i) {
    mq_plan_layer l{};
    l.struct_size = sizeof(l);
    if (!library_ok(mq_plan_get_layer(plan, i, &l))) return 1;
    if (l.decision == MQ_DECISION_KEEP) continue;
    weights[i] = mq::tool::synthetic_weights(l.rows, l.cols, static_cast<uint32_t>(i + 1));
    pointers[i] = weights[i].data();
    lens[i] = weights[i].size();
  }
  mq_context_options co{};
  co.struct_size = sizeof(co);
  co.num_threads = threads;
  mq_context* context = nullptr;
  if (!library_ok(mq_context_create(&co, &context))) return 1;
  mq_run_options ro{};
  ro.struct_size = sizeof(ro);
  ro.output = MQ_RUN_OUTPUT_NONE;
  mq_report* report = nullptr;
  int status = 1;
  if (library_ok(mq_plan_run(context, plan, pointers.data(), lens.data(), count, &ro, &report))) {
    std::printf("\nrun on synthetic Student-t weights, %u thread(s):\n\n", threads);
    status = print_table([&](char* buffer, uint64_t len, uint64_t* needed) {
      return mq_report_format_table(report, 0, buffer, len, needed);
    })
                 ? 0
                 : 1;
  }
  mq_report_destroy(report);
  mq_context_destroy(context);
  return status;
}

}  // namespace

int run_plan_command(int argc, char** argv) {
  CLI::App app{
      "Show which layers a quantization would touch, how, and which rule decided (a dry "
      "run of the scheduler)",
      "monoquant plan"};
  std::string layers_path;
  uint32_t bits = 4;
  uint64_t group = 128;
  std::string scheme = "symmetric";
  std::vector<std::string> skip_names;
  std::vector<std::string> skip_kinds;
  bool skip_names_empty = false;
  bool skip_kinds_empty = false;
  uint64_t threshold = 0;
  std::vector<std::string> clear;
  std::string shape_policy = "int8";
  std::string policy = "warn";
  double sqnr_warning = 0.0;
  double sqnr_critical = 0.0;
  std::string format = "table";
  bool run_synthetic = false;
  uint32_t threads = 1;
  app.add_option("layers", layers_path,
                 "layer list: one 'NAME KIND ROWS COLS [PARAMS]' per line ('-' for stdin)")
      ->required();
  app.add_option("--bits", bits, "4 (group-wise INT4) or 8 (per-row INT8)")
      ->check(CLI::IsMember({4, 8}));
  app.add_option("--group", group, "INT4 group size")->check(CLI::PositiveNumber);
  app.add_option("--scheme", scheme, "INT4 scheme")
      ->check(CLI::IsMember({"symmetric", "asymmetric"}));
  app.add_option("--skip-name", skip_names,
                 "keep layers matching this name: exact, dotted suffix, or glob (* and ?)");
  app.add_option("--skip-kind", skip_kinds, "keep layers of this kind");
  app.add_flag("--skip-names-empty", skip_names_empty,
               "set the skip-name list to empty (recorded as set; the defaults still apply)");
  app.add_flag("--skip-kinds-empty", skip_kinds_empty, "set the skip-kind list to empty");
  app.add_option("--skip-param-threshold", threshold, "keep layers with fewer parameters");
  app.add_option("--clear-defaults", clear, "drop default rules: all, kinds, lm_head, small")
      ->check(CLI::IsMember({"all", "kinds", "lm_head", "small"}));
  app.add_option("--shape-policy", shape_policy, "layers whose K is below the group size")
      ->check(CLI::IsMember({"int8", "int4", "keep"}));
  app.add_option("--policy", policy, "accuracy policy of a run")
      ->check(CLI::IsMember({"warn", "error", "ignore"}));
  app.add_option("--sqnr-warning", sqnr_warning, "SQNR warning threshold in dB (default 20)");
  app.add_option("--sqnr-critical", sqnr_critical, "SQNR critical threshold in dB (default 10)");
  app.add_option("--format", format, "output format")->check(CLI::IsMember({"table", "tsv"}));
  app.add_flag("--run-synthetic", run_synthetic,
               "also run the plan on synthetic Student-t weights of these shapes and print the "
               "report (SQNR, sizes, times)");
  app.add_option("--threads", threads, "threads of --run-synthetic")->check(CLI::Range(1U, 256U));
  CLI11_PARSE(app, argc, argv);

  std::vector<LayerLine> layers;
  if (layers_path == "-") {
    if (!read_layers(std::cin, "<stdin>", &layers)) return 2;
  } else {
    std::ifstream file(layers_path);
    if (!file) {
      std::fprintf(stderr, "monoquant plan: cannot open '%s'\n", layers_path.c_str());
      return 2;
    }
    if (!read_layers(file, layers_path, &layers)) return 2;
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

  mq_plan_options o{};
  o.struct_size = sizeof(o);
  o.bits = bits;
  o.group_size = group;
  o.scheme = scheme == "asymmetric" ? MQ_SCHEME_ASYMMETRIC : MQ_SCHEME_SYMMETRIC;
  std::vector<const char*> name_ptrs;
  name_ptrs.reserve(skip_names.size());
  for (const std::string& n : skip_names) name_ptrs.push_back(n.c_str());
  static const char* const kNoNames[] = {nullptr};
  if (!name_ptrs.empty()) {
    o.skip_names = name_ptrs.data();
    o.skip_name_count = name_ptrs.size();
  } else if (skip_names_empty) {
    o.skip_names = kNoNames;
  }
  std::vector<mq_layer_kind> kinds;
  for (const std::string& k : skip_kinds) {
    mq_layer_kind kind{};
    if (mq_layer_kind_from_name(k.c_str(), &kind) != MQ_OK) {
      std::fprintf(stderr, "monoquant plan: --skip-kind: unknown kind '%s'\n", k.c_str());
      return 2;
    }
    kinds.push_back(kind);
  }
  static const mq_layer_kind kNoKinds[] = {MQ_LAYER_LINEAR};
  if (!kinds.empty()) {
    o.skip_kinds = kinds.data();
    o.skip_kind_count = kinds.size();
  } else if (skip_kinds_empty) {
    o.skip_kinds = kNoKinds;
  }
  o.skip_param_threshold = threshold;
  for (const std::string& c : clear) {
    if (c == "all") o.clear_defaults |= MQ_CLEAR_DEFAULTS_ALL;
    if (c == "kinds") o.clear_defaults |= MQ_CLEAR_DEFAULT_KINDS;
    if (c == "lm_head") o.clear_defaults |= MQ_CLEAR_DEFAULT_LM_HEAD;
    if (c == "small") o.clear_defaults |= MQ_CLEAR_DEFAULT_SMALL;
  }
  o.shape_policy = shape_policy == "keep"   ? MQ_SHAPE_POLICY_KEEP
                   : shape_policy == "int4" ? MQ_SHAPE_POLICY_INT4_PER_ROW
                                            : MQ_SHAPE_POLICY_INT8_ROWS;
  o.accuracy_policy = policy == "error"    ? MQ_ACCURACY_POLICY_ERROR
                      : policy == "ignore" ? MQ_ACCURACY_POLICY_IGNORE
                                           : MQ_ACCURACY_POLICY_WARN;
  o.sqnr_warning_db = sqnr_warning;
  o.sqnr_critical_db = sqnr_critical;

  mq_plan* plan = nullptr;
  if (!library_ok(mq_plan_create(nullptr, descs.data(), descs.size(), &o, &plan))) {
    return 1;
  }
  int status = 0;
  if (format == "tsv") {
    print_tsv(plan, descs.size());
  } else if (!print_table([&](char* buffer, uint64_t len, uint64_t* needed) {
               return mq_plan_format_table(plan, 0, buffer, len, needed);
             })) {
    status = 1;
  }
  if (status == 0 && run_synthetic) status = run_on_synthetic_weights(plan, descs.size(), threads);
  mq_plan_destroy(plan);
  return status;
}
