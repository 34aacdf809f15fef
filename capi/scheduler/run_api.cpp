// mq_plan_run: quantizes the layers a plan chose across the context's threads, measures their
// weight SQNR, checks the warnings and applies the accuracy policy.
//
// Work is cut into items of at most kItemBytes of float32 weights (whole rows of one layer), handed
// to the executor one item per task, so small and large layers balance across threads. Each item
// quantizes its rows and at once (while they are in cache) measures them with the sqnr kernel,
// which writes per-row sums; a layer's SQNR adds its rows in row order. Every output therefore
// depends only on the rows, never on how the items were spread over threads.
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <mutex>

#include "capi/api_call.h"
#include "capi/checks.h"
#include "capi/context.h"
#include "capi/kernel_select.h"
#include "capi/options.h"
#include "capi/parallel.h"
#include "capi/scheduler/scheduler.h"
#include "common/formats.h"
#include "quantize/quantize.h"

using mq::capi::api_call;
using mq::capi::check_not_null;
using mq::capi::fail;
namespace k = mq::kernels;
namespace sched = mq::capi::sched;

mq_report::mq_report(const mq::capi::Allocator& a, const sched::PlanSettings& plan_settings)
    : allocator(a),
      output(MQ_RUN_OUTPUT_PACKED),
      settings(plan_settings, a),
      layers(sched::HostAllocator<sched::ReportLayer>(a)),
      warnings(sched::HostAllocator<sched::Warning>(a)),
      min_sqnr_db(INFINITY),
      critical_count(0),
      seconds(0),
      calibration_given(false),
      calibration_samples(0) {}

namespace {

constexpr size_t kItemBytes = 256 * 1024;
// The ACCURACY message lists critical warnings up to about this many characters (the thread-local
// message holds 1024).
constexpr size_t kAccuracyMessageBudget = 800;

using Clock = std::chrono::steady_clock;

struct Item {
  size_t layer;
  size_t begin;
  size_t end;
};

// The first data error in (layer, element) order, whatever the thread that found it.
class RunError {
 public:
  void record(size_t layer, size_t element, k::QuantizeResult kind) {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (layer < layer_ || (layer == layer_ && element < element_)) {
      layer_ = layer;
      element_ = element;
      kind_ = kind;
    }
    failed_.store(true, std::memory_order_relaxed);
  }
  // Whether an error before this item is known already (so the item need not run).
  bool precedes(size_t layer) {
    if (!failed_.load(std::memory_order_relaxed)) return false;
    const std::lock_guard<std::mutex> lock(mutex_);
    return layer_ < layer;
  }
  bool failed() const { return failed_.load(); }
  size_t layer() const { return layer_; }
  size_t element() const { return element_; }
  k::QuantizeResult kind() const { return kind_; }

 private:
  std::mutex mutex_;
  std::atomic<bool> failed_{false};
  size_t layer_ = SIZE_MAX;
  size_t element_ = SIZE_MAX;
  k::QuantizeResult kind_ = k::QuantizeResult::ok;
};

mq_status read_run_options(const mq_run_options* options, mq_run_options* o, size_t layers) {
  *o = mq_run_options{};
  o->struct_size = sizeof(mq_run_options);
  if (options != nullptr) MQ_RETURN_IF_ERROR(mq::capi::read_options(*options, o));
  if (o->output < MQ_RUN_OUTPUT_PACKED || o->output > MQ_RUN_OUTPUT_NONE) {
    return fail(MQ_ERR_INVALID_ARGUMENT, "output %d is not a mq_run_output",
                static_cast<int>(o->output));
  }
  if (o->observers == nullptr && o->observer_count != 0) {
    return fail(MQ_ERR_NULL_POINTER, "observers is NULL but observer_count is %llu",
                static_cast<unsigned long long>(o->observer_count));
  }
  if (o->observers != nullptr && o->observer_count != layers) {
    return fail(MQ_ERR_INVALID_ARGUMENT,
                "observer_count is %llu; give one entry per layer (%zu, NULL for none) or none",
                static_cast<unsigned long long>(o->observer_count), layers);
  }
  return MQ_OK;
}

mq_status data_error(const mq_plan& plan, const float* const* weights, const RunError& e) {
  const sched::PlanLayer& l = plan.layers[e.layer()];
  const size_t row = e.element() / l.cols;
  const size_t col = e.element() % l.cols;
  if (e.kind() == k::QuantizeResult::range_overflow) {
    return fail(
        MQ_ERR_VALUE_OUT_OF_RANGE,
        "layer %zu ('%s'): the group of row %zu starting at column %zu has max - min beyond "
        "the float32 range; the asymmetric scheme cannot represent it (use the symmetric "
        "scheme)",
        e.layer(), l.name.c_str(), row, col);
  }
  return fail(MQ_ERR_NON_FINITE,
              "layer %zu ('%s'): weight at row %zu, column %zu is %g; weights must be finite",
              e.layer(), l.name.c_str(), row, col,
              static_cast<double>(weights[e.layer()][e.element()]));
}

// Quantizes and measures one item. Returns false on a data error (recorded).
void run_item(const mq_plan& plan, const float* const* weights, const Item& item,
              const k::QuantizeKernel& quantize, const k::SqnrKernel& sqnr, sched::ReportLayer* out,
              k::SqnrSums* sums, RunError* error) {
  const sched::PlanLayer& l = plan.layers[item.layer];
  const size_t cols = static_cast<size_t>(l.cols);
  const size_t rows = item.end - item.begin;
  const float* w = weights[item.layer] + item.begin * cols;
  size_t bad = 0;
  if (l.decision == MQ_DECISION_INT4) {
    const size_t group = static_cast<size_t>(l.group);
    const size_t groups = k::groups_per_row(cols, group);
    const size_t row_bytes = k::int4_row_bytes(cols);
    auto* codes = out->codes.as<uint8_t>() + item.begin * row_bytes;
    auto* scales = out->scales.as<float>() + item.begin * groups;
    uint8_t* zps = l.scheme == MQ_SCHEME_ASYMMETRIC
                       ? out->zero_points.as<uint8_t>() + item.begin * groups
                       : nullptr;
    const k::Scheme scheme = mq::capi::to_kernel(l.scheme);
    const k::QuantizeResult r =
        quantize.int4(w, rows, cols, group, scheme, codes, scales, zps, &bad);
    if (r != k::QuantizeResult::ok) {
      error->record(item.layer, item.begin * cols + bad, r);
      return;
    }
    sqnr.int4(w, rows, cols, group, scheme, codes, scales, zps, sums + item.begin);
  } else {
    auto* codes = out->codes.as<int8_t>() + item.begin * cols;
    auto* scales = out->scales.as<float>() + item.begin;
    const k::QuantizeResult r = quantize.int8_rows(w, rows, cols, codes, scales, &bad);
    if (r != k::QuantizeResult::ok) {
      error->record(item.layer, item.begin * cols + bad, r);
      return;
    }
    sqnr.int8_rows(w, rows, cols, codes, scales, sums + item.begin);
  }
}

void add_warning(mq_report* r, mq_warning_kind kind, bool critical, uint64_t layer,
                 const sched::HostString& message) {
  r->warnings.push_back(sched::Warning{kind, critical, layer, message});
}

// The run's warnings (design.md): SQNR below the thresholds, nothing skipped, few calibration
// samples. Per-layer flags are facts and are set whatever the policy.
void check_accuracy(const mq_plan& plan, mq_report* r, const mq_observer* const* observers,
                    size_t observer_count) {
  const sched::PlanSettings& s = plan.settings;
  const bool record = s.policy != MQ_ACCURACY_POLICY_IGNORE;
  if (record) r->warnings = sched::copy_warnings(plan.warnings, r->allocator);
  sched::HostString message{sched::HostAllocator<char>(r->allocator)};
  for (size_t i = 0; i < r->layers.size(); ++i) {
    sched::ReportLayer& l = r->layers[i];
    if (l.plan.decision == MQ_DECISION_KEEP) continue;
    char label[64];
    sched::format_label(l.plan, label, sizeof(label));
    const bool critical = l.sqnr_db < s.critical_db;
    const bool low = l.sqnr_db < s.warning_db;
    if (critical) l.flags |= MQ_REPORT_LAYER_CRITICAL_SQNR;
    if (low) l.flags |= MQ_REPORT_LAYER_LOW_SQNR;
    if (!record || !low) continue;
    message.clear();
    sched::append_format(&message,
                         "layer %zu ('%s'): weight SQNR %.2f dB is below the %s threshold of %g "
                         "dB (%s)",
                         i, l.plan.name.c_str(), l.sqnr_db, critical ? "critical" : "warning",
                         critical ? s.critical_db : s.warning_db, label);
    add_warning(r, critical ? MQ_WARNING_CRITICAL_SQNR : MQ_WARNING_LOW_SQNR, critical, i, message);
    if (critical) ++r->critical_count;
  }
  if (record && r->totals.keep == 0) {
    message.clear();
    sched::append_format(&message,
                         "every layer is quantized (%zu of %zu), none kept: embeddings, norms and "
                         "the output head usually lose the most accuracy; check the skip rules",
                         r->layers.size(), r->layers.size());
    add_warning(r, MQ_WARNING_NOTHING_SKIPPED, false, UINT64_MAX, message);
  }
  size_t fewest_layer = SIZE_MAX;
  size_t below = 0;
  for (size_t i = 0; i < observer_count; ++i) {
    if (observers[i] == nullptr) continue;
    const uint64_t n = observers[i]->samples;
    if (!r->calibration_given || n < r->calibration_samples) {
      r->calibration_samples = n;
      fewest_layer = i;
    }
    r->calibration_given = true;
    if (n < s.min_calibration_samples) ++below;
  }
  if (record && below > 0) {
    message.clear();
    sched::append_format(&message,
                         "calibration statistics of %zu layer%s hold fewer than %llu samples "
                         "(fewest: %llu, layer %zu '%s'); the activation ranges may not be "
                         "representative",
                         below, below == 1 ? "" : "s",
                         static_cast<unsigned long long>(s.min_calibration_samples),
                         static_cast<unsigned long long>(r->calibration_samples), fewest_layer,
                         r->layers[fewest_layer].plan.name.c_str());
    add_warning(r, MQ_WARNING_FEW_CALIBRATION_SAMPLES, false, fewest_layer, message);
  }
}

mq_status accuracy_failure(const mq_report& r) {
  char text[1024];
  size_t used = static_cast<size_t>(std::snprintf(
      text, sizeof(text), "%llu critical accuracy warning%s: ",
      static_cast<unsigned long long>(r.critical_count), r.critical_count == 1 ? "" : "s"));
  uint64_t listed = 0;
  for (const sched::Warning& w : r.warnings) {
    if (!w.critical) continue;
    if (used + w.message.size() + 2 > kAccuracyMessageBudget) break;
    used += static_cast<size_t>(std::snprintf(text + used, sizeof(text) - used, "%s%s",
                                              listed == 0 ? "" : "; ", w.message.c_str()));
    ++listed;
  }
  if (listed < r.critical_count) {
    std::snprintf(text + used, sizeof(text) - used, "%s... and %llu more", listed == 0 ? "" : "; ",
                  static_cast<unsigned long long>(r.critical_count - listed));
  }
  return fail(MQ_ERR_ACCURACY, "%s", text);
}

}  // namespace

extern "C" {

mq_status mq_plan_run(mq_context* context, const mq_plan* plan, const float* const* weights,
                      const uint64_t* weights_lens, uint64_t layer_count,
                      const mq_run_options* options, mq_report** report) {
  return api_call("mq_plan_run", [&]() -> mq_status {
    const Clock::time_point start = Clock::now();
    const mq_context* c = nullptr;
    MQ_RETURN_IF_ERROR(mq::capi::resolve_context(context, &c));
    MQ_RETURN_IF_ERROR(check_not_null(plan, "plan"));
    MQ_RETURN_IF_ERROR(check_not_null(weights, "weights"));
    MQ_RETURN_IF_ERROR(check_not_null(weights_lens, "weights_lens"));
    MQ_RETURN_IF_ERROR(check_not_null(report, "report"));
    const size_t n = plan->layers.size();
    if (layer_count != n) {
      return fail(MQ_ERR_INVALID_ARGUMENT, "layer_count is %llu but the plan has %zu layers",
                  static_cast<unsigned long long>(layer_count), n);
    }
    mq_run_options o{};
    MQ_RETURN_IF_ERROR(read_run_options(options, &o, n));
    for (size_t i = 0; i < n; ++i) {
      const sched::PlanLayer& l = plan->layers[i];
      if (l.decision == MQ_DECISION_KEEP) continue;
      if (weights[i] == nullptr) {
        return fail(MQ_ERR_NULL_POINTER, "weights[%zu] (layer '%s', %s) is NULL", i, l.name.c_str(),
                    sched::decision_name(l.decision));
      }
      const uint64_t needed = l.rows * l.cols;
      if (weights_lens[i] < needed) {
        return fail(MQ_ERR_BUFFER_TOO_SMALL,
                    "weights_lens[%zu] (layer '%s') is %llu but the layer needs %llu", i,
                    l.name.c_str(), static_cast<unsigned long long>(weights_lens[i]),
                    static_cast<unsigned long long>(needed));
      }
    }
    for (size_t i = 0; i < o.observer_count; ++i) {
      const mq_observer* obs = o.observers[i];
      const sched::PlanLayer& l = plan->layers[i];
      if (obs != nullptr && l.kind == MQ_LAYER_LINEAR && obs->channels != l.cols) {
        return fail(MQ_ERR_INVALID_SHAPE,
                    "observers[%zu] has %zu channels but layer '%s' has %llu input features", i,
                    obs->channels, l.name.c_str(), static_cast<unsigned long long>(l.cols));
      }
    }

    struct Guard {
      mq_report* r;
      ~Guard() { sched::delete_handle(r); }
    } guard{sched::new_handle<mq_report>(c->allocator, c->allocator, plan->settings)};
    mq_report* r = guard.r;
    r->output = o.output;
    r->totals = plan->totals;

    // Outputs, kernels and work items of every quantized layer.
    struct LayerWork {
      const k::QuantizeKernel* quantize;
      const k::SqnrKernel* sqnr;
      size_t first_item;
      size_t item_count;
    };
    sched::HostVector<LayerWork> work{sched::HostAllocator<LayerWork>(r->allocator)};
    work.resize(n, LayerWork{nullptr, nullptr, 0, 0});
    sched::HostVector<Item> items{sched::HostAllocator<Item>(r->allocator)};
    sched::HostVector<sched::HostVector<k::SqnrSums>> sums{
        sched::HostAllocator<sched::HostVector<k::SqnrSums>>(r->allocator)};
    r->layers.reserve(n);
    sums.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      const sched::PlanLayer& l = plan->layers[i];
      r->layers.emplace_back(sched::PlanLayer(l, r->allocator));
      sums.emplace_back(sched::HostAllocator<k::SqnrSums>(r->allocator));
      sched::ReportLayer& out = r->layers.back();
      if (l.decision == MQ_DECISION_KEEP) {
        out.sqnr_db = NAN;
        continue;
      }
      const size_t rows = static_cast<size_t>(l.rows);
      const size_t cols = static_cast<size_t>(l.cols);
      const size_t group = static_cast<size_t>(l.group);
      sched::canonical_lens(l, &out.codes_len, &out.scales_len, &out.zero_points_len);
      out.codes = sched::HostBuffer(r->allocator, static_cast<size_t>(out.codes_len),
                                    k::kGemvBufferAlignment);
      out.scales =
          sched::HostBuffer(r->allocator, static_cast<size_t>(out.scales_len) * sizeof(float),
                            k::kGemvBufferAlignment);
      if (out.zero_points_len != 0) {
        out.zero_points = sched::HostBuffer(r->allocator, static_cast<size_t>(out.zero_points_len),
                                            k::kGemvBufferAlignment);
      }
      sums.back().resize(rows);
      LayerWork& lw = work[i];
      lw.quantize = &mq::capi::select_quantize(*c, cols, group);
      lw.sqnr = &sched::select_sqnr(*c, cols, group);
      out.quantize_kernel = lw.quantize->name;
      out.sqnr_kernel = lw.sqnr->name;
      const size_t row_bytes = cols * sizeof(float);
      const size_t chunk = row_bytes >= kItemBytes ? 1 : kItemBytes / row_bytes;
      lw.first_item = items.size();
      for (size_t b = 0; b < rows; b += chunk) {
        items.push_back(Item{i, b, b + chunk < rows ? b + chunk : rows});
      }
      lw.item_count = items.size() - lw.first_item;
    }

    // Quantize and measure.
    sched::HostVector<uint64_t> item_ns{sched::HostAllocator<uint64_t>(r->allocator)};
    item_ns.resize(items.size(), 0);
    RunError error;
    const mq_status run = mq::capi::parallel_tasks(*c, items.size(), [&](size_t index) {
      const Item& item = items[index];
      if (error.precedes(item.layer)) return;
      const Clock::time_point t0 = Clock::now();
      const LayerWork& lw = work[item.layer];
      run_item(*plan, weights, item, *lw.quantize, *lw.sqnr, &r->layers[item.layer],
               sums[item.layer].data(), &error);
      item_ns[index] = static_cast<uint64_t>(
          std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count());
    });
    MQ_RETURN_IF_ERROR(run);
    if (error.failed()) return data_error(*plan, weights, error);

    for (size_t i = 0; i < n; ++i) {
      sched::ReportLayer& out = r->layers[i];
      if (out.plan.decision == MQ_DECISION_KEEP) continue;
      double signal = 0.0;
      double noise = 0.0;
      for (const k::SqnrSums& s : sums[i]) {
        signal += s.signal;
        noise += s.noise;
      }
      out.sqnr_db = noise > 0.0 ? 10.0 * std::log10(signal / noise) : INFINITY;
      uint64_t ns = 0;
      for (size_t t = 0; t < work[i].item_count; ++t) ns += item_ns[work[i].first_item + t];
      out.seconds = static_cast<double>(ns) * 1e-9;
      if (out.sqnr_db < r->min_sqnr_db) r->min_sqnr_db = out.sqnr_db;
    }

    // Outputs: pack (in parallel, one layer per task) or keep the canonical buffers.
    if (o.output == MQ_RUN_OUTPUT_PACKED) {
      std::atomic<bool> out_of_memory{false};
      sched::HostVector<size_t> quantized{sched::HostAllocator<size_t>(r->allocator)};
      for (size_t i = 0; i < n; ++i) {
        if (r->layers[i].plan.decision != MQ_DECISION_KEEP) quantized.push_back(i);
      }
      MQ_RETURN_IF_ERROR(mq::capi::parallel_tasks(*c, quantized.size(), [&](size_t index) {
        sched::ReportLayer& out = r->layers[quantized[index]];
        const sched::PlanLayer& l = out.plan;
        const bool int4 = l.decision == MQ_DECISION_INT4;
        const k::GemvShape shape{
            static_cast<size_t>(l.rows), static_cast<size_t>(l.cols), static_cast<size_t>(l.group),
            int4 ? k::Format::int4 : k::Format::int8_rows, mq::capi::to_kernel(l.scheme)};
        out.packed = mq::capi::create_packed_weights(
            *c, shape, out.codes.get(), out.scales.as<float>(),
            out.zero_points_len != 0 ? out.zero_points.as<uint8_t>() : nullptr);
        if (out.packed == nullptr) out_of_memory.store(true);
      }));
      if (out_of_memory.load()) {
        return fail(MQ_ERR_OUT_OF_MEMORY, "cannot allocate the packed weights");
      }
    }
    if (o.output != MQ_RUN_OUTPUT_CANONICAL) {
      for (sched::ReportLayer& out : r->layers) {
        out.codes.reset();
        out.scales.reset();
        out.zero_points.reset();
      }
    }

    check_accuracy(*plan, r, o.observers, static_cast<size_t>(o.observer_count));
    const sched::PlanSettings& s = plan->settings;
    if (s.policy != MQ_ACCURACY_POLICY_IGNORE) {
      for (size_t i = plan->warnings.size(); i < r->warnings.size(); ++i) {
        const sched::Warning& w = r->warnings[i];
        mq::capi::log_message(*c, w.critical ? MQ_LOG_ERROR : MQ_LOG_WARNING, w.message.c_str());
      }
    }
    if (s.policy == MQ_ACCURACY_POLICY_ERROR && r->critical_count > 0) {
      return accuracy_failure(*r);
    }
    r->seconds = std::chrono::duration<double>(Clock::now() - start).count();
    *report = r;
    guard.r = nullptr;
    return MQ_OK;
  });
}

}  // extern "C"
