// The plan's rules (design.md, "The scheduler"), name patterns, sizes and names of the enums.
#include <cstdarg>
#include <cstdio>
#include <cstring>

#include "capi/scheduler/scheduler.h"
#include "common/formats.h"

namespace mq::capi::sched {
namespace {

// Glob match of the whole of `text` against `pattern` ('*' any run, '?' one character). Iterative
// with one backtrack point: linear in practice, O(|pattern| * |text|) at worst.
bool glob(const char* pattern, const char* text) {
  const char* star = nullptr;
  const char* resume = nullptr;
  while (*text != '\0') {
    if (*pattern == '*') {
      star = pattern++;
      resume = text;
    } else if (*pattern == '?' || *pattern == *text) {
      ++pattern;
      ++text;
    } else if (star != nullptr) {
      pattern = star + 1;
      text = ++resume;
    } else {
      return false;
    }
  }
  while (*pattern == '*') ++pattern;
  return *pattern == '\0';
}

void set_detail(PlanLayer* layer, const char* format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

void set_detail(PlanLayer* layer, const char* format, ...) {
  char text[kMaxNameBytes + 128];
  va_list args;
  va_start(args, format);
  std::vsnprintf(text, sizeof(text), format, args);
  va_end(args);
  layer->detail.assign(text);
}

void keep(PlanLayer* layer, mq_rule rule) {
  layer->decision = MQ_DECISION_KEEP;
  layer->rule = rule;
  layer->format = static_cast<mq_format>(0);
  layer->scheme = MQ_SCHEME_SYMMETRIC;
  layer->group = 0;
}

void int4(PlanLayer* layer, mq_rule rule, uint64_t group, mq_scheme scheme) {
  layer->decision = MQ_DECISION_INT4;
  layer->rule = rule;
  layer->format = MQ_FORMAT_INT4;
  layer->scheme = scheme;
  layer->group = group;
}

void int8_rows(PlanLayer* layer, mq_rule rule) {
  layer->decision = MQ_DECISION_INT8_ROWS;
  layer->rule = rule;
  layer->format = MQ_FORMAT_INT8_ROWS;
  layer->scheme = MQ_SCHEME_SYMMETRIC;
  layer->group = layer->cols;
}

bool is_default_kept_kind(mq_layer_kind kind) {
  return kind == MQ_LAYER_EMBEDDING || kind == MQ_LAYER_EMBEDDING_BAG ||
         kind == MQ_LAYER_LAYER_NORM || kind == MQ_LAYER_BATCH_NORM;
}

void decide_rules(const PlanSettings& s, PlanLayer* layer) {
  const char* name = layer->name.c_str();
  // 1. names to keep
  for (const HostString& pattern : s.skip_names) {
    if (name_matches(pattern.c_str(), name)) {
      keep(layer, MQ_RULE_SKIP_NAME);
      set_detail(layer, "skip_names '%s'", pattern.c_str());
      return;
    }
  }
  // 2. kinds to keep
  for (const mq_layer_kind kind : s.skip_kinds) {
    if (kind == layer->kind) {
      keep(layer, MQ_RULE_SKIP_KIND);
      set_detail(layer, "skip_kinds %s", kind_name(kind));
      return;
    }
  }
  // 3. parameter-count threshold
  if (s.param_threshold != 0 && layer->params < s.param_threshold) {
    keep(layer, MQ_RULE_PARAM_THRESHOLD);
    set_detail(layer, "%llu params < skip_param_threshold %llu",
               static_cast<unsigned long long>(layer->params),
               static_cast<unsigned long long>(s.param_threshold));
    return;
  }
  // 4. the defaults, unless cleared
  if ((s.clear_defaults & MQ_CLEAR_DEFAULT_KINDS) == 0 && is_default_kept_kind(layer->kind)) {
    keep(layer, MQ_RULE_DEFAULT_KIND);
    set_detail(layer, "default: keep %s", kind_name(layer->kind));
    return;
  }
  if ((s.clear_defaults & MQ_CLEAR_DEFAULT_LM_HEAD) == 0 && name_matches(kDefaultHeadName, name)) {
    keep(layer, MQ_RULE_DEFAULT_LM_HEAD);
    set_detail(layer, "default: keep %s", kDefaultHeadName);
    return;
  }
  if ((s.clear_defaults & MQ_CLEAR_DEFAULT_SMALL) == 0 &&
      layer->params < kDefaultSmallLayerParams) {
    keep(layer, MQ_RULE_DEFAULT_SMALL);
    set_detail(layer, "default: %llu params < %llu", static_cast<unsigned long long>(layer->params),
               static_cast<unsigned long long>(kDefaultSmallLayerParams));
    return;
  }
  // 5. shape: K smaller than the INT4 group
  if (s.bits == 4 && layer->cols < s.group) {
    switch (s.shape_policy) {
      case MQ_SHAPE_POLICY_KEEP: keep(layer, MQ_RULE_SHAPE); break;
      case MQ_SHAPE_POLICY_INT4_PER_ROW: int4(layer, MQ_RULE_SHAPE, layer->cols, s.scheme); break;
      default: int8_rows(layer, MQ_RULE_SHAPE); break;
    }
    set_detail(layer, "K=%llu < group %llu: %s", static_cast<unsigned long long>(layer->cols),
               static_cast<unsigned long long>(s.group), shape_policy_name(s.shape_policy));
    return;
  }
  // 6. quantize
  if (s.bits == 4) {
    int4(layer, MQ_RULE_QUANTIZE, s.group, s.scheme);
  } else {
    int8_rows(layer, MQ_RULE_QUANTIZE);
  }
  layer->detail.clear();
}

}  // namespace

PlanLayer::PlanLayer(const PlanLayer& o, const Allocator& a)
    : name(o.name.c_str(), o.name.size(), HostAllocator<char>(a)),
      kind(o.kind),
      rows(o.rows),
      cols(o.cols),
      params(o.params),
      decision(o.decision),
      rule(o.rule),
      detail(o.detail.c_str(), o.detail.size(), HostAllocator<char>(a)),
      format(o.format),
      scheme(o.scheme),
      group(o.group),
      bytes_before(o.bytes_before),
      bytes_after(o.bytes_after) {}

PlanSettings::PlanSettings(const PlanSettings& o, const Allocator& a)
    : bits(o.bits),
      group(o.group),
      scheme(o.scheme),
      shape_policy(o.shape_policy),
      clear_defaults(o.clear_defaults),
      policy(o.policy),
      warning_db(o.warning_db),
      critical_db(o.critical_db),
      min_calibration_samples(o.min_calibration_samples),
      names_set(o.names_set),
      kinds_set(o.kinds_set),
      param_threshold(o.param_threshold),
      skip_names(HostAllocator<HostString>(a)),
      skip_kinds(o.skip_kinds.begin(), o.skip_kinds.end(), HostAllocator<mq_layer_kind>(a)) {
  skip_names.reserve(o.skip_names.size());
  for (const HostString& n : o.skip_names) skip_names.push_back(host_string(a, n.c_str()));
}

HostVector<Warning> copy_warnings(const HostVector<Warning>& warnings, const Allocator& a) {
  HostVector<Warning> out{HostAllocator<Warning>(a)};
  out.reserve(warnings.size());
  for (const Warning& w : warnings) {
    out.push_back(Warning{w.kind, w.critical, w.layer, host_string(a, w.message.c_str())});
  }
  return out;
}

void append_format(HostString* text, const char* format, ...) {
  char line[2048];
  va_list args;
  va_start(args, format);
  const int n = std::vsnprintf(line, sizeof(line), format, args);
  va_end(args);
  if (n > 0) text->append(line, static_cast<size_t>(n) < sizeof(line) ? n : sizeof(line) - 1);
}

bool name_matches(const char* pattern, const char* name) {
  for (const char* suffix = name;;) {
    if (glob(pattern, suffix)) return true;
    const char* dot = std::strchr(suffix, '.');
    if (dot == nullptr) return false;
    suffix = dot + 1;
  }
}

uint64_t saturating_add(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }

void canonical_lens(const PlanLayer& l, uint64_t* codes, uint64_t* scales, uint64_t* zero_points) {
  *codes = *scales = *zero_points = 0;
  if (l.decision == MQ_DECISION_INT4) {
    const uint64_t groups = kernels::groups_per_row(l.cols, l.group);
    *codes = l.rows * kernels::int4_row_bytes(l.cols);
    *scales = l.rows * groups;
    *zero_points = l.scheme == MQ_SCHEME_ASYMMETRIC ? l.rows * groups : 0;
  } else if (l.decision == MQ_DECISION_INT8_ROWS) {
    *codes = l.rows * l.cols;
    *scales = l.rows;
  }
}

void layer_bytes(const PlanLayer& l, uint64_t* before, uint64_t* after) {
  // Shapes were checked: params * 4 fits the address space, so nothing here overflows.
  *before = l.params * sizeof(float);
  if (l.decision == MQ_DECISION_KEEP) {
    *after = *before;
    return;
  }
  uint64_t codes = 0, scales = 0, zero_points = 0;
  canonical_lens(l, &codes, &scales, &zero_points);
  *after =
      codes + scales * sizeof(float) + zero_points + (l.params - l.rows * l.cols) * sizeof(float);
}

Totals totals_of(const HostVector<PlanLayer>& layers) {
  Totals t;
  for (const PlanLayer& l : layers) {
    if (l.decision == MQ_DECISION_INT4) ++t.int4;
    if (l.decision == MQ_DECISION_INT8_ROWS) ++t.int8;
    if (l.decision == MQ_DECISION_KEEP) ++t.keep;
    t.bytes_before = saturating_add(t.bytes_before, l.bytes_before);
    t.bytes_after = saturating_add(t.bytes_after, l.bytes_after);
  }
  return t;
}

void decide(const PlanSettings& settings, PlanLayer* layer) {
  decide_rules(settings, layer);
  layer_bytes(*layer, &layer->bytes_before, &layer->bytes_after);
}

const char* kind_name(mq_layer_kind kind) {
  switch (kind) {
    case MQ_LAYER_LINEAR: return "linear";
    case MQ_LAYER_CONV: return "conv";
    case MQ_LAYER_EMBEDDING: return "embedding";
    case MQ_LAYER_EMBEDDING_BAG: return "embedding_bag";
    case MQ_LAYER_LAYER_NORM: return "layer_norm";
    case MQ_LAYER_BATCH_NORM: return "batch_norm";
    case MQ_LAYER_OTHER: return "other";
    case MQ_LAYER_KIND_MAX_ENUM: break;
  }
  return "?";
}

const char* decision_name(mq_decision decision) {
  switch (decision) {
    case MQ_DECISION_INT4: return "int4";
    case MQ_DECISION_INT8_ROWS: return "int8_rows";
    case MQ_DECISION_KEEP: return "keep";
    case MQ_DECISION_MAX_ENUM: break;
  }
  return "?";
}

const char* rule_name(mq_rule rule) {
  switch (rule) {
    case MQ_RULE_SKIP_NAME: return "skip_name";
    case MQ_RULE_SKIP_KIND: return "skip_kind";
    case MQ_RULE_PARAM_THRESHOLD: return "param_threshold";
    case MQ_RULE_DEFAULT_KIND: return "default_kind";
    case MQ_RULE_DEFAULT_LM_HEAD: return "default_lm_head";
    case MQ_RULE_DEFAULT_SMALL: return "default_small";
    case MQ_RULE_SHAPE: return "shape";
    case MQ_RULE_QUANTIZE: return "quantize";
    case MQ_RULE_MAX_ENUM: break;
  }
  return "?";
}

const char* warning_kind_name(mq_warning_kind kind) {
  switch (kind) {
    case MQ_WARNING_UNMATCHED_SKIP_NAME: return "unmatched_skip_name";
    case MQ_WARNING_LOW_SQNR: return "low_sqnr";
    case MQ_WARNING_CRITICAL_SQNR: return "critical_sqnr";
    case MQ_WARNING_NOTHING_SKIPPED: return "nothing_skipped";
    case MQ_WARNING_FEW_CALIBRATION_SAMPLES: return "few_calibration_samples";
    case MQ_WARNING_KIND_MAX_ENUM: break;
  }
  return "?";
}

const char* scheme_name(mq_scheme scheme) {
  return scheme == MQ_SCHEME_ASYMMETRIC ? "asymmetric" : "symmetric";
}

const char* policy_name(mq_accuracy_policy policy) {
  switch (policy) {
    case MQ_ACCURACY_POLICY_WARN: return "warn";
    case MQ_ACCURACY_POLICY_ERROR: return "error";
    case MQ_ACCURACY_POLICY_IGNORE: return "ignore";
    case MQ_ACCURACY_POLICY_MAX_ENUM: break;
  }
  return "?";
}

const char* shape_policy_name(mq_shape_policy policy) {
  switch (policy) {
    case MQ_SHAPE_POLICY_DEFAULT:
    case MQ_SHAPE_POLICY_INT8_ROWS: return "int8 per-row";
    case MQ_SHAPE_POLICY_INT4_PER_ROW: return "int4 per-row";
    case MQ_SHAPE_POLICY_KEEP: return "keep";
    case MQ_SHAPE_POLICY_MAX_ENUM: break;
  }
  return "?";
}

void format_label(const PlanLayer& l, char* out, size_t out_size) {
  switch (l.decision) {
    case MQ_DECISION_INT4:
      std::snprintf(out, out_size, "int4 g%llu %s", static_cast<unsigned long long>(l.group),
                    l.scheme == MQ_SCHEME_ASYMMETRIC ? "asym" : "sym");
      return;
    case MQ_DECISION_INT8_ROWS: std::snprintf(out, out_size, "int8 rows"); return;
    default: std::snprintf(out, out_size, "fp32"); return;
  }
}

}  // namespace mq::capi::sched
