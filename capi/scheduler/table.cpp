// Text tables of plans and reports: aligned columns, then totals and warnings.
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstring>

#include "capi/error.h"
#include "capi/scheduler/scheduler.h"

namespace mq::capi::sched {
namespace {

constexpr size_t kWrapColumn = 100;

// A table of text cells; columns are padded to their widest cell, right-aligned when numeric.
class Table {
 public:
  explicit Table(const Allocator& a)
      : a_(a), cells_(HostAllocator<HostString>(a)), right_(HostAllocator<uint8_t>(a)) {}

  void header(std::initializer_list<const char*> names, std::initializer_list<bool> right) {
    columns_ = names.size();
    for (const bool r : right) right_.push_back(r ? 1 : 0);
    for (const char* n : names) cells_.push_back(host_string(a_, n));
  }
  void cell(const char* text) { cells_.push_back(host_string(a_, text)); }
  void cellf(const char* format, ...)
#if defined(__GNUC__)
      __attribute__((format(printf, 2, 3)))
#endif
      ;

  void render(HostString* out) const {
    HostVector<size_t> width{HostAllocator<size_t>(a_)};
    width.resize(columns_, 0);
    for (size_t i = 0; i < cells_.size(); ++i) {
      if (cells_[i].size() > width[i % columns_]) width[i % columns_] = cells_[i].size();
    }
    for (size_t i = 0; i < cells_.size(); ++i) {
      const size_t col = i % columns_;
      const size_t pad = width[col] - cells_[i].size();
      const bool last = col + 1 == columns_;
      if (col == 0) out->append("  ");
      if (right_[col] != 0) out->append(pad, ' ');
      out->append(cells_[i]);
      if (right_[col] == 0 && !last) out->append(pad, ' ');
      out->append(last ? "\n" : "  ");
    }
  }

 private:
  Allocator a_;
  HostVector<HostString> cells_;
  HostVector<uint8_t> right_;
  size_t columns_ = 0;
};

void Table::cellf(const char* format, ...) {
  char text[kMaxNameBytes + 256];
  va_list args;
  va_start(args, format);
  std::vsnprintf(text, sizeof(text), format, args);
  va_end(args);
  cell(text);
}

// 1536 -> "1.5 KiB"; exact below 1 KiB.
void human_bytes(uint64_t bytes, char* out, size_t size) {
  const char* units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (bytes < 1024) {
    std::snprintf(out, size, "%llu B", static_cast<unsigned long long>(bytes));
    return;
  }
  double v = static_cast<double>(bytes) / 1024.0;
  size_t u = 0;
  while (v >= 1024.0 && u + 1 < sizeof(units) / sizeof(units[0])) {
    v /= 1024.0;
    ++u;
  }
  std::snprintf(out, size, "%.1f %s", v, units[u]);
}

void shape_text(const PlanLayer& l, char* out, size_t size) {
  std::snprintf(out, size, "%llux%llu", static_cast<unsigned long long>(l.rows),
                static_cast<unsigned long long>(l.cols));
}

void settings_lines(const PlanSettings& s, const Allocator& a, HostString* out) {
  if (s.bits == 4) {
    append_format(out, "format: int4, group %llu, %s; K < group: %s\n",
                  static_cast<unsigned long long>(s.group), scheme_name(s.scheme),
                  shape_policy_name(s.shape_policy));
  } else {
    append_format(out, "format: int8 per-row\n");
  }
  out->append("rules: skip_names ");
  if (!s.names_set) {
    out->append("not set");
  } else {
    out->append("[");
    for (size_t i = 0; i < s.skip_names.size(); ++i) {
      append_format(out, "%s'%s'", i == 0 ? "" : ", ", s.skip_names[i].c_str());
    }
    out->append("]");
  }
  out->append("; skip_kinds ");
  if (!s.kinds_set) {
    out->append("not set");
  } else {
    out->append("[");
    for (size_t i = 0; i < s.skip_kinds.size(); ++i) {
      append_format(out, "%s%s", i == 0 ? "" : ", ", kind_name(s.skip_kinds[i]));
    }
    out->append("]");
  }
  if (s.param_threshold == 0) {
    out->append("; skip_param_threshold not set\n");
  } else {
    append_format(out, "; skip_param_threshold %llu\n",
                  static_cast<unsigned long long>(s.param_threshold));
  }
  HostString defaults{HostAllocator<char>(a)};
  if ((s.clear_defaults & MQ_CLEAR_DEFAULT_KINDS) == 0) {
    defaults.append("embedding/embedding_bag/layer_norm/batch_norm");
  }
  if ((s.clear_defaults & MQ_CLEAR_DEFAULT_LM_HEAD) == 0) {
    append_format(&defaults, "%s%s", defaults.empty() ? "" : ", ", kDefaultHeadName);
  }
  if ((s.clear_defaults & MQ_CLEAR_DEFAULT_SMALL) == 0) {
    append_format(&defaults, "%s< %llu params", defaults.empty() ? "" : ", ",
                  static_cast<unsigned long long>(kDefaultSmallLayerParams));
  }
  append_format(out, "defaults kept: %s\n", defaults.empty() ? "none (cleared)" : defaults.c_str());
  append_format(out, "accuracy: policy %s, SQNR warning < %g dB, critical < %g dB\n",
                policy_name(s.policy), s.warning_db, s.critical_db);
}

void warnings_lines(const HostVector<Warning>& warnings, HostString* out) {
  if (warnings.empty()) {
    out->append("warnings: none\n");
    return;
  }
  append_format(out, "warnings (%zu):\n", warnings.size());
  for (const Warning& w : warnings) {
    append_format(out, "  - %s%s\n", w.critical ? "CRITICAL: " : "", w.message.c_str());
  }
}

void totals_line(const Totals& t, HostString* out) {
  char before[32], after[32];
  human_bytes(t.bytes_before, before, sizeof(before));
  human_bytes(t.bytes_after, after, sizeof(after));
  append_format(out, "size: %s -> %s (%llu -> %llu bytes, %.2fx smaller)\n", before, after,
                static_cast<unsigned long long>(t.bytes_before),
                static_cast<unsigned long long>(t.bytes_after),
                static_cast<double>(t.bytes_before) / static_cast<double>(t.bytes_after));
}

// "label (n): a, b, c" wrapped at kWrapColumn.
template <class Layers, class Pick>
void name_list(const char* label, const Layers& layers, Pick pick, HostString* out) {
  size_t count = 0;
  for (const auto& l : layers) count += pick(l) ? 1 : 0;
  const size_t start = out->size();
  append_format(out, "%s (%zu):", label, count);
  size_t line_start = start;
  bool first = true;
  for (const auto& l : layers) {
    if (!pick(l)) continue;
    const HostString& name = l.plan_layer().name;
    if (out->size() - line_start + name.size() + 2 > kWrapColumn && !first) {
      out->append(",\n   ");
      line_start = out->size() - 3;
    } else {
      out->append(first ? " " : ", ");
    }
    out->append(name);
    first = false;
  }
  out->append("\n");
}

}  // namespace

HostString plan_table(const mq_plan& plan, uint32_t /*flags*/) {
  const Allocator& a = plan.allocator;
  HostString out{HostAllocator<char>(a)};
  append_format(&out, "monoquant plan: %zu layers: %llu int4, %llu int8 per-row, %llu kept\n",
                plan.layers.size(), static_cast<unsigned long long>(plan.totals.int4),
                static_cast<unsigned long long>(plan.totals.int8),
                static_cast<unsigned long long>(plan.totals.keep));
  settings_lines(plan.settings, a, &out);
  out.append("\n");
  Table t(a);
  t.header({"#", "layer", "kind", "shape", "params", "decision", "format", "rule", "detail"},
           {true, false, false, true, true, false, false, false, false});
  for (size_t i = 0; i < plan.layers.size(); ++i) {
    const PlanLayer& l = plan.layers[i];
    char shape[48], label[64];
    shape_text(l, shape, sizeof(shape));
    format_label(l, label, sizeof(label));
    t.cellf("%zu", i);
    t.cell(l.name.c_str());
    t.cell(kind_name(l.kind));
    t.cell(shape);
    t.cellf("%llu", static_cast<unsigned long long>(l.params));
    t.cell(decision_name(l.decision));
    t.cell(label);
    t.cell(rule_name(l.rule));
    t.cell(l.detail.empty() ? "-" : l.detail.c_str());
  }
  t.render(&out);
  out.append("\n");
  totals_line(plan.totals, &out);
  warnings_lines(plan.warnings, &out);
  return out;
}

namespace {
struct ReportRef {
  const ReportLayer& l;
  const PlanLayer& plan_layer() const { return l.plan; }
};
}  // namespace

HostString report_table(const mq_report& report, uint32_t flags) {
  const Allocator& a = report.allocator;
  const bool times = (flags & MQ_TABLE_NO_TIMES) == 0;
  HostString out{HostAllocator<char>(a)};
  append_format(&out, "monoquant report: %zu layers: %llu int4, %llu int8 per-row, %llu kept\n",
                report.layers.size(), static_cast<unsigned long long>(report.totals.int4),
                static_cast<unsigned long long>(report.totals.int8),
                static_cast<unsigned long long>(report.totals.keep));
  settings_lines(report.settings, a, &out);
  out.append("\n");
  Table t(a);
  if (times) {
    t.header({"#", "layer", "decision", "format", "rule", "SQNR dB", "before", "after", "ms"},
             {true, false, false, false, false, true, true, true, true});
  } else {
    t.header({"#", "layer", "decision", "format", "rule", "SQNR dB", "before", "after"},
             {true, false, false, false, false, true, true, true});
  }
  for (size_t i = 0; i < report.layers.size(); ++i) {
    const ReportLayer& r = report.layers[i];
    const PlanLayer& l = r.plan;
    char label[64], before[32], after[32];
    format_label(l, label, sizeof(label));
    human_bytes(l.bytes_before, before, sizeof(before));
    human_bytes(l.bytes_after, after, sizeof(after));
    t.cellf("%zu", i);
    t.cell(l.name.c_str());
    t.cell(decision_name(l.decision));
    t.cell(label);
    t.cell(rule_name(l.rule));
    if (l.decision == MQ_DECISION_KEEP) {
      t.cell("-");
    } else if (std::isinf(r.sqnr_db)) {
      t.cell("exact");
    } else {
      t.cellf("%.2f%s", r.sqnr_db,
              (r.flags & MQ_REPORT_LAYER_CRITICAL_SQNR) != 0 ? " !!"
              : (r.flags & MQ_REPORT_LAYER_LOW_SQNR) != 0    ? " !"
                                                             : "");
    }
    t.cell(before);
    t.cell(after);
    if (times) {
      if (l.decision == MQ_DECISION_KEEP) {
        t.cell("-");
      } else {
        t.cellf("%.3f", r.seconds * 1e3);
      }
    }
  }
  t.render(&out);
  out.append("\n");
  HostVector<ReportRef> refs{HostAllocator<ReportRef>(a)};
  for (const ReportLayer& r : report.layers) refs.push_back(ReportRef{r});
  name_list(
      "selected for quantization", refs,
      [](const ReportRef& r) { return r.l.plan.decision != MQ_DECISION_KEEP; }, &out);
  name_list(
      "skipped, kept as they are", refs,
      [](const ReportRef& r) { return r.l.plan.decision == MQ_DECISION_KEEP; }, &out);
  totals_line(report.totals, &out);
  if (report.totals.int4 + report.totals.int8 > 0) {
    append_format(&out, "lowest SQNR: %.2f dB\n", report.min_sqnr_db);
  }
  if (report.calibration_given) {
    append_format(&out, "calibration: fewest samples of an observer: %llu\n",
                  static_cast<unsigned long long>(report.calibration_samples));
  }
  if (times) append_format(&out, "time: %.3f ms\n", report.seconds * 1e3);
  warnings_lines(report.warnings, &out);
  return out;
}

mq_status write_table(const HostString& text, char* buffer, uint64_t buffer_len, uint64_t* needed) {
  const uint64_t size = text.size() + 1;
  if (buffer == nullptr) {
    if (buffer_len != 0) {
      return fail(MQ_ERR_NULL_POINTER, "buffer is NULL but buffer_len is %llu",
                  static_cast<unsigned long long>(buffer_len));
    }
    *needed = size;
    return MQ_OK;
  }
  if (buffer_len < size) {
    return fail(MQ_ERR_BUFFER_TOO_SMALL, "buffer_len is %llu but the table needs %llu bytes",
                static_cast<unsigned long long>(buffer_len), static_cast<unsigned long long>(size));
  }
  std::memcpy(buffer, text.c_str(), static_cast<size_t>(size));
  *needed = size;
  return MQ_OK;
}

}  // namespace mq::capi::sched
