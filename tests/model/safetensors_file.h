// Writes small safetensors files for the model-file tests: a JSON header and a data section laid
// out as the format says (8-byte little-endian header length, header padded with spaces to a
// multiple of 8 bytes as the reference writer does, then the tensors' bytes back to back).
#ifndef MONOQUANT_TESTS_MODEL_SAFETENSORS_FILE_H
#define MONOQUANT_TESTS_MODEL_SAFETENSORS_FILE_H

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace mq::test {

// A directory of its own under the test temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::path(::testing::TempDir()) /
            ("monoquant_model_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string path() const { return path_.string(); }

  // Writes `bytes` to a file called `name` in the directory; returns its path.
  std::string write(const std::string& name, const std::string& bytes) const {
    std::string file = (path_ / name).string();
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    EXPECT_TRUE(out.good()) << "cannot write " << file;
    return file;
  }

 private:
  std::filesystem::path path_;
};

// The 8-byte little-endian prefix for a header of `n` bytes.
inline std::string length_prefix(uint64_t n) {
  std::string s(8, '\0');
  for (int i = 0; i < 8; ++i) s[i] = static_cast<char>((n >> (8 * i)) & 0xFF);
  return s;
}

// A whole file from a header (taken as it is, no padding added) and a data section.
inline std::string file_bytes(const std::string& header, const std::string& data) {
  return length_prefix(header.size()) + header + data;
}

struct TensorSpec {
  std::string name;
  std::string dtype;  // the safetensors spelling
  std::vector<uint64_t> shape;
  std::string data;  // raw little-endian bytes
};

inline std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

inline std::string shape_json(const std::vector<uint64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

// A valid file: tensors stored in the order given, metadata (when any) first in the header.
inline std::string safetensors(const std::vector<TensorSpec>& tensors,
                               const std::map<std::string, std::string>& metadata = {}) {
  std::string header = "{";
  bool first = true;
  if (!metadata.empty()) {
    header += "\"__metadata__\":{";
    for (const auto& [k, v] : metadata) {
      header += (first ? "" : ",") + json_string(k) + ":" + json_string(v);
      first = false;
    }
    header += "}";
  }
  std::string data;
  for (const TensorSpec& t : tensors) {
    const size_t begin = data.size();
    data += t.data;
    header += (header.size() > 1 ? "," : "") + json_string(t.name) + ":{\"dtype\":\"" + t.dtype +
              "\",\"shape\":" + shape_json(t.shape) + ",\"data_offsets\":[" +
              std::to_string(begin) + "," + std::to_string(data.size()) + "]}";
  }
  header += "}";
  while (header.size() % 8 != 0) header += ' ';
  return file_bytes(header, data);
}

template <class T>
std::string bytes_of(const std::vector<T>& values) {
  std::string s(values.size() * sizeof(T), '\0');
  if (!values.empty()) std::memcpy(s.data(), values.data(), s.size());
  return s;
}

}  // namespace mq::test

#endif
