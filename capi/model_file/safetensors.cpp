#include "capi/model_file/safetensors.h"

// Error codes only: nothing in this file may throw a simdjson exception (only std::bad_alloc
// leaves it, which the C API turns into a status). This is the only file that includes simdjson.
#undef SIMDJSON_EXCEPTIONS
#define SIMDJSON_EXCEPTIONS 0
#include <simdjson.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <new>

namespace mq::model_file {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

struct DtypeInfo {
  const char* name;
  uint32_t size;
};

// Indexed by Dtype.
constexpr DtypeInfo kDtypes[kDtypeCount] = {
    {"F32", 4},  {"F16", 2},     {"BF16", 2},    {"F64", 8},     {"U8", 1},  {"I8", 1},
    {"I16", 2},  {"U16", 2},     {"I32", 4},     {"U32", 4},     {"I64", 8}, {"U64", 8},
    {"BOOL", 1}, {"F8_E4M3", 1}, {"F8_E5M2", 1}, {"F8_E8M0", 1}, {"C64", 8},
};

// dtypes the format defines whose elements are smaller than a byte: their byte size is not
// elements * size, and nothing here reads them.
constexpr const char* kSubByteDtypes[] = {"F4", "F6_E2M3", "F6_E3M2"};

// Names in messages are cut to this many bytes, so that the problem itself always fits in the
// error message.
constexpr size_t kMaxQuotedName = 120;

std::string quoted(std::string_view name) {
  if (name.size() <= kMaxQuotedName) return "'" + std::string(name) + "'";
  size_t cut = kMaxQuotedName;
  while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0U) == 0x80U) --cut;  // UTF-8
  return "'" + std::string(name.substr(0, cut)) + "...'";
}

ParseResult problem(ParseProblem kind, const char* format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

ParseResult problem(ParseProblem kind, const char* format, ...) {
  char buffer[768];
  va_list args;
  va_start(args, format);
  // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): clang-analyzer 14 misreads va_start here.
  std::vsnprintf(buffer, sizeof buffer, format, args);
  va_end(args);
  return {kind, buffer};
}

#define MQ_MALFORMED(...) problem(ParseProblem::malformed, __VA_ARGS__)

unsigned long long ull(uint64_t v) { return static_cast<unsigned long long>(v); }

bool non_negative_integer(element e, uint64_t* out) {
  if (e.type() == element_type::UINT64) return e.get_uint64().get(*out) == simdjson::SUCCESS;
  if (e.type() != element_type::INT64) return false;  // doubles (even 2.0), strings, ...
  int64_t v = 0;
  if (e.get_int64().get(v) != simdjson::SUCCESS || v < 0) return false;
  *out = static_cast<uint64_t>(v);
  return true;
}

bool has_nul(std::string_view s) { return s.find('\0') != std::string_view::npos; }

// Appends `s` and a NUL to the table's text; returns its offset.
size_t store(SafetensorsTable* table, std::string_view s) {
  const size_t offset = table->text.size();
  table->text.insert(table->text.end(), s.begin(), s.end());
  table->text.push_back('\0');
  return offset;
}

std::string shape_text(const TensorEntry& t) {
  std::string s = "[";
  for (uint32_t d = 0; d < t.rank; ++d) {
    if (d > 0) s += ", ";
    s += std::to_string(t.shape[d]);
  }
  return s + "]";
}

ParseResult parse_dtype(element value, const std::string& who, Dtype* dtype) {
  std::string_view text;
  if (value.get_string().get(text) != simdjson::SUCCESS) {
    return MQ_MALFORMED("tensor %s: dtype is not a string", who.c_str());
  }
  for (int32_t i = 0; i < kDtypeCount; ++i) {
    if (text == kDtypes[i].name) {
      *dtype = static_cast<Dtype>(i);
      return {};
    }
  }
  const std::string spelled = quoted(text);
  for (const char* sub_byte : kSubByteDtypes) {
    if (text == sub_byte) {
      return problem(ParseProblem::unsupported,
                     "tensor %s: dtype %s (less than a byte per element) is not supported",
                     who.c_str(), spelled.c_str());
    }
  }
  return MQ_MALFORMED("tensor %s: unknown dtype %s", who.c_str(), spelled.c_str());
}

ParseResult parse_shape(element value, const std::string& who, TensorEntry* t) {
  simdjson::dom::array dims;
  if (value.get_array().get(dims) != simdjson::SUCCESS) {
    return MQ_MALFORMED("tensor %s: shape is not an array", who.c_str());
  }
  const size_t rank = dims.size();
  if (rank > kMaxRank) {
    return MQ_MALFORMED("tensor %s: shape has %zu dimensions; at most %zu are supported",
                        who.c_str(), rank, kMaxRank);
  }
  t->rank = static_cast<uint32_t>(rank);
  size_t d = 0;
  for (element dim : dims) {
    if (!non_negative_integer(dim, &t->shape[d])) {
      return MQ_MALFORMED("tensor %s: shape[%zu] is not a non-negative integer", who.c_str(), d);
    }
    ++d;
  }
  // A zero dimension makes the product 0 whatever the others are; test for it first so that
  // [0, 2^40, 2^40] is a valid empty tensor rather than an overflow.
  t->elements = 1;
  const bool empty = std::any_of(t->shape, t->shape + rank, [](uint64_t v) { return v == 0; });
  if (empty) {
    t->elements = 0;
    return {};
  }
  for (d = 0; d < rank; ++d) {
    if (t->elements > UINT64_MAX / t->shape[d]) {
      return MQ_MALFORMED("tensor %s: shape %s has more than 2^64 elements", who.c_str(),
                          shape_text(*t).c_str());
    }
    t->elements *= t->shape[d];
  }
  return {};
}

ParseResult parse_offsets(element value, const std::string& who, TensorEntry* t) {
  simdjson::dom::array offsets;
  if (value.get_array().get(offsets) != simdjson::SUCCESS || offsets.size() != 2) {
    return MQ_MALFORMED("tensor %s: data_offsets is not an array of two integers", who.c_str());
  }
  uint64_t pair[2] = {0, 0};
  size_t i = 0;
  for (element v : offsets) {
    if (!non_negative_integer(v, &pair[i])) {
      return MQ_MALFORMED("tensor %s: data_offsets[%zu] is not a non-negative integer", who.c_str(),
                          i);
    }
    ++i;
  }
  t->begin = pair[0];
  t->end = pair[1];
  return {};
}

// One tensor entry: an object with exactly the fields dtype, shape and data_offsets.
ParseResult parse_tensor(element value, const std::string& who, uint64_t data_size,
                         TensorEntry* t) {
  simdjson::dom::object fields;
  if (value.get_object().get(fields) != simdjson::SUCCESS) {
    return MQ_MALFORMED("tensor %s: the entry is not an object", who.c_str());
  }
  static constexpr const char* kFields[] = {"dtype", "shape", "data_offsets"};
  bool seen[3] = {false, false, false};
  for (const auto field : fields) {
    const auto* known = std::find(std::begin(kFields), std::end(kFields), field.key);
    if (known == std::end(kFields)) {
      const std::string spelled = quoted(field.key);
      return MQ_MALFORMED("tensor %s: unknown field %s (expected dtype, shape, data_offsets)",
                          who.c_str(), spelled.c_str());
    }
    const auto which = static_cast<size_t>(known - std::begin(kFields));
    if (seen[which]) {
      return MQ_MALFORMED("tensor %s: the field %s appears twice", who.c_str(), *known);
    }
    seen[which] = true;
    ParseResult r;
    if (which == 0) r = parse_dtype(field.value, who, &t->dtype);
    if (which == 1) r = parse_shape(field.value, who, t);
    if (which == 2) r = parse_offsets(field.value, who, t);
    if (r.problem != ParseProblem::none) return r;
  }
  for (size_t f = 0; f < 3; ++f) {
    if (!seen[f])
      return MQ_MALFORMED("tensor %s: the field %s is missing", who.c_str(), kFields[f]);
  }

  if (t->begin > t->end) {
    return MQ_MALFORMED("tensor %s: data_offsets [%llu, %llu] end before they begin", who.c_str(),
                        ull(t->begin), ull(t->end));
  }
  if (t->end > data_size) {
    return MQ_MALFORMED(
        "tensor %s: data_offsets [%llu, %llu] run past the end of the data section (%llu bytes)",
        who.c_str(), ull(t->begin), ull(t->end), ull(data_size));
  }
  const uint32_t size = dtype_size(t->dtype);
  if (t->elements > UINT64_MAX / size) {
    return MQ_MALFORMED("tensor %s: shape %s of %s has more than 2^64 bytes", who.c_str(),
                        shape_text(*t).c_str(), dtype_name(t->dtype));
  }
  const uint64_t bytes = t->elements * size;
  if (t->end - t->begin != bytes) {
    return MQ_MALFORMED(
        "tensor %s: data_offsets [%llu, %llu] hold %llu bytes but shape %s of %s needs %llu",
        who.c_str(), ull(t->begin), ull(t->end), ull(t->end - t->begin), shape_text(*t).c_str(),
        dtype_name(t->dtype), ull(bytes));
  }
  return {};
}

// "__metadata__": an object of string -> string.
ParseResult parse_metadata(element value, SafetensorsTable* table) {
  simdjson::dom::object entries;
  if (value.get_object().get(entries) != simdjson::SUCCESS) {
    return MQ_MALFORMED("__metadata__ is not an object");
  }
  for (const auto entry : entries) {
    const std::string key = quoted(entry.key);
    std::string_view text;
    if (entry.value.get_string().get(text) != simdjson::SUCCESS) {
      return MQ_MALFORMED("__metadata__ entry %s is not a string", key.c_str());
    }
    if (has_nul(entry.key)) return MQ_MALFORMED("__metadata__ key %s contains a NUL", key.c_str());
    if (has_nul(text)) {
      return MQ_MALFORMED("__metadata__ entry %s contains a NUL in its value", key.c_str());
    }
    MetadataEntry m{};
    m.key_offset = store(table, entry.key);
    m.key_size = entry.key.size();
    m.value_offset = store(table, text);
    m.value_size = text.size();
    table->metadata.push_back(m);
  }
  std::stable_sort(table->metadata.begin(), table->metadata.end(),
                   [&](const MetadataEntry& a, const MetadataEntry& b) {
                     return table->key(a) < table->key(b);
                   });
  for (size_t i = 1; i < table->metadata.size(); ++i) {
    if (table->key(table->metadata[i]) == table->key(table->metadata[i - 1])) {
      return MQ_MALFORMED("__metadata__ has the key %s twice",
                          quoted(table->key(table->metadata[i])).c_str());
    }
  }
  return {};
}

// Tensors, sorted by offset, must tile the data section exactly: no overlap, no hole, nothing
// after the last one (the reference implementation refuses all three).
ParseResult check_layout(const SafetensorsTable& table) {
  uint64_t covered = 0;               // bytes [0, covered) belong to tensors seen so far
  const TensorEntry* last = nullptr;  // the tensor that ends at `covered`
  for (const TensorEntry& t : table.tensors) {
    if (t.begin < covered) {
      return MQ_MALFORMED("tensor %s: data_offsets [%llu, %llu] overlap tensor %s [%llu, %llu]",
                          quoted(table.name(t)).c_str(), ull(t.begin), ull(t.end),
                          quoted(table.name(*last)).c_str(), ull(last->begin), ull(last->end));
    }
    if (t.begin > covered) {
      return MQ_MALFORMED(
          "the data section has a hole: bytes [%llu, %llu) before tensor %s belong to no tensor",
          ull(covered), ull(t.begin), quoted(table.name(t)).c_str());
    }
    if (t.end > covered) {
      covered = t.end;
      last = &t;
    }
  }
  if (covered != table.data_size) {
    return MQ_MALFORMED(
        "the data section has a hole: bytes [%llu, %llu) at its end belong to no tensor",
        ull(covered), ull(table.data_size));
  }
  return {};
}

uint64_t load_u64le(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

}  // namespace

const char* dtype_name(Dtype dtype) { return kDtypes[static_cast<int32_t>(dtype)].name; }
uint32_t dtype_size(Dtype dtype) { return kDtypes[static_cast<int32_t>(dtype)].size; }

size_t SafetensorsTable::find_tensor(std::string_view wanted) const {
  const auto it =
      std::lower_bound(by_name.begin(), by_name.end(), wanted,
                       [&](size_t i, std::string_view w) { return name(tensors[i]) < w; });
  if (it == by_name.end() || name(tensors[*it]) != wanted) return tensors.size();
  return *it;
}

const MetadataEntry* SafetensorsTable::find_metadata(std::string_view wanted) const {
  const auto it =
      std::lower_bound(metadata.begin(), metadata.end(), wanted,
                       [&](const MetadataEntry& m, std::string_view w) { return key(m) < w; });
  if (it == metadata.end() || key(*it) != wanted) return nullptr;
  return &*it;
}

ParseResult parse_safetensors(const uint8_t* bytes, size_t size, SafetensorsTable* table) {
  if (size < 8) {
    return MQ_MALFORMED("the file is %zu bytes, shorter than the 8-byte header length", size);
  }
  const uint64_t header_size = load_u64le(bytes);
  if (header_size == 0) return MQ_MALFORMED("the header length is 0");
  if (header_size > kMaxHeaderBytes) {
    return MQ_MALFORMED("the header length %llu exceeds the limit of %llu bytes", ull(header_size),
                        ull(kMaxHeaderBytes));
  }
  if (header_size > size - 8) {
    return MQ_MALFORMED("the header length %llu exceeds the %zu bytes that follow it (truncated?)",
                        ull(header_size), size - 8);
  }
  table->header_size = header_size;
  table->data_offset = 8 + header_size;
  table->data_size = size - table->data_offset;

  const auto* json = reinterpret_cast<const char*>(bytes + 8);
  const auto json_size = static_cast<size_t>(header_size);
  // The reference implementation requires this; the format allows trailing spaces as padding.
  if (json[0] != '{') return MQ_MALFORMED("the header does not start with '{'");

  // The mapping has no padding after the header, so the parser copies it (realloc_if_needed).
  simdjson::dom::parser parser;
  element root;
  const simdjson::error_code parsed = parser.parse(json, json_size, true).get(root);
  if (parsed == simdjson::MEMALLOC) throw std::bad_alloc();
  if (parsed == simdjson::UTF8_ERROR) return MQ_MALFORMED("the header is not valid UTF-8");
  if (parsed != simdjson::SUCCESS) {
    return MQ_MALFORMED("the header is not valid JSON (%s)", simdjson::error_message(parsed));
  }
  simdjson::dom::object top;
  if (root.get_object().get(top) != simdjson::SUCCESS) {
    return MQ_MALFORMED("the header is not a JSON object");
  }

  bool metadata_seen = false;
  size_t order = 0;
  for (const auto field : top) {
    if (field.key == "__metadata__") {
      if (metadata_seen) return MQ_MALFORMED("__metadata__ appears twice");
      metadata_seen = true;
      ParseResult r = parse_metadata(field.value, table);
      if (r.problem != ParseProblem::none) return r;
      continue;
    }
    if (field.key.empty()) return MQ_MALFORMED("a tensor has an empty name");
    const std::string who = quoted(field.key);
    if (has_nul(field.key)) return MQ_MALFORMED("tensor %s: the name contains a NUL", who.c_str());
    TensorEntry t{};
    ParseResult r = parse_tensor(field.value, who, table->data_size, &t);
    if (r.problem != ParseProblem::none) return r;
    t.name_offset = store(table, field.key);
    t.name_size = field.key.size();
    t.header_order = order++;
    table->tensors.push_back(t);
  }

  std::sort(table->tensors.begin(), table->tensors.end(),
            [](const TensorEntry& a, const TensorEntry& b) {
              if (a.begin != b.begin) return a.begin < b.begin;
              if (a.end != b.end) return a.end < b.end;
              return a.header_order < b.header_order;
            });
  table->by_name.resize(table->tensors.size());
  for (size_t i = 0; i < table->by_name.size(); ++i) table->by_name[i] = i;
  std::sort(table->by_name.begin(), table->by_name.end(), [&](size_t a, size_t b) {
    return table->name(table->tensors[a]) < table->name(table->tensors[b]);
  });
  for (size_t i = 1; i < table->by_name.size(); ++i) {
    const std::string_view name = table->name(table->tensors[table->by_name[i]]);
    if (name == table->name(table->tensors[table->by_name[i - 1]])) {
      return MQ_MALFORMED("the tensor name %s appears twice", quoted(name).c_str());
    }
  }
  return check_layout(*table);
}

}  // namespace mq::model_file
