#include "capi/model/quantized_metadata.h"

// Error codes only, as in model_file/safetensors.cpp: no simdjson exception may leave this file.
#undef SIMDJSON_EXCEPTIONS
#define SIMDJSON_EXCEPTIONS 0
#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstring>

#include "capi/error.h"
#include "capi/model_file/json_writer.h"

namespace mq::capi {
namespace {

namespace mf = model_file;
using simdjson::dom::element;

void append_key(const char* key, std::string* out) {
  out->push_back(',');
  mf::append_json_string(key, out);
  out->push_back(':');
}

void append_number(double v, std::string* out) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.17g", v);
  out->append(buffer);
}

// A skip list: null when not set (which differs from set to empty, []), else its entries.
template <class AppendEntry>
void append_list(bool set, size_t count, std::string* out, AppendEntry append_entry) {
  if (!set) {
    out->append("null");
    return;
  }
  out->push_back('[');
  for (size_t i = 0; i < count; ++i) {
    if (i > 0) out->push_back(',');
    append_entry(i);
  }
  out->push_back(']');
}

const char* format_name(mq_format format) {
  return format == MQ_FORMAT_INT4 ? "int4" : "int8_rows";
}

// Names of the pinned enums, searched over their values (all small and dense, from 1).
template <class Enum>
bool enum_from_name(std::string_view name, const char* (*name_of)(Enum), int first, int last,
                    Enum* out) {
  for (int v = first; v <= last; ++v) {
    if (name == name_of(static_cast<Enum>(v))) {
      *out = static_cast<Enum>(v);
      return true;
    }
  }
  return false;
}

// Reading one layer object; the first problem wins and names the layer.
class LayerReader {
 public:
  LayerReader(simdjson::dom::object object, size_t index) : object_(object), index_(index) {}

  bool string(const char* field, std::string_view* out) {
    if (object_[field].get_string().get(*out) == simdjson::SUCCESS) return true;
    return problem("the field '%s' is missing or not a string", field);
  }
  bool uint(const char* field, uint64_t* out) {
    if (object_[field].get_uint64().get(*out) == simdjson::SUCCESS) return true;
    return problem("the field '%s' is missing or not a non-negative integer", field);
  }
  // A number, "inf", or null (NaN).
  bool sqnr(double* out) {
    element e;
    if (object_["sqnr_db"].get(e) != simdjson::SUCCESS) {
      return problem("the field 'sqnr_db' is missing");
    }
    if (e.is_null()) {
      *out = NAN;
      return true;
    }
    std::string_view text;
    if (e.get_string().get(text) == simdjson::SUCCESS && text == "inf") {
      *out = INFINITY;
      return true;
    }
    if (e.get_double().get(*out) == simdjson::SUCCESS) return true;
    return problem("the field 'sqnr_db' is not a number, \"inf\" or null");
  }
  template <class Enum>
  bool named(const char* field, const char* (*name_of)(Enum), int last, Enum* out) {
    std::string_view text;
    if (!string(field, &text)) return false;
    if (enum_from_name(text, name_of, 1, last, out)) return true;
    return problem("the field '%s' has the unknown value '%.*s'", field,
                   static_cast<int>(std::min<size_t>(text.size(), 64)), text.data());
  }

  bool problem(const char* format, ...)
#if defined(__GNUC__)
      __attribute__((format(printf, 2, 3)))
#endif
  {
    char buffer[300];
    va_list args;
    va_start(args, format);
    // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): clang-analyzer 14 misreads va_start.
    std::vsnprintf(buffer, sizeof buffer, format, args);
    va_end(args);
    message_ = "layer " + std::to_string(index_) + ": " + buffer;
    return false;
  }
  const std::string& message() const { return message_; }

 private:
  simdjson::dom::object object_;
  size_t index_;
  std::string message_;
};

size_t store(QuantizedFile* file, std::string_view s) {
  const size_t offset = file->text.size();
  file->text.insert(file->text.end(), s.begin(), s.end());
  file->text.push_back('\0');
  return offset;
}

uint64_t ceil_div(uint64_t a, uint64_t b) { return a / b + (a % b != 0 ? 1 : 0); }

// The tensor `name` with this dtype and 2-D shape, or a problem.
bool find_matrix(const mf::SafetensorsTable& table, const std::string& name, mf::Dtype dtype,
                 uint64_t rows, uint64_t cols, size_t* index, std::string* problem) {
  *index = table.find_tensor(name);
  if (*index == table.tensors.size()) {
    *problem = "its tensor '" + name + "' is missing";
    return false;
  }
  const mf::TensorEntry& t = table.tensors[*index];
  const bool shape_ok = t.rank == 2 && t.shape[0] == rows && t.shape[1] == cols;
  if (t.dtype != dtype || !shape_ok) {
    *problem = "its tensor '" + name + "' is not " + mf::dtype_name(dtype) + " [" +
               std::to_string(rows) + ", " + std::to_string(cols) + "]";
    return false;
  }
  return true;
}

// Finds and checks the tensors of layer `l` (weight tensor `tensor`).
bool attach_tensors(const mf::SafetensorsTable& table, const std::string& tensor, StoredLayer* l,
                    std::string* problem) {
  l->weight_tensor = l->codes_tensor = l->scales_tensor = l->zero_points_tensor =
      StoredLayer::kNone;
  if (l->decision == MQ_DECISION_KEEP) {
    l->weight_tensor = table.find_tensor(tensor);
    if (l->weight_tensor == table.tensors.size()) {
      *problem = "its kept tensor '" + tensor + "' is missing";
      return false;
    }
    const mf::TensorEntry& t = table.tensors[l->weight_tensor];
    if (t.elements != l->rows * l->cols) {
      *problem = "its kept tensor '" + tensor + "' does not hold rows x cols elements";
      return false;
    }
    return true;
  }
  const bool int4 = l->decision == MQ_DECISION_INT4;
  const uint64_t scale_cols = int4 ? ceil_div(l->cols, l->group) : 1;
  if (!find_matrix(table, tensor + std::string(kCodesSuffix), int4 ? mf::Dtype::u8 : mf::Dtype::i8,
                   l->rows, int4 ? ceil_div(l->cols, 2) : l->cols, &l->codes_tensor, problem) ||
      !find_matrix(table, tensor + std::string(kScalesSuffix), mf::Dtype::f32, l->rows, scale_cols,
                   &l->scales_tensor, problem)) {
    return false;
  }
  if (int4 && l->scheme == MQ_SCHEME_ASYMMETRIC) {
    return find_matrix(table, tensor + std::string(kZeroPointsSuffix), mf::Dtype::u8, l->rows,
                       scale_cols, &l->zero_points_tensor, problem);
  }
  return true;
}

// Whether a layer's decision, format, scheme and group agree with each other and its shape.
bool consistent(StoredLayer* l, std::string* problem) {
  if (l->rows == 0 || l->cols == 0 || l->rows > UINT64_MAX / l->cols) {
    *problem = "rows x cols is zero or overflows";
    return false;
  }
  const bool kept = l->decision == MQ_DECISION_KEEP;
  const bool int4 = l->decision == MQ_DECISION_INT4;
  if (kept ? l->format != 0 : l->format != (int4 ? MQ_FORMAT_INT4 : MQ_FORMAT_INT8_ROWS)) {
    *problem = "its format does not match its decision";
    return false;
  }
  if (int4 && (l->group == 0 || l->group > l->cols)) {
    *problem = "its group size is 0 or larger than cols";
    return false;
  }
  if (!int4 && l->scheme != MQ_SCHEME_SYMMETRIC) {
    *problem = "only INT4 layers may be asymmetric";
    return false;
  }
  return true;
}

mq_status malformed(const char* path, const char* key, const std::string& problem) {
  return fail(MQ_ERR_MALFORMED_FILE, "metadata %s: %s (in '%s')", key, problem.c_str(), path);
}

// A metadata value that must be a decimal integer in [lo, hi].
bool read_integer(const mf::SafetensorsTable& table, const char* key, uint64_t lo, uint64_t hi,
                  uint64_t* out) {
  const mf::MetadataEntry* m = table.find_metadata(key);
  if (m == nullptr || m->value_size == 0 || m->value_size > 19) return false;
  const char* text = table.string_at(m->value_offset);
  uint64_t v = 0;
  for (size_t i = 0; i < m->value_size; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    v = v * 10 + static_cast<uint64_t>(text[i] - '0');
  }
  *out = v;
  return v >= lo && v <= hi;
}

mq_status read_layers(const mf::SafetensorsTable& table, const char* path, QuantizedFile* out) {
  const mf::MetadataEntry* m = table.find_metadata(kLayersKey);
  if (m == nullptr) return malformed(path, kLayersKey, "is missing");
  simdjson::dom::parser parser;
  simdjson::dom::array array;
  if (parser.parse(table.string_at(m->value_offset), m->value_size).get_array().get(array) !=
      simdjson::SUCCESS) {
    return malformed(path, kLayersKey, "is not a JSON array");
  }
  size_t index = 0;
  for (element e : array) {
    simdjson::dom::object object;
    if (e.get_object().get(object) != simdjson::SUCCESS) {
      return malformed(path, kLayersKey, "layer " + std::to_string(index) + " is not an object");
    }
    LayerReader r(object, index);
    StoredLayer l{};
    std::string_view name, tensor, detail, format, scheme;
    bool ok = r.string("name", &name) && r.string("tensor", &tensor) &&
              r.string("rule_detail", &detail) &&
              r.named("kind", sched::kind_name, MQ_LAYER_OTHER, &l.kind) &&
              r.named("decision", sched::decision_name, MQ_DECISION_KEEP, &l.decision) &&
              r.named("rule", sched::rule_name, MQ_RULE_QUANTIZE, &l.rule) &&
              r.uint("rows", &l.rows) && r.uint("cols", &l.cols) &&
              r.uint("group_size", &l.group) && r.string("format", &format) &&
              r.string("scheme", &scheme) && r.sqnr(&l.sqnr_db);
    if (!ok) return malformed(path, kLayersKey, r.message());
    if (name.empty() || tensor.empty() || name.find('\0') != std::string_view::npos ||
        tensor.find('\0') != std::string_view::npos ||
        detail.find('\0') != std::string_view::npos) {
      return malformed(path, kLayersKey,
                       "layer " + std::to_string(index) + ": a name is empty or contains a NUL");
    }
    l.format = format == "-"           ? static_cast<mq_format>(0)
               : format == "int4"      ? MQ_FORMAT_INT4
               : format == "int8_rows" ? MQ_FORMAT_INT8_ROWS
                                       : MQ_FORMAT_MAX_ENUM;
    l.scheme = scheme == "asymmetric" ? MQ_SCHEME_ASYMMETRIC : MQ_SCHEME_SYMMETRIC;
    std::string problem;
    if (l.format == MQ_FORMAT_MAX_ENUM || (scheme != "symmetric" && scheme != "asymmetric")) {
      problem = "its format or scheme is unknown";
    }
    if (problem.empty() && consistent(&l, &problem)) {
      attach_tensors(table, std::string(tensor), &l, &problem);
    }
    if (!problem.empty()) {
      return malformed(path, kLayersKey,
                       "layer " + std::to_string(index) + " ('" + std::string(name.substr(0, 120)) +
                           "'): " + problem);
    }
    l.name_offset = store(out, name);
    l.tensor_name_offset = store(out, tensor);
    l.detail_offset = store(out, detail);
    out->layers.push_back(l);
    ++index;
  }
  out->by_name.resize(out->layers.size());
  for (size_t i = 0; i < out->by_name.size(); ++i) out->by_name[i] = i;
  const auto name_of = [&](size_t i) {
    return std::string_view(out->string_at(out->layers[i].name_offset));
  };
  std::sort(out->by_name.begin(), out->by_name.end(),
            [&](size_t a, size_t b) { return name_of(a) < name_of(b); });
  for (size_t i = 1; i < out->by_name.size(); ++i) {
    if (name_of(out->by_name[i]) == name_of(out->by_name[i - 1])) {
      return malformed(path, kLayersKey,
                       "the layer name '" + std::string(name_of(out->by_name[i]).substr(0, 120)) +
                           "' appears twice");
    }
  }
  return MQ_OK;
}

}  // namespace

std::string plan_json(const sched::PlanSettings& s) {
  std::string out = "{\"bits\":" + std::to_string(s.bits);
  append_key("group_size", &out);
  mf::append_json_uint(s.group, &out);
  append_key("scheme", &out);
  mf::append_json_string(sched::scheme_name(s.scheme), &out);
  append_key("shape_policy", &out);
  mf::append_json_string(sched::shape_policy_name(s.shape_policy), &out);
  append_key("accuracy_policy", &out);
  mf::append_json_string(sched::policy_name(s.policy), &out);
  append_key("skip_names", &out);
  append_list(s.names_set, s.skip_names.size(), &out, [&](size_t i) {
    mf::append_json_string({s.skip_names[i].data(), s.skip_names[i].size()}, &out);
  });
  append_key("skip_kinds", &out);
  append_list(s.kinds_set, s.skip_kinds.size(), &out,
              [&](size_t i) { mf::append_json_string(sched::kind_name(s.skip_kinds[i]), &out); });
  append_key("skip_param_threshold", &out);
  mf::append_json_uint(s.param_threshold, &out);
  append_key("clear_defaults", &out);
  mf::append_json_uint(s.clear_defaults, &out);
  append_key("sqnr_warning_db", &out);
  append_number(s.warning_db, &out);
  append_key("sqnr_critical_db", &out);
  append_number(s.critical_db, &out);
  out.push_back('}');
  return out;
}

void append_layer_json(const sched::ReportLayer& r, std::string_view tensor_name,
                       std::string* out) {
  const sched::PlanLayer& l = r.plan;
  out->append("{\"name\":");
  mf::append_json_string({l.name.data(), l.name.size()}, out);
  append_key("tensor", out);
  mf::append_json_string(tensor_name, out);
  append_key("kind", out);
  mf::append_json_string(sched::kind_name(l.kind), out);
  append_key("rows", out);
  mf::append_json_uint(l.rows, out);
  append_key("cols", out);
  mf::append_json_uint(l.cols, out);
  append_key("decision", out);
  mf::append_json_string(sched::decision_name(l.decision), out);
  append_key("rule", out);
  mf::append_json_string(sched::rule_name(l.rule), out);
  append_key("rule_detail", out);
  mf::append_json_string({l.detail.data(), l.detail.size()}, out);
  const bool kept = l.decision == MQ_DECISION_KEEP;
  append_key("format", out);
  mf::append_json_string(kept ? "-" : format_name(l.format), out);
  append_key("scheme", out);
  mf::append_json_string(sched::scheme_name(l.scheme), out);
  append_key("group_size", out);
  mf::append_json_uint(l.group, out);
  // JSON has no infinity or NaN: an exact quantization is "inf", a kept layer null.
  append_key("sqnr_db", out);
  if (kept || std::isnan(r.sqnr_db)) {
    out->append("null");
  } else if (std::isinf(r.sqnr_db)) {
    out->append("\"inf\"");
  } else {
    append_number(r.sqnr_db, out);
  }
  append_key("bytes_before", out);
  mf::append_json_uint(l.bytes_before, out);
  append_key("bytes_after", out);
  mf::append_json_uint(l.bytes_after, out);
  out->push_back('}');
}

size_t QuantizedFile::find(std::string_view wanted) const {
  const auto it =
      std::lower_bound(by_name.begin(), by_name.end(), wanted, [&](size_t i, std::string_view w) {
        return std::string_view(string_at(layers[i].name_offset)) < w;
      });
  if (it == by_name.end() || std::string_view(string_at(layers[*it].name_offset)) != wanted) {
    return layers.size();
  }
  return *it;
}

mq_status read_quantized_metadata(const mf::SafetensorsTable& table, const char* path,
                                  QuantizedFile* out) {
  const mf::MetadataEntry* format = table.find_metadata(kFormatKey);
  if (format == nullptr) return MQ_OK;
  if (std::string_view(table.string_at(format->value_offset)) != kFormatName) {
    return malformed(path, kFormatKey, std::string("is not \"") + kFormatName + "\"");
  }
  uint64_t version = 0;
  if (!read_integer(table, kFormatVersionKey, 1, UINT32_MAX, &version)) {
    return malformed(path, kFormatVersionKey, "is missing or not a positive integer");
  }
  if (version > kFormatVersion) {
    return fail(MQ_ERR_UNSUPPORTED,
                "format version %llu is newer than this library reads (%u): update monoquant "
                "(in '%s')",
                static_cast<unsigned long long>(version), kFormatVersion, path);
  }
  uint64_t bits = 0, group = 0;
  if (!read_integer(table, kBitsKey, 4, 8, &bits) || (bits != 4 && bits != 8)) {
    return malformed(path, kBitsKey, "is missing or not \"4\" or \"8\"");
  }
  const mf::MetadataEntry* group_entry = table.find_metadata(kGroupSizeKey);
  const bool per_row = bits == 8 && group_entry != nullptr &&
                       std::string_view(table.string_at(group_entry->value_offset)) == "-1";
  if (!per_row && !read_integer(table, kGroupSizeKey, 1, UINT64_MAX, &group)) {
    return malformed(path, kGroupSizeKey,
                     bits == 8 ? "is missing or not -1 (per row) or a positive integer"
                               : "is missing or not a positive integer");
  }
  const mf::MetadataEntry* scheme = table.find_metadata(kSchemeKey);
  const std::string_view scheme_text =
      scheme == nullptr ? std::string_view() : table.string_at(scheme->value_offset);
  if (scheme_text != "symmetric" && scheme_text != "asymmetric") {
    return malformed(path, kSchemeKey, "is missing or not \"symmetric\" or \"asymmetric\"");
  }
  out->version = static_cast<uint32_t>(version);
  out->bits = static_cast<uint32_t>(bits);
  out->group = group;
  out->scheme = scheme_text == "asymmetric" ? MQ_SCHEME_ASYMMETRIC : MQ_SCHEME_SYMMETRIC;
  return read_layers(table, path, out);
}

}  // namespace mq::capi
