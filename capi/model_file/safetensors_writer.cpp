#include "capi/model_file/safetensors_writer.h"

#include "capi/model_file/json_writer.h"

namespace mq::model_file {

std::string safetensors_prefix(const std::vector<OutputTensor>& tensors,
                               const MetadataPairs& metadata) {
  std::string json = "{";
  bool first = true;
  const auto separator = [&] {
    if (!first) json.push_back(',');
    first = false;
  };
  if (!metadata.empty()) {
    separator();
    json.append("\"__metadata__\":{");
    for (size_t i = 0; i < metadata.size(); ++i) {
      if (i > 0) json.push_back(',');
      append_json_string(metadata[i].first, &json);
      json.push_back(':');
      append_json_string(metadata[i].second, &json);
    }
    json.push_back('}');
  }
  uint64_t offset = 0;
  for (const OutputTensor& t : tensors) {
    separator();
    append_json_string(t.name, &json);
    json.append(":{\"dtype\":\"");
    json.append(dtype_name(t.dtype));
    json.append("\",\"shape\":[");
    for (uint32_t d = 0; d < t.rank; ++d) {
      if (d > 0) json.push_back(',');
      append_json_uint(t.shape[d], &json);
    }
    json.append("],\"data_offsets\":[");
    append_json_uint(offset, &json);
    json.push_back(',');
    offset += t.bytes;
    append_json_uint(offset, &json);
    json.append("]}");
  }
  json.push_back('}');
  json.append((8 - json.size() % 8) % 8, ' ');
  std::string prefix(8, '\0');
  const uint64_t n = json.size();
  for (int i = 0; i < 8; ++i) prefix[i] = static_cast<char>((n >> (8 * i)) & 0xFFU);
  return prefix + json;
}

}  // namespace mq::model_file
