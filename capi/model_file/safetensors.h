// Parsing and validating a safetensors file held in memory into a table of tensors and metadata.
//
// Kept free of C API concerns (no statuses, no handles): the caller passes the bytes and a memory
// resource for the table, and gets back either a consistent table or the problem in words. The
// rules are those of the reference implementation (huggingface/safetensors), written out in
// docs/model-files.md.
#ifndef MONOQUANT_CAPI_MODEL_FILE_SAFETENSORS_H
#define MONOQUANT_CAPI_MODEL_FILE_SAFETENSORS_H

#include <cstddef>
#include <cstdint>
#include <memory_resource>
#include <string>
#include <string_view>
#include <vector>

namespace mq::model_file {

// The values match mq_dtype (model_api.cpp checks that).
enum class Dtype : int32_t {
  f32 = 0,
  f16,
  bf16,
  f64,
  u8,
  i8,
  i16,
  u16,
  i32,
  u32,
  i64,
  u64,
  boolean,
  f8_e4m3,
  f8_e5m2,
  f8_e8m0,
  c64,
};
constexpr int32_t kDtypeCount = static_cast<int32_t>(Dtype::c64) + 1;

// The safetensors spelling ("BF16") and the element size in bytes, for a valid Dtype.
const char* dtype_name(Dtype dtype);
uint32_t dtype_size(Dtype dtype);

constexpr size_t kMaxRank = 8;
// The largest JSON header accepted: the reference implementation's limit (MAX_HEADER_SIZE). It
// bounds the memory a hostile length prefix can make the parser allocate.
constexpr uint64_t kMaxHeaderBytes = 100'000'000;

struct TensorEntry {
  size_t name_offset;  // into SafetensorsTable::text; NUL-terminated there
  size_t name_size;
  Dtype dtype;
  uint32_t rank;
  uint64_t shape[kMaxRank];  // unused dimensions are 0
  uint64_t elements;
  uint64_t begin;  // byte offsets within the data section, begin <= end
  uint64_t end;
  size_t header_order;  // position of the entry in the JSON object
};

struct MetadataEntry {
  size_t key_offset;  // into SafetensorsTable::text, NUL-terminated
  size_t key_size;
  size_t value_offset;
  size_t value_size;
};

struct SafetensorsTable {
  explicit SafetensorsTable(std::pmr::memory_resource* memory)
      : tensors(memory), by_name(memory), metadata(memory), text(memory) {}

  uint64_t header_size = 0;
  uint64_t data_offset = 0;  // 8 + header_size
  uint64_t data_size = 0;
  std::pmr::vector<TensorEntry> tensors;     // by data offset (ties: header order)
  std::pmr::vector<size_t> by_name;          // indices into tensors, ascending by name
  std::pmr::vector<MetadataEntry> metadata;  // ascending by key
  std::pmr::vector<char> text;               // every name, key and value, each NUL-terminated

  const char* string_at(size_t offset) const { return text.data() + offset; }
  std::string_view name(const TensorEntry& t) const {
    return {string_at(t.name_offset), t.name_size};
  }
  std::string_view key(const MetadataEntry& m) const {
    return {string_at(m.key_offset), m.key_size};
  }

  // The index of the tensor with this exact name, or tensors.size() when there is none.
  size_t find_tensor(std::string_view wanted) const;
  // The metadata entry with this exact key, or nullptr.
  const MetadataEntry* find_metadata(std::string_view wanted) const;
};

enum class ParseProblem {
  none,
  malformed,    // the bytes break a rule of the format
  unsupported,  // valid, but uses a dtype this library does not read
};

struct ParseResult {
  ParseProblem problem = ParseProblem::none;
  std::string message;  // the problem in words, naming the tensor where there is one
};

// Parses `size` bytes of a whole safetensors file into `*table` (which must be empty). On failure
// the table's contents are unspecified. Allocation failure throws std::bad_alloc.
ParseResult parse_safetensors(const uint8_t* bytes, size_t size, SafetensorsTable* table);

}  // namespace mq::model_file

#endif
