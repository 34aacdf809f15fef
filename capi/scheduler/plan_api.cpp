// mq_plan_*: describing a model's layers, evaluating the rules (the dry run), reading the plan; and
// the enum-name functions of the scheduler API.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "capi/api_call.h"
#include "capi/checks.h"
#include "capi/context.h"
#include "capi/options.h"
#include "capi/scheduler/scheduler.h"

using mq::capi::api_call;
using mq::capi::check_not_null;
using mq::capi::fail;
namespace sched = mq::capi::sched;

namespace mq::capi::sched {

bool valid_kind(mq_layer_kind kind) { return kind >= MQ_LAYER_LINEAR && kind <= MQ_LAYER_OTHER; }

mq_status check_name(const char* text, const char* what, uint64_t index) {
  if (text == nullptr) {
    return fail(MQ_ERR_NULL_POINTER, "%s[%llu] is NULL", what,
                static_cast<unsigned long long>(index));
  }
  const void* nul = std::memchr(text, '\0', kMaxNameBytes + 1);
  if (nul == nullptr) {
    return fail(MQ_ERR_INVALID_ARGUMENT, "%s[%llu] is longer than %zu bytes", what,
                static_cast<unsigned long long>(index), kMaxNameBytes);
  }
  if (text[0] == '\0') {
    return fail(MQ_ERR_INVALID_ARGUMENT, "%s[%llu] is empty", what,
                static_cast<unsigned long long>(index));
  }
  return MQ_OK;
}

}  // namespace mq::capi::sched

mq_plan::mq_plan(const mq::capi::Allocator& a)
    : allocator(a),
      settings(a),
      layers(sched::HostAllocator<sched::PlanLayer>(a)),
      warnings(sched::HostAllocator<sched::Warning>(a)) {}

namespace {

constexpr uint64_t kMaxListEntries = uint64_t{1} << 20;

mq_status read_plan_options(const mq_plan_options* options, mq_plan_options* o) {
  *o = mq_plan_options{};
  o->struct_size = sizeof(mq_plan_options);
  if (options != nullptr) MQ_RETURN_IF_ERROR(mq::capi::read_options(*options, o));
  if (o->bits == 0) o->bits = 4;
  if (o->bits != 4 && o->bits != 8) {
    return fail(MQ_ERR_INVALID_ARGUMENT, "bits is %u; it must be 4 or 8 (or 0 for 4)", o->bits);
  }
  if (o->group_size == 0) o->group_size = sched::kDefaultGroupSize;
  MQ_RETURN_IF_ERROR(mq::capi::check_scheme(o->scheme));
  if (o->bits == 8 && o->scheme != MQ_SCHEME_SYMMETRIC) {
    return fail(MQ_ERR_INVALID_ARGUMENT, "bits 8 (per-row INT8) is symmetric only");
  }
  if (o->shape_policy < MQ_SHAPE_POLICY_DEFAULT || o->shape_policy > MQ_SHAPE_POLICY_KEEP) {
    return fail(MQ_ERR_INVALID_ARGUMENT, "shape_policy %d is not a mq_shape_policy",
                static_cast<int>(o->shape_policy));
  }
  if (o->shape_policy == MQ_SHAPE_POLICY_DEFAULT) o->shape_policy = MQ_SHAPE_POLICY_INT8_ROWS;
  if (o->skip_names == nullptr && o->skip_name_count != 0) {
    return fail(MQ_ERR_NULL_POINTER, "skip_names is NULL but skip_name_count is %llu",
                static_cast<unsigned long long>(o->skip_name_count));
  }
  if (o->skip_name_count > kMaxListEntries) {
    return fail(MQ_ERR_INVALID_ARGUMENT, "skip_name_count %llu exceeds %llu",
                static_cast<unsigned long long>(o->skip_name_count),
                static_cast<unsigned long long>(kMaxListEntries));
  }
  for (uint64_t i = 0; i < o->skip_name_count; ++i) {
    MQ_RETURN_IF_ERROR(sched::check_name(o->skip_names[i], "skip_names", i));
  }
  if (o->skip_kinds == nullptr && o->skip_kind_count != 0) {
    return fail(MQ_ERR_NULL_POINTER, "skip_kinds is NULL but skip_kind_count is %llu",
                static_cast<unsigned long long>(o->skip_kind_count));
  }
  if (o->skip_kind_count > kMaxListEntries) {
    return fail(MQ_ERR_INVALID_ARGUMENT, "skip_kind_count %llu exceeds %llu",
                static_cast<unsigned long long>(o->skip_kind_count),
                static_cast<unsigned long long>(kMaxListEntries));
  }
  for (uint64_t i = 0; i < o->skip_kind_count; ++i) {
    if (!sched::valid_kind(o->skip_kinds[i])) {
      return fail(MQ_ERR_INVALID_ARGUMENT, "skip_kinds[%llu] is %d, not a mq_layer_kind",
                  static_cast<unsigned long long>(i), static_cast<int>(o->skip_kinds[i]));
    }
  }
  if ((o->clear_defaults & ~MQ_CLEAR_DEFAULTS_ALL) != 0) {
    return fail(MQ_ERR_INVALID_ARGUMENT, "clear_defaults 0x%x has unknown bits (known: 0x%x)",
                o->clear_defaults, MQ_CLEAR_DEFAULTS_ALL);
  }
  if (o->accuracy_policy < MQ_ACCURACY_POLICY_WARN ||
      o->accuracy_policy > MQ_ACCURACY_POLICY_IGNORE) {
    return fail(MQ_ERR_INVALID_ARGUMENT, "accuracy_policy %d is not a mq_accuracy_policy",
                static_cast<int>(o->accuracy_policy));
  }
  if (std::isnan(o->sqnr_warning_db) || std::isnan(o->sqnr_critical_db)) {
    return fail(MQ_ERR_INVALID_ARGUMENT, "sqnr_warning_db and sqnr_critical_db must not be NaN");
  }
  const bool warning_default = o->sqnr_warning_db == 0.0;
  const bool critical_default = o->sqnr_critical_db == 0.0;
  if (warning_default) o->sqnr_warning_db = sched::kDefaultSqnrWarningDb;
  if (critical_default) o->sqnr_critical_db = sched::kDefaultSqnrCriticalDb;
  if (o->sqnr_critical_db > o->sqnr_warning_db) {
    return fail(MQ_ERR_INVALID_ARGUMENT,
                "sqnr_critical_db (%g dB%s) is above sqnr_warning_db (%g dB%s); the critical "
                "threshold must not exceed the warning one",
                o->sqnr_critical_db, critical_default ? ", the default" : "", o->sqnr_warning_db,
                warning_default ? ", the default" : "");
  }
  if (o->min_calibration_samples == 0) {
    o->min_calibration_samples = sched::kDefaultMinCalibrationSamples;
  }
  return MQ_OK;
}

// Reads and checks every layer descriptor into `out` (no plan exists yet).
mq_status read_layers(const mq_layer_desc* layers, uint64_t layer_count, const mq_plan& plan,
                      sched::HostVector<sched::PlanLayer>* out) {
  if (layer_count == 0) return fail(MQ_ERR_INVALID_ARGUMENT, "layer_count must be >= 1");
  const auto* bytes = reinterpret_cast<const unsigned char*>(layers);
  uint32_t stride = 0;
  std::memcpy(&stride, bytes, sizeof(stride));
  if (stride < sizeof(uint32_t) || stride > mq::capi::kMaxStructSize ||
      stride % alignof(mq_layer_desc) != 0) {
    return fail(MQ_ERR_INVALID_ARGUMENT,
                "layers[0].struct_size is %u; set it to sizeof(mq_layer_desc) (%zu)", stride,
                sizeof(mq_layer_desc));
  }
  if (layer_count > static_cast<uint64_t>(PTRDIFF_MAX) / stride) {
    return fail(MQ_ERR_INVALID_SHAPE, "layer_count %llu overflows the address space",
                static_cast<unsigned long long>(layer_count));
  }
  const uint64_t max_elements = static_cast<uint64_t>(PTRDIFF_MAX) / sizeof(float);
  out->reserve(static_cast<size_t>(layer_count));
  for (uint64_t i = 0; i < layer_count; ++i) {
    const unsigned char* element = bytes + i * stride;
    uint32_t size = 0;
    std::memcpy(&size, element, sizeof(size));
    if (size != stride) {
      return fail(MQ_ERR_INVALID_ARGUMENT,
                  "layers[%llu].struct_size is %u but layers[0].struct_size is %u; every "
                  "element of the array must carry the same struct_size",
                  static_cast<unsigned long long>(i), size, stride);
    }
    mq_layer_desc d{};
    d.struct_size = sizeof(mq_layer_desc);
    MQ_RETURN_IF_ERROR(
        mq::capi::read_options(*reinterpret_cast<const mq_layer_desc*>(element), &d));
    MQ_RETURN_IF_ERROR(sched::check_name(d.name, "layers", i));
    const auto index = static_cast<unsigned long long>(i);
    if (!sched::valid_kind(d.kind)) {
      return fail(MQ_ERR_INVALID_ARGUMENT, "layers[%llu] ('%s'): kind %d is not a mq_layer_kind",
                  index, d.name, static_cast<int>(d.kind));
    }
    if (d.rows == 0 || d.cols == 0) {
      return fail(MQ_ERR_INVALID_SHAPE,
                  "layers[%llu] ('%s'): rows and cols must be >= 1 (got %llu x %llu)", index,
                  d.name, static_cast<unsigned long long>(d.rows),
                  static_cast<unsigned long long>(d.cols));
    }
    if (d.rows > max_elements / d.cols) {
      return fail(MQ_ERR_INVALID_SHAPE,
                  "layers[%llu] ('%s'): %llu x %llu overflows the address space", index, d.name,
                  static_cast<unsigned long long>(d.rows), static_cast<unsigned long long>(d.cols));
    }
    const uint64_t elements = d.rows * d.cols;
    const uint64_t params = d.param_count == 0 ? elements : d.param_count;
    if (params < elements) {
      return fail(MQ_ERR_INVALID_ARGUMENT,
                  "layers[%llu] ('%s'): param_count %llu is less than rows * cols = %llu", index,
                  d.name, static_cast<unsigned long long>(params),
                  static_cast<unsigned long long>(elements));
    }
    if (params > max_elements) {
      return fail(MQ_ERR_INVALID_SHAPE,
                  "layers[%llu] ('%s'): param_count %llu overflows the address space", index,
                  d.name, static_cast<unsigned long long>(params));
    }
    sched::PlanLayer l(plan.allocator);
    l.name.assign(d.name);
    l.kind = d.kind;
    l.rows = d.rows;
    l.cols = d.cols;
    l.params = params;
    out->push_back(std::move(l));
  }
  // Names are unique: sort indices by name and compare neighbours.
  sched::HostVector<size_t> order{sched::HostAllocator<size_t>(plan.allocator)};
  order.resize(out->size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return (*out)[a].name < (*out)[b].name; });
  for (size_t i = 1; i < order.size(); ++i) {
    if ((*out)[order[i - 1]].name == (*out)[order[i]].name) {
      const size_t a = std::min(order[i - 1], order[i]);
      const size_t b = std::max(order[i - 1], order[i]);
      return fail(MQ_ERR_INVALID_ARGUMENT, "layers[%zu] and layers[%zu] are both named '%s'", a, b,
                  (*out)[a].name.c_str());
    }
  }
  return MQ_OK;
}

bool has_wildcard(const char* pattern) {
  return std::strchr(pattern, '*') != nullptr || std::strchr(pattern, '?') != nullptr;
}

// One warning per skip name that matches no layer, with a hint when the name occurs inside one.
void warn_unmatched_names(mq_plan* plan) {
  const sched::PlanSettings& s = plan->settings;
  for (const sched::HostString& pattern : s.skip_names) {
    bool matched = false;
    const sched::PlanLayer* inside = nullptr;
    for (const sched::PlanLayer& l : plan->layers) {
      if (sched::name_matches(pattern.c_str(), l.name.c_str())) {
        matched = true;
        break;
      }
      if (inside == nullptr && l.name.find(pattern) != sched::HostString::npos) inside = &l;
    }
    if (matched) continue;
    sched::HostString message{sched::HostAllocator<char>(plan->allocator)};
    sched::append_format(&message, "skip name '%s' matches no layer", pattern.c_str());
    if (inside != nullptr && !has_wildcard(pattern.c_str())) {
      sched::append_format(&message,
                           " (it occurs inside '%s', but a name matches whole dotted components "
                           "only; write '*%s*' to match inside one)",
                           inside->name.c_str(), pattern.c_str());
    }
    plan->warnings.push_back(
        sched::Warning{MQ_WARNING_UNMATCHED_SKIP_NAME, false, UINT64_MAX, std::move(message)});
  }
}

mq_status check_index(uint64_t index, size_t count) {
  if (index >= count) {
    return fail(MQ_ERR_INVALID_ARGUMENT, "index %llu is out of range (%zu entries)",
                static_cast<unsigned long long>(index), count);
  }
  return MQ_OK;
}

}  // namespace

extern "C" {

mq_status mq_plan_create(mq_context* context, const mq_layer_desc* layers, uint64_t layer_count,
                         const mq_plan_options* options, mq_plan** plan) {
  return api_call("mq_plan_create", [&]() -> mq_status {
    const mq_context* c = nullptr;
    MQ_RETURN_IF_ERROR(mq::capi::resolve_context(context, &c));
    MQ_RETURN_IF_ERROR(check_not_null(layers, "layers"));
    MQ_RETURN_IF_ERROR(check_not_null(plan, "plan"));
    mq_plan_options o{};
    MQ_RETURN_IF_ERROR(read_plan_options(options, &o));

    // The handle is built in full before it is published; RAII frees it on any failure.
    struct Guard {
      mq_plan* p;
      ~Guard() { sched::delete_handle(p); }
    } guard{sched::new_handle<mq_plan>(c->allocator, c->allocator)};
    mq_plan* p = guard.p;
    MQ_RETURN_IF_ERROR(read_layers(layers, layer_count, *p, &p->layers));

    sched::PlanSettings& s = p->settings;
    s.bits = o.bits;
    s.group = o.bits == 4 ? o.group_size : 0;
    s.scheme = o.scheme;
    s.shape_policy = o.shape_policy;
    s.clear_defaults = o.clear_defaults;
    s.policy = o.accuracy_policy;
    s.warning_db = o.sqnr_warning_db;
    s.critical_db = o.sqnr_critical_db;
    s.min_calibration_samples = o.min_calibration_samples;
    s.names_set = o.skip_names != nullptr;
    s.kinds_set = o.skip_kinds != nullptr;
    s.param_threshold = o.skip_param_threshold;
    s.skip_names.reserve(static_cast<size_t>(o.skip_name_count));
    if (o.skip_names != nullptr) {
      for (uint64_t i = 0; i < o.skip_name_count; ++i) {
        s.skip_names.push_back(sched::host_string(p->allocator, o.skip_names[i]));
      }
    }
    if (o.skip_kinds != nullptr) {
      s.skip_kinds.assign(o.skip_kinds, o.skip_kinds + o.skip_kind_count);
    }

    for (sched::PlanLayer& l : p->layers) sched::decide(s, &l);
    p->totals = sched::totals_of(p->layers);
    warn_unmatched_names(p);
    if (s.policy != MQ_ACCURACY_POLICY_IGNORE) {
      for (const sched::Warning& w : p->warnings) {
        mq::capi::log_message(*c, MQ_LOG_WARNING, w.message.c_str());
      }
    }
    *plan = p;
    guard.p = nullptr;
    return MQ_OK;
  });
}

mq_status mq_plan_destroy(mq_plan* plan) {
  return api_call("mq_plan_destroy", [&]() -> mq_status {
    sched::delete_handle(plan);
    return MQ_OK;
  });
}

mq_status mq_plan_get_info(const mq_plan* plan, mq_plan_info* info) {
  return api_call("mq_plan_get_info", [&]() -> mq_status {
    MQ_RETURN_IF_ERROR(check_not_null(plan, "plan"));
    MQ_RETURN_IF_ERROR(check_not_null(info, "info"));
    const sched::PlanSettings& s = plan->settings;
    mq_plan_info full{};
    full.struct_size = sizeof(mq_plan_info);
    full.bits = s.bits;
    full.group_size = s.group;
    full.scheme = s.scheme;
    full.shape_policy = s.shape_policy;
    full.layer_count = plan->layers.size();
    full.int4_count = plan->totals.int4;
    full.int8_count = plan->totals.int8;
    full.keep_count = plan->totals.keep;
    full.warning_count = plan->warnings.size();
    full.bytes_before = plan->totals.bytes_before;
    full.bytes_after = plan->totals.bytes_after;
    full.clear_defaults = s.clear_defaults;
    full.accuracy_policy = s.policy;
    full.skip_names_set = s.names_set ? 1 : 0;
    full.skip_kinds_set = s.kinds_set ? 1 : 0;
    full.skip_name_count = s.skip_names.size();
    full.skip_kind_count = s.skip_kinds.size();
    full.skip_param_threshold = s.param_threshold;
    full.sqnr_warning_db = s.warning_db;
    full.sqnr_critical_db = s.critical_db;
    full.min_calibration_samples = s.min_calibration_samples;
    return mq::capi::write_struct(full, info);
  });
}

mq_status mq_plan_get_layer(const mq_plan* plan, uint64_t index, mq_plan_layer* layer) {
  return api_call("mq_plan_get_layer", [&]() -> mq_status {
    MQ_RETURN_IF_ERROR(check_not_null(plan, "plan"));
    MQ_RETURN_IF_ERROR(check_not_null(layer, "layer"));
    MQ_RETURN_IF_ERROR(check_index(index, plan->layers.size()));
    const sched::PlanLayer& l = plan->layers[static_cast<size_t>(index)];
    mq_plan_layer full{};
    full.struct_size = sizeof(mq_plan_layer);
    sched::fill_layer_fields(l, &full);
    return mq::capi::write_struct(full, layer);
  });
}

mq_status mq_plan_find_layer(const mq_plan* plan, const char* name, uint64_t* index) {
  return api_call("mq_plan_find_layer", [&]() -> mq_status {
    MQ_RETURN_IF_ERROR(check_not_null(plan, "plan"));
    MQ_RETURN_IF_ERROR(check_not_null(name, "name"));
    MQ_RETURN_IF_ERROR(check_not_null(index, "index"));
    for (size_t i = 0; i < plan->layers.size(); ++i) {
      if (plan->layers[i].name == name) {
        *index = i;
        return MQ_OK;
      }
    }
    return fail(MQ_ERR_INVALID_ARGUMENT, "no layer is named '%.200s'", name);
  });
}

mq_status mq_plan_get_warning(const mq_plan* plan, uint64_t index, mq_warning* warning) {
  return api_call("mq_plan_get_warning", [&]() -> mq_status {
    MQ_RETURN_IF_ERROR(check_not_null(plan, "plan"));
    MQ_RETURN_IF_ERROR(check_not_null(warning, "warning"));
    MQ_RETURN_IF_ERROR(check_index(index, plan->warnings.size()));
    const sched::Warning& w = plan->warnings[static_cast<size_t>(index)];
    mq_warning full{};
    full.struct_size = sizeof(mq_warning);
    full.kind = w.kind;
    full.critical = w.critical ? 1 : 0;
    full.layer_index = w.layer;
    full.message = w.message.c_str();
    return mq::capi::write_struct(full, warning);
  });
}

mq_status mq_plan_format_table(const mq_plan* plan, uint32_t flags, char* buffer,
                               uint64_t buffer_len, uint64_t* needed) {
  return api_call("mq_plan_format_table", [&]() -> mq_status {
    MQ_RETURN_IF_ERROR(check_not_null(plan, "plan"));
    MQ_RETURN_IF_ERROR(check_not_null(needed, "needed"));
    if ((flags & ~MQ_TABLE_NO_TIMES) != 0) {
      return fail(MQ_ERR_INVALID_ARGUMENT, "flags 0x%x has unknown bits", flags);
    }
    return sched::write_table(sched::plan_table(*plan, flags), buffer, buffer_len, needed);
  });
}

mq_status mq_layer_kind_name(mq_layer_kind kind, const char** name) {
  return api_call("mq_layer_kind_name", [&]() -> mq_status {
    MQ_RETURN_IF_ERROR(check_not_null(name, "name"));
    if (!sched::valid_kind(kind)) {
      return fail(MQ_ERR_INVALID_ARGUMENT, "%d is not a mq_layer_kind", static_cast<int>(kind));
    }
    *name = sched::kind_name(kind);
    return MQ_OK;
  });
}

mq_status mq_layer_kind_from_name(const char* name, mq_layer_kind* kind) {
  return api_call("mq_layer_kind_from_name", [&]() -> mq_status {
    MQ_RETURN_IF_ERROR(check_not_null(name, "name"));
    MQ_RETURN_IF_ERROR(check_not_null(kind, "kind"));
    for (int k = MQ_LAYER_LINEAR; k <= MQ_LAYER_OTHER; ++k) {
      if (std::strcmp(name, sched::kind_name(static_cast<mq_layer_kind>(k))) == 0) {
        *kind = static_cast<mq_layer_kind>(k);
        return MQ_OK;
      }
    }
    return fail(MQ_ERR_INVALID_ARGUMENT,
                "'%.64s' is not a layer kind (linear, conv, embedding, embedding_bag, "
                "layer_norm, batch_norm, other)",
                name);
  });
}

mq_status mq_decision_name(mq_decision decision, const char** name) {
  return api_call("mq_decision_name", [&]() -> mq_status {
    MQ_RETURN_IF_ERROR(check_not_null(name, "name"));
    if (decision < MQ_DECISION_INT4 || decision > MQ_DECISION_KEEP) {
      return fail(MQ_ERR_INVALID_ARGUMENT, "%d is not a mq_decision", static_cast<int>(decision));
    }
    *name = sched::decision_name(decision);
    return MQ_OK;
  });
}

mq_status mq_rule_name(mq_rule rule, const char** name) {
  return api_call("mq_rule_name", [&]() -> mq_status {
    MQ_RETURN_IF_ERROR(check_not_null(name, "name"));
    if (rule < MQ_RULE_SKIP_NAME || rule > MQ_RULE_QUANTIZE) {
      return fail(MQ_ERR_INVALID_ARGUMENT, "%d is not a mq_rule", static_cast<int>(rule));
    }
    *name = sched::rule_name(rule);
    return MQ_OK;
  });
}

mq_status mq_warning_kind_name(mq_warning_kind kind, const char** name) {
  return api_call("mq_warning_kind_name", [&]() -> mq_status {
    MQ_RETURN_IF_ERROR(check_not_null(name, "name"));
    if (kind < MQ_WARNING_UNMATCHED_SKIP_NAME || kind > MQ_WARNING_FEW_CALIBRATION_SAMPLES) {
      return fail(MQ_ERR_INVALID_ARGUMENT, "%d is not a mq_warning_kind", static_cast<int>(kind));
    }
    *name = sched::warning_kind_name(kind);
    return MQ_OK;
  });
}

}  // extern "C"
