// The metadata of a quantized file (docs/model-files.md, "Quantized files"): its keys, the JSON
// records of the plan and of every layer that mq_model_write_quantized stores, and reading them
// back (with every cross-check against the file's tensors) when a file is opened.
#ifndef MONOQUANT_CAPI_MODEL_QUANTIZED_METADATA_H
#define MONOQUANT_CAPI_MODEL_QUANTIZED_METADATA_H

#include <cstddef>
#include <cstdint>
#include <memory_resource>
#include <string>
#include <string_view>

#include "capi/model_file/safetensors.h"
#include "capi/scheduler/scheduler.h"
#include "monoquant/monoquant.h"

namespace mq::capi {

constexpr const char* kFormatKey = "monoquant.format";
constexpr const char* kFormatName = "monoquant";
constexpr const char* kFormatVersionKey = "monoquant.format_version";
constexpr uint32_t kFormatVersion = 1;
// Top-level keys as the Python library this project grew out of wrote them: strings.
constexpr const char* kBitsKey = "bits";
constexpr const char* kGroupSizeKey = "group_size";
constexpr const char* kSchemeKey = "monoquant.scheme";
constexpr const char* kPlanKey = "monoquant.plan";
constexpr const char* kLayersKey = "monoquant.layers";
constexpr const char* kReportKey = "monoquant.report";
constexpr const char* kVersionKey = "monoquant.library_version";

// The tensors a quantized layer's weight tensor T becomes.
constexpr std::string_view kCodesSuffix = ".codes";
constexpr std::string_view kScalesSuffix = ".scales";
constexpr std::string_view kZeroPointsSuffix = ".zero_points";

// The plan settings as a JSON object (the "monoquant.plan" value).
std::string plan_json(const sched::PlanSettings& settings);
// Appends one layer's JSON object (an element of the "monoquant.layers" array) for report layer
// `r`, whose weight was the source tensor `tensor_name`.
void append_layer_json(const sched::ReportLayer& r, std::string_view tensor_name, std::string* out);

// A layer recorded in a quantized file, checked against the file's tensors.
struct StoredLayer {
  size_t name_offset;  // into QuantizedFile::text, NUL-terminated
  size_t tensor_name_offset;
  size_t detail_offset;
  mq_layer_kind kind;
  uint64_t rows, cols;
  mq_decision decision;
  mq_rule rule;
  mq_format format;  // 0 when kept
  mq_scheme scheme;
  uint64_t group;
  double sqnr_db;
  // Tensor indices in the file; kNone when absent.
  size_t weight_tensor, codes_tensor, scales_tensor, zero_points_tensor;
  static constexpr size_t kNone = SIZE_MAX;
};

struct QuantizedFile {
  explicit QuantizedFile(std::pmr::memory_resource* memory)
      : layers(memory), by_name(memory), text(memory) {}

  uint32_t version = 0;  // 0: not a quantized file
  uint32_t bits = 0;
  uint64_t group = 0;
  mq_scheme scheme = MQ_SCHEME_SYMMETRIC;
  std::pmr::vector<StoredLayer> layers;
  std::pmr::vector<size_t> by_name;  // ascending by name
  std::pmr::vector<char> text;

  const char* string_at(size_t offset) const { return text.data() + offset; }
  // The index of the layer called exactly `wanted`, or layers.size().
  size_t find(std::string_view wanted) const;
};

// Reads the quantized-file metadata of a validated table into `*out` (empty). A file without
// "monoquant.format" is not a quantized file: MQ_OK with version 0. Otherwise every record is
// checked (MQ_ERR_MALFORMED_FILE naming the key, layer and problem; MQ_ERR_UNSUPPORTED for a newer
// format version), each message ending "(in '<path>')". Reports through mq::capi::fail.
mq_status read_quantized_metadata(const model_file::SafetensorsTable& table, const char* path,
                                  QuantizedFile* out);

}  // namespace mq::capi

#endif
