#include "plan_options.h"

#include <cstdio>

namespace mq::tool {

namespace {

// Non-NULL pointers for lists that are set to empty ("set to empty" differs from "not set").
const char* const kNoNames[] = {nullptr};
const mq_layer_kind kNoKinds[] = {MQ_LAYER_LINEAR};

bool parse_kind(const std::string& name, const char* command, const char* option,
                mq_layer_kind* kind) {
  if (mq_layer_kind_from_name(name.c_str(), kind) == MQ_OK) return true;
  std::fprintf(stderr,
               "%s: %s: unknown kind '%s' (linear, conv, embedding, embedding_bag, layer_norm, "
               "batch_norm, other)\n",
               command, option, name.c_str());
  return false;
}

mq_shape_policy shape_policy(const std::string& name) {
  if (name == "keep") return MQ_SHAPE_POLICY_KEEP;
  if (name == "int4") return MQ_SHAPE_POLICY_INT4_PER_ROW;
  return MQ_SHAPE_POLICY_INT8_ROWS;
}

mq_accuracy_policy accuracy_policy(const std::string& name) {
  if (name == "error") return MQ_ACCURACY_POLICY_ERROR;
  if (name == "ignore") return MQ_ACCURACY_POLICY_IGNORE;
  return MQ_ACCURACY_POLICY_WARN;
}

uint32_t clear_bits(const PlanSettings& s) {
  uint32_t bits = s.no_default_skips ? MQ_CLEAR_DEFAULTS_ALL : 0U;
  for (const std::string& c : s.clear_defaults) {
    if (c == "all") bits |= MQ_CLEAR_DEFAULTS_ALL;
    if (c == "kinds") bits |= MQ_CLEAR_DEFAULT_KINDS;
    if (c == "lm_head") bits |= MQ_CLEAR_DEFAULT_LM_HEAD;
    if (c == "small") bits |= MQ_CLEAR_DEFAULT_SMALL;
  }
  return bits;
}

}  // namespace

void add_plan_options(CLI::App& app, PlanSettings* s, PlanOptionSet set) {
  app.add_option("--group-size,--group", s->group_size, "INT4 group size along K")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--scheme", s->scheme, "INT4 scheme: symmetric or asymmetric")
      ->check(CLI::IsMember({"symmetric", "asymmetric"}))
      ->capture_default_str();
  if (set == kFormatOptionsOnly) return;
  app.add_option("--bits", s->bits, "4 (group-wise INT4) or 8 (per-row INT8)")
      ->check(CLI::IsMember({4, 8}))
      ->capture_default_str();
  app.add_option("--skip,--skip-name", s->skip_names,
                 "keep the layers this name matches: exact, dotted suffix, or glob with * and ? "
                 "(repeatable)");
  app.add_option("--skip-type,--skip-kind", s->skip_kinds,
                 "keep the layers of this kind: linear, conv, embedding, embedding_bag, "
                 "layer_norm, batch_norm, other (repeatable)");
  app.add_flag("--skip-names-empty", s->skip_names_empty,
               "set the skip-name list to empty (recorded as set; the defaults still apply)");
  app.add_flag("--skip-kinds-empty", s->skip_kinds_empty, "set the skip-kind list to empty");
  app.add_option("--min-params,--skip-param-threshold", s->min_params,
                 "keep the layers with fewer parameters than this");
  app.add_flag("--no-default-skips", s->no_default_skips,
               "drop every default rule (keep embeddings and norms, lm_head, layers under 512 "
               "parameters)");
  app.add_option("--clear-defaults", s->clear_defaults,
                 "drop some default rules: all, kinds, lm_head, small (repeatable)")
      ->check(CLI::IsMember({"all", "kinds", "lm_head", "small"}));
  app.add_option("--small-layers,--shape-policy", s->small_layers,
                 "layers whose K is below the group size: int8 (per-row INT8), int4 (one group per "
                 "row) or keep")
      ->check(CLI::IsMember({"int8", "int4", "keep"}))
      ->capture_default_str();
  app.add_option("--on-accuracy,--policy", s->on_accuracy,
                 "what a run does with its warnings: warn, error (a critical one fails the run, "
                 "exit 5) or ignore")
      ->check(CLI::IsMember({"warn", "error", "ignore"}))
      ->capture_default_str();
  app.add_option("--sqnr-warning", s->sqnr_warning_db,
                 "warn about a layer whose weight SQNR is below this, in dB (default 20)");
  app.add_option("--sqnr-critical", s->sqnr_critical_db,
                 "critical warning below this SQNR, in dB (default 10)");
  app.add_option("--kind", s->kind_overrides,
                 "NAME=KIND: give the layers NAME matches (the skip patterns' syntax) this kind, "
                 "instead of the one inferred from the checkpoint's names and shapes (repeatable)");
}

bool ResolvedPlanOptions::resolve(const PlanSettings& s, const char* command) {
  plan_ = mq_plan_options{};
  plan_.struct_size = sizeof(plan_);
  plan_.bits = s.bits;
  plan_.group_size = s.group_size;
  plan_.scheme = s.scheme == "asymmetric" ? MQ_SCHEME_ASYMMETRIC : MQ_SCHEME_SYMMETRIC;
  plan_.shape_policy = shape_policy(s.small_layers);
  plan_.accuracy_policy = accuracy_policy(s.on_accuracy);
  plan_.skip_param_threshold = s.min_params;
  plan_.clear_defaults = clear_bits(s);
  plan_.sqnr_warning_db = s.sqnr_warning_db;
  plan_.sqnr_critical_db = s.sqnr_critical_db;

  skip_name_pointers_.clear();
  for (const std::string& n : s.skip_names) skip_name_pointers_.push_back(n.c_str());
  if (!skip_name_pointers_.empty()) {
    plan_.skip_names = skip_name_pointers_.data();
    plan_.skip_name_count = skip_name_pointers_.size();
  } else if (s.skip_names_empty) {
    plan_.skip_names = kNoNames;
  }
  skip_kinds_.clear();
  for (const std::string& k : s.skip_kinds) {
    mq_layer_kind kind{};
    if (!parse_kind(k, command, "--skip-type", &kind)) return false;
    skip_kinds_.push_back(kind);
  }
  if (!skip_kinds_.empty()) {
    plan_.skip_kinds = skip_kinds_.data();
    plan_.skip_kind_count = skip_kinds_.size();
  } else if (s.skip_kinds_empty) {
    plan_.skip_kinds = kNoKinds;
  }

  override_names_.clear();
  override_kinds_.clear();
  for (const std::string& o : s.kind_overrides) {
    const size_t eq = o.rfind('=');
    if (eq == std::string::npos || eq == 0) {
      std::fprintf(stderr, "%s: --kind: expected NAME=KIND, got '%s'\n", command, o.c_str());
      return false;
    }
    mq_layer_kind kind{};
    if (!parse_kind(o.substr(eq + 1), command, "--kind", &kind)) return false;
    override_names_.push_back(o.substr(0, eq));
    override_kinds_.push_back(kind);
  }
  override_name_pointers_.clear();
  for (const std::string& n : override_names_) override_name_pointers_.push_back(n.c_str());
  layers_ = mq_model_layer_options{};
  layers_.struct_size = sizeof(layers_);
  if (!override_kinds_.empty()) {
    layers_.kind_override_names = override_name_pointers_.data();
    layers_.kind_override_kinds = override_kinds_.data();
    layers_.kind_override_count = override_kinds_.size();
  }
  return true;
}

}  // namespace mq::tool
