// mq_report_*: reading a run's report and taking or exporting its outputs.
#include <cstdint>
#include <cstring>

#include "capi/api_call.h"
#include "capi/checks.h"
#include "capi/options.h"
#include "capi/scheduler/scheduler.h"
#include "common/formats.h"

using mq::capi::api_call;
using mq::capi::check_len;
using mq::capi::check_not_null;
using mq::capi::fail;
namespace sched = mq::capi::sched;

namespace {

mq_status check_layer_index(const mq_report& r, uint64_t index) {
  if (index >= r.layers.size()) {
    return fail(MQ_ERR_INVALID_ARGUMENT, "index %llu is out of range (%zu layers)",
                static_cast<unsigned long long>(index), r.layers.size());
  }
  return MQ_OK;
}

// The index of a layer whose packed weights are present and not taken.
mq_status check_packed_layer(const mq_report& r, uint64_t index) {
  MQ_RETURN_IF_ERROR(check_layer_index(r, index));
  const sched::ReportLayer& l = r.layers[static_cast<size_t>(index)];
  if (l.plan.decision == MQ_DECISION_KEEP) {
    return fail(MQ_ERR_INVALID_ARGUMENT, "layer %llu ('%s') was kept, not quantized",
                static_cast<unsigned long long>(index), l.plan.name.c_str());
  }
  if (r.output != MQ_RUN_OUTPUT_PACKED) {
    return fail(MQ_ERR_INVALID_ARGUMENT,
                "the run made no packed weights (its output was not MQ_RUN_OUTPUT_PACKED)");
  }
  if (l.taken) {
    return fail(MQ_ERR_INVALID_ARGUMENT, "the packed weights of layer %llu ('%s') were taken",
                static_cast<unsigned long long>(index), l.plan.name.c_str());
  }
  return MQ_OK;
}

}  // namespace

namespace mq::capi::sched {

void export_canonical(const ReportLayer& l, uint8_t* codes, float* scales, uint8_t* zero_points) {
  if (l.packed != nullptr) {
    l.packed->kernel->unpack(l.packed->shape, l.packed->data, codes, scales,
                             l.zero_points_len != 0 ? zero_points : nullptr);
    return;
  }
  std::memcpy(codes, l.codes.get(), static_cast<size_t>(l.codes_len));
  std::memcpy(scales, l.scales.get(), static_cast<size_t>(l.scales_len) * sizeof(float));
  if (l.zero_points_len != 0) {
    std::memcpy(zero_points, l.zero_points.get(), static_cast<size_t>(l.zero_points_len));
  }
}

}  // namespace mq::capi::sched

extern "C" {

mq_status mq_report_destroy(mq_report* report) {
  return api_call("mq_report_destroy", [&]() -> mq_status {
    sched::delete_handle(report);
    return MQ_OK;
  });
}

mq_status mq_report_get_summary(const mq_report* report, mq_report_summary* summary) {
  return api_call("mq_report_get_summary", [&]() -> mq_status {
    MQ_RETURN_IF_ERROR(check_not_null(report, "report"));
    MQ_RETURN_IF_ERROR(check_not_null(summary, "summary"));
    const mq_report& r = *report;
    mq_report_summary full{};
    full.struct_size = sizeof(mq_report_summary);
    full.output = r.output;
    full.layer_count = r.layers.size();
    full.int4_count = r.totals.int4;
    full.int8_count = r.totals.int8;
    full.keep_count = r.totals.keep;
    full.bytes_before = r.totals.bytes_before;
    full.bytes_after = r.totals.bytes_after;
    full.compression =
        static_cast<double>(r.totals.bytes_before) / static_cast<double>(r.totals.bytes_after);
    full.min_sqnr_db = r.min_sqnr_db;
    full.warning_count = r.warnings.size();
    full.critical_count = r.critical_count;
    full.seconds = r.seconds;
    full.calibration_given = r.calibration_given ? 1 : 0;
    full.calibration_samples = r.calibration_samples;
    return mq::capi::write_struct(full, summary);
  });
}

mq_status mq_report_get_layer(const mq_report* report, uint64_t index, mq_report_layer* layer) {
  return api_call("mq_report_get_layer", [&]() -> mq_status {
    MQ_RETURN_IF_ERROR(check_not_null(report, "report"));
    MQ_RETURN_IF_ERROR(check_not_null(layer, "layer"));
    MQ_RETURN_IF_ERROR(check_layer_index(*report, index));
    const sched::ReportLayer& l = report->layers[static_cast<size_t>(index)];
    const sched::PlanLayer& p = l.plan;
    mq_report_layer full{};
    full.struct_size = sizeof(mq_report_layer);
    sched::fill_layer_fields(p, &full);
    full.sqnr_db = l.sqnr_db;
    full.seconds = l.seconds;
    full.flags = l.flags;
    full.codes_len = l.codes_len;
    full.scales_len = l.scales_len;
    full.zero_points_len = l.zero_points_len;
    full.packed_bytes = l.packed != nullptr ? l.packed->bytes : 0;
    full.quantize_kernel = l.quantize_kernel;
    full.sqnr_kernel = l.sqnr_kernel;
    full.gemv_kernel = l.packed != nullptr ? l.packed->kernel->name : nullptr;
    return mq::capi::write_struct(full, layer);
  });
}

mq_status mq_report_get_warning(const mq_report* report, uint64_t index, mq_warning* warning) {
  return api_call("mq_report_get_warning", [&]() -> mq_status {
    MQ_RETURN_IF_ERROR(check_not_null(report, "report"));
    MQ_RETURN_IF_ERROR(check_not_null(warning, "warning"));
    if (index >= report->warnings.size()) {
      return fail(MQ_ERR_INVALID_ARGUMENT, "index %llu is out of range (%zu warnings)",
                  static_cast<unsigned long long>(index), report->warnings.size());
    }
    const sched::Warning& w = report->warnings[static_cast<size_t>(index)];
    mq_warning full{};
    full.struct_size = sizeof(mq_warning);
    full.kind = w.kind;
    full.critical = w.critical ? 1 : 0;
    full.layer_index = w.layer;
    full.message = w.message.c_str();
    return mq::capi::write_struct(full, warning);
  });
}

mq_status mq_report_get_packed(const mq_report* report, uint64_t index,
                               const mq_packed_weights** packed) {
  return api_call("mq_report_get_packed", [&]() -> mq_status {
    MQ_RETURN_IF_ERROR(check_not_null(report, "report"));
    MQ_RETURN_IF_ERROR(check_not_null(packed, "packed"));
    MQ_RETURN_IF_ERROR(check_packed_layer(*report, index));
    *packed = report->layers[static_cast<size_t>(index)].packed;
    return MQ_OK;
  });
}

mq_status mq_report_take_packed(mq_report* report, uint64_t index, mq_packed_weights** packed) {
  return api_call("mq_report_take_packed", [&]() -> mq_status {
    MQ_RETURN_IF_ERROR(check_not_null(report, "report"));
    MQ_RETURN_IF_ERROR(check_not_null(packed, "packed"));
    MQ_RETURN_IF_ERROR(check_packed_layer(*report, index));
    sched::ReportLayer& l = report->layers[static_cast<size_t>(index)];
    *packed = l.packed;
    l.packed = nullptr;
    l.taken = true;
    return MQ_OK;
  });
}

mq_status mq_report_export_layer(const mq_report* report, uint64_t index, uint8_t* codes,
                                 uint64_t codes_len, float* scales, uint64_t scales_len,
                                 uint8_t* zero_points, uint64_t zero_points_len) {
  return api_call("mq_report_export_layer", [&]() -> mq_status {
    MQ_RETURN_IF_ERROR(check_not_null(report, "report"));
    MQ_RETURN_IF_ERROR(check_layer_index(*report, index));
    const sched::ReportLayer& l = report->layers[static_cast<size_t>(index)];
    if (l.plan.decision == MQ_DECISION_KEEP) {
      return fail(MQ_ERR_INVALID_ARGUMENT, "layer %llu ('%s') was kept, not quantized",
                  static_cast<unsigned long long>(index), l.plan.name.c_str());
    }
    if (report->output == MQ_RUN_OUTPUT_NONE) {
      return fail(MQ_ERR_INVALID_ARGUMENT, "the run kept no outputs (MQ_RUN_OUTPUT_NONE)");
    }
    if (l.taken) {
      return fail(MQ_ERR_INVALID_ARGUMENT,
                  "the packed weights of layer %llu ('%s') were taken; export them with "
                  "mq_packed_export",
                  static_cast<unsigned long long>(index), l.plan.name.c_str());
    }
    MQ_RETURN_IF_ERROR(check_not_null(codes, "codes"));
    MQ_RETURN_IF_ERROR(check_not_null(scales, "scales"));
    MQ_RETURN_IF_ERROR(check_len(codes_len, l.codes_len, "codes"));
    MQ_RETURN_IF_ERROR(check_len(scales_len, l.scales_len, "scales"));
    const mq_scheme scheme =
        l.plan.decision == MQ_DECISION_INT4 ? l.plan.scheme : MQ_SCHEME_SYMMETRIC;
    MQ_RETURN_IF_ERROR(
        mq::capi::check_zero_points(scheme, zero_points, zero_points_len, l.zero_points_len));
    sched::export_canonical(l, codes, scales, zero_points);
    return MQ_OK;
  });
}

mq_status mq_report_format_table(const mq_report* report, uint32_t flags, char* buffer,
                                 uint64_t buffer_len, uint64_t* needed) {
  return api_call("mq_report_format_table", [&]() -> mq_status {
    MQ_RETURN_IF_ERROR(check_not_null(report, "report"));
    MQ_RETURN_IF_ERROR(check_not_null(needed, "needed"));
    if ((flags & ~MQ_TABLE_NO_TIMES) != 0) {
      return fail(MQ_ERR_INVALID_ARGUMENT, "flags 0x%x has unknown bits", flags);
    }
    return sched::write_table(sched::report_table(*report, flags), buffer, buffer_len, needed);
  });
}

}  // extern "C"
