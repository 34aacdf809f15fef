// Writes plain float32 safetensors files: the demo's checkpoint. (Quantized files are the library's
// job, mq_model_write_quantized; this writer knows only what a checkpoint of F32 tensors needs.)
#ifndef MONOQUANT_TOOLS_SAFETENSORS_WRITER_H
#define MONOQUANT_TOOLS_SAFETENSORS_WRITER_H

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace mq::tool {

struct F32Tensor {
  std::string name;
  std::vector<uint64_t> shape;
  const void* data;  // product(shape) little-endian float32 values
};

// Writes the tensors, in this order in the data section, with string metadata. Returns "" on
// success, else what went wrong (naming the path and the system's reason).
std::string write_f32_safetensors(const std::string& path, const std::vector<F32Tensor>& tensors,
                                  const std::vector<std::pair<std::string, std::string>>& metadata);

}  // namespace mq::tool

#endif
