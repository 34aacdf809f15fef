// The header of a safetensors file this library writes: tensors back to back in the order given,
// the metadata, the 8-byte length prefix and the space padding, as the reference writer lays them
// out. Kept free of C API concerns.
#ifndef MONOQUANT_CAPI_MODEL_FILE_SAFETENSORS_WRITER_H
#define MONOQUANT_CAPI_MODEL_FILE_SAFETENSORS_WRITER_H

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "capi/model_file/safetensors.h"

namespace mq::model_file {

struct OutputTensor {
  std::string name;
  Dtype dtype;
  uint32_t rank;
  uint64_t shape[kMaxRank];
  uint64_t bytes;  // elements * dtype size
};

using MetadataPairs = std::vector<std::pair<std::string, std::string>>;

// The bytes before the data section: the little-endian header length, then the JSON header
// ("__metadata__" first, then the tensors with data_offsets running back to back from 0), padded
// with spaces to a multiple of 8 bytes so that the data section starts 8-byte aligned. Metadata
// keys must be unique and must not be "__metadata__".
std::string safetensors_prefix(const std::vector<OutputTensor>& tensors,
                               const MetadataPairs& metadata);

}  // namespace mq::model_file

#endif
