// Which tensors of a checkpoint are layers, what they are called and of what kind (the rules of
// mq_model_describe_layers, written out in docs/model-files.md).
#ifndef MONOQUANT_CAPI_MODEL_CHECKPOINT_LAYERS_H
#define MONOQUANT_CAPI_MODEL_CHECKPOINT_LAYERS_H

#include <cstddef>
#include <cstdint>
#include <memory_resource>
#include <string_view>

#include "capi/model_file/safetensors.h"
#include "monoquant/monoquant.h"

namespace mq::capi {

struct CheckpointLayer {
  size_t tensor;       // index of the weight tensor in the table
  size_t name_offset;  // into CheckpointLayers::text, NUL-terminated there
  size_t name_size;
  uint64_t rows;
  uint64_t cols;
  uint64_t params;     // weight elements plus those of "<name>.bias"
  mq_layer_kind kind;  // from the name and shape, before any override
};

struct CheckpointLayers {
  explicit CheckpointLayers(std::pmr::memory_resource* memory)
      : layers(memory), by_name(memory), text(memory) {}

  std::pmr::vector<CheckpointLayer> layers;  // in tensor order
  std::pmr::vector<size_t> by_name;          // indices into layers, ascending by name
  std::pmr::vector<char> text;

  const char* name(const CheckpointLayer& l) const { return text.data() + l.name_offset; }
  // The layer called exactly `wanted`, or nullptr.
  const CheckpointLayer* find(std::string_view wanted) const;
};

// Fills `*out` (empty) from a validated table. Allocation failure throws std::bad_alloc.
void find_checkpoint_layers(const model_file::SafetensorsTable& table, CheckpointLayers* out);

}  // namespace mq::capi

#endif
