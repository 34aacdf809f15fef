// The mq_model handle behind the public model-file API: the mapping, the validated table, the
// layers a checkpoint's tensors make, and the layers a quantized file records.
#ifndef MONOQUANT_CAPI_MODEL_MODEL_H
#define MONOQUANT_CAPI_MODEL_MODEL_H

#include "capi/allocator.h"
#include "capi/host_memory_resource.h"
#include "capi/model/checkpoint_layers.h"
#include "capi/model/quantized_metadata.h"
#include "capi/model_file/mapped_file.h"
#include "capi/model_file/safetensors.h"

// Everything but the file's pages comes from the context's allocator; the model keeps a copy of it,
// so it may outlive its context. Immutable once mq_model_open returns it.
struct mq_model {
  explicit mq_model(const mq::capi::Allocator& a)
      : allocator(a), memory(a), table(&memory), checkpoint(&memory), quantized(&memory) {}

  mq::capi::Allocator allocator;
  mq::capi::HostMemoryResource memory;  // declared before the tables, which allocate from it
  mq::model_file::MappedFile file;
  mq::model_file::SafetensorsTable table;
  mq::capi::CheckpointLayers checkpoint;
  mq::capi::QuantizedFile quantized;
};

#endif
