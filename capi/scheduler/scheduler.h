// The scheduler's internal types: plans, reports and observers behind the public handles, and the
// pieces the entry points share (rule evaluation, kernel selection, enum names, tables).
#ifndef MONOQUANT_CAPI_SCHEDULER_SCHEDULER_H
#define MONOQUANT_CAPI_SCHEDULER_SCHEDULER_H

#include <cstddef>
#include <cstdint>

#include "capi/allocator.h"
#include "capi/context.h"
#include "capi/packed_weights.h"
#include "capi/scheduler/host_memory.h"
#include "monoquant/monoquant.h"
#include "observe/observe.h"
#include "sqnr/sqnr.h"

namespace mq::capi::sched {

// The defaults of design.md's scheduler section.
constexpr uint64_t kDefaultGroupSize = 128;
constexpr uint64_t kDefaultSmallLayerParams = 512;  // rule 4: keep layers with fewer parameters
constexpr double kDefaultSqnrWarningDb = 20.0;
constexpr double kDefaultSqnrCriticalDb = 10.0;
constexpr uint64_t kDefaultMinCalibrationSamples = 50;
constexpr const char* kDefaultHeadName = "lm_head";
constexpr size_t kMaxNameBytes = 1023;

struct Warning {
  mq_warning_kind kind;
  bool critical;
  uint64_t layer;  // UINT64_MAX when none
  HostString message;
};

// Appends a formatted message to `text` (printf-style).
void append_format(HostString* text, const char* format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

struct PlanLayer {
  explicit PlanLayer(const Allocator& a)
      : name(HostAllocator<char>(a)), detail(HostAllocator<char>(a)) {}
  // A copy whose strings live in `a`.
  PlanLayer(const PlanLayer& other, const Allocator& a);

  HostString name;
  mq_layer_kind kind = MQ_LAYER_OTHER;
  uint64_t rows = 0;
  uint64_t cols = 0;
  uint64_t params = 0;
  mq_decision decision = MQ_DECISION_KEEP;
  mq_rule rule = MQ_RULE_QUANTIZE;
  HostString detail;
  mq_format format = static_cast<mq_format>(0);  // 0 when kept
  mq_scheme scheme = MQ_SCHEME_SYMMETRIC;
  uint64_t group = 0;  // 0 when kept
  uint64_t bytes_before = 0;
  uint64_t bytes_after = 0;
};

// The fields that mq_plan_layer and mq_report_layer share, from a plan layer (the strings stay
// owned by the plan).
template <class PublicLayer>
void fill_layer_fields(const PlanLayer& l, PublicLayer* out) {
  out->kind = l.kind;
  out->name = l.name.c_str();
  out->rows = l.rows;
  out->cols = l.cols;
  out->param_count = l.params;
  out->decision = l.decision;
  out->rule = l.rule;
  out->rule_detail = l.detail.c_str();
  out->format = l.format;
  out->scheme = l.scheme;
  out->group_size = l.group;
  out->bytes_before = l.bytes_before;
  out->bytes_after = l.bytes_after;
}

struct PlanSettings {
  explicit PlanSettings(const Allocator& a)
      : skip_names(HostAllocator<HostString>(a)), skip_kinds(HostAllocator<mq_layer_kind>(a)) {}
  // A copy whose lists live in `a`.
  PlanSettings(const PlanSettings& other, const Allocator& a);

  uint32_t bits = 4;
  uint64_t group = kDefaultGroupSize;
  mq_scheme scheme = MQ_SCHEME_SYMMETRIC;
  mq_shape_policy shape_policy = MQ_SHAPE_POLICY_INT8_ROWS;  // resolved
  uint32_t clear_defaults = 0;
  mq_accuracy_policy policy = MQ_ACCURACY_POLICY_WARN;
  double warning_db = kDefaultSqnrWarningDb;
  double critical_db = kDefaultSqnrCriticalDb;
  uint64_t min_calibration_samples = kDefaultMinCalibrationSamples;
  bool names_set = false;
  bool kinds_set = false;
  uint64_t param_threshold = 0;  // 0 = not set
  HostVector<HostString> skip_names;
  HostVector<mq_layer_kind> skip_kinds;
};

struct Totals {
  uint64_t int4 = 0, int8 = 0, keep = 0;
  uint64_t bytes_before = 0, bytes_after = 0;
};

HostVector<Warning> copy_warnings(const HostVector<Warning>& warnings, const Allocator& a);

// Bytes of a layer's parameters before (all float32) and after its decision.
void layer_bytes(const PlanLayer& layer, uint64_t* before, uint64_t* after);
// Element counts of a quantized layer's canonical buffers.
void canonical_lens(const PlanLayer& layer, uint64_t* codes, uint64_t* scales,
                    uint64_t* zero_points);
Totals totals_of(const HostVector<PlanLayer>& layers);
uint64_t saturating_add(uint64_t a, uint64_t b);

// Whether `kind` is a mq_layer_kind value.
bool valid_kind(mq_layer_kind kind);
// Checks a caller's name or pattern: non-NULL, 1 to kMaxNameBytes bytes before the NUL. `what`
// and `index` name it in the message ("skip_names[3] is empty").
mq_status check_name(const char* text, const char* what, uint64_t index);

// Whether `pattern` matches `name` as a whole or a dotted suffix of it ('*' and '?' globs).
bool name_matches(const char* pattern, const char* name);

// Evaluates the rules for one layer (name, kind, shape and params filled in), setting decision,
// rule, detail, format, scheme, group and bytes.
void decide(const PlanSettings& settings, PlanLayer* layer);

// Enum names (static strings; "?" for an unknown value).
const char* kind_name(mq_layer_kind kind);
const char* decision_name(mq_decision decision);
const char* rule_name(mq_rule rule);
const char* warning_kind_name(mq_warning_kind kind);
const char* scheme_name(mq_scheme scheme);
const char* policy_name(mq_accuracy_policy policy);
const char* shape_policy_name(mq_shape_policy policy);
// "int4 g128 sym", "int8 rows", "-" for a kept layer, into a small buffer.
void format_label(const PlanLayer& layer, char* out, size_t out_size);

// The ISA variants the scheduler runs under a context.
const kernels::SqnrKernel& select_sqnr(const mq_context& c, size_t cols, size_t group);
const kernels::ObserveKernel& select_observe(const mq_context& c, size_t channels);

// The result of one layer in a report.
struct ReportLayer {
  PlanLayer plan;
  double sqnr_db;
  double seconds;
  uint32_t flags;
  uint64_t codes_len, scales_len, zero_points_len;
  const char* quantize_kernel;
  const char* sqnr_kernel;
  // Outputs: canonical buffers (MQ_RUN_OUTPUT_CANONICAL) or packed weights (MQ_RUN_OUTPUT_PACKED).
  HostBuffer codes, scales, zero_points;
  mq_packed_weights* packed;
  bool taken;

  explicit ReportLayer(PlanLayer p)
      : plan(std::move(p)),
        sqnr_db(0),
        seconds(0),
        flags(0),
        codes_len(0),
        scales_len(0),
        zero_points_len(0),
        quantize_kernel(nullptr),
        sqnr_kernel(nullptr),
        packed(nullptr),
        taken(false) {}
  ~ReportLayer() { destroy_packed_weights(packed); }
  ReportLayer(ReportLayer&& o) noexcept
      : plan(std::move(o.plan)),
        sqnr_db(o.sqnr_db),
        seconds(o.seconds),
        flags(o.flags),
        codes_len(o.codes_len),
        scales_len(o.scales_len),
        zero_points_len(o.zero_points_len),
        quantize_kernel(o.quantize_kernel),
        sqnr_kernel(o.sqnr_kernel),
        codes(std::move(o.codes)),
        scales(std::move(o.scales)),
        zero_points(std::move(o.zero_points)),
        packed(o.packed),
        taken(o.taken) {
    o.packed = nullptr;
  }
  ReportLayer(const ReportLayer&) = delete;
  ReportLayer& operator=(const ReportLayer&) = delete;
  ReportLayer& operator=(ReportLayer&&) = delete;
};

// Copies the canonical outputs of a quantized layer whose outputs are present (not kept, not
// MQ_RUN_OUTPUT_NONE, not taken) into buffers of codes_len, scales_len and zero_points_len elements
// (zero_points is not written when zero_points_len is 0).
void export_canonical(const ReportLayer& l, uint8_t* codes, float* scales, uint8_t* zero_points);

// Renders a plan or report table (see table.cpp).
HostString plan_table(const mq_plan& plan, uint32_t flags);
HostString report_table(const mq_report& report, uint32_t flags);

// Copies `text` into a caller buffer under the public table contract.
mq_status write_table(const HostString& text, char* buffer, uint64_t buffer_len, uint64_t* needed);

}  // namespace mq::capi::sched

struct mq_plan {
  mq::capi::Allocator allocator;
  mq::capi::sched::PlanSettings settings;
  mq::capi::sched::HostVector<mq::capi::sched::PlanLayer> layers;
  mq::capi::sched::HostVector<mq::capi::sched::Warning> warnings;
  mq::capi::sched::Totals totals;

  explicit mq_plan(const mq::capi::Allocator& a);
};

struct mq_report {
  mq::capi::Allocator allocator;
  mq_run_output output;
  mq::capi::sched::PlanSettings settings;
  mq::capi::sched::HostVector<mq::capi::sched::ReportLayer> layers;
  mq::capi::sched::HostVector<mq::capi::sched::Warning> warnings;
  mq::capi::sched::Totals totals;
  double min_sqnr_db;
  uint64_t critical_count;
  double seconds;
  bool calibration_given;
  uint64_t calibration_samples;

  mq_report(const mq::capi::Allocator& a, const mq::capi::sched::PlanSettings& plan_settings);
};

struct mq_observer {
  explicit mq_observer(const mq::capi::Allocator& a) : allocator(a) {}

  mq::capi::Allocator allocator;
  // The variant chosen at creation (the creating context's ISA cap), used by mq_observer_merge,
  // which has no context of its own.
  const mq::kernels::ObserveKernel* merge_kernel = nullptr;
  size_t channels = 0;
  // 6 * channels floats: the current state (mins, maxs, absmaxs) and a scratch copy that an
  // update writes before it is committed, so that a failing batch leaves the state unchanged.
  mq::capi::sched::HostBuffer storage;
  size_t current = 0;  // 0 or 1: which half holds the state
  uint64_t samples = 0;
  uint64_t rows = 0;
  uint64_t batches = 0;

  float* mins(size_t half) const { return storage.as<float>() + half * 3 * channels; }
  float* maxs(size_t half) const { return mins(half) + channels; }
  float* absmaxs(size_t half) const { return mins(half) + 2 * channels; }
};

#endif
