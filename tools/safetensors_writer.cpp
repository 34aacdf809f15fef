#include "safetensors_writer.h"

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <system_error>

namespace mq::tool {

namespace {

// A JSON string literal (the names here are ASCII, but quote whatever comes).
std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof(escaped), "\\u%04x", static_cast<unsigned>(c));
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

uint64_t element_count(const std::vector<uint64_t>& shape) {
  uint64_t n = 1;
  for (const uint64_t d : shape) n *= d;
  return n;
}

std::string header_json(const std::vector<F32Tensor>& tensors,
                        const std::vector<std::pair<std::string, std::string>>& metadata) {
  std::string json = "{";
  if (!metadata.empty()) {
    json += "\"__metadata__\":{";
    for (size_t i = 0; i < metadata.size(); ++i) {
      if (i > 0) json += ",";
      json += json_string(metadata[i].first) + ":" + json_string(metadata[i].second);
    }
    json += "}";
  }
  uint64_t offset = 0;
  for (const F32Tensor& t : tensors) {
    if (json.size() > 1) json += ",";
    const uint64_t bytes = element_count(t.shape) * sizeof(float);
    json += json_string(t.name) + ":{\"dtype\":\"F32\",\"shape\":[";
    for (size_t d = 0; d < t.shape.size(); ++d) {
      if (d > 0) json += ",";
      json += std::to_string(t.shape[d]);
    }
    json += "],\"data_offsets\":[" + std::to_string(offset) + "," + std::to_string(offset + bytes) +
            "]}";
    offset += bytes;
  }
  json += "}";
  // Writers pad the header with spaces so that the data section starts 8-byte aligned.
  json.append((8 - json.size() % 8) % 8, ' ');
  return json;
}

}  // namespace

std::string write_f32_safetensors(
    const std::string& path, const std::vector<F32Tensor>& tensors,
    const std::vector<std::pair<std::string, std::string>>& metadata) {
  const std::string header = header_json(tensors, metadata);
  unsigned char length[8];
  for (int i = 0; i < 8; ++i) length[i] = static_cast<unsigned char>(header.size() >> (8 * i));
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (file) {
    file.write(reinterpret_cast<const char*>(length), sizeof(length));
    file.write(header.data(), static_cast<std::streamsize>(header.size()));
    for (const F32Tensor& t : tensors) {
      file.write(static_cast<const char*>(t.data),
                 static_cast<std::streamsize>(element_count(t.shape) * sizeof(float)));
    }
    file.close();
  }
  if (!file) {
    return "cannot write '" + path +
           "': " + std::error_code(errno, std::generic_category()).message();
  }
  return "";
}

}  // namespace mq::tool
