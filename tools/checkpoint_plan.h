// A checkpoint's plan: open a safetensors file, describe its layers (kinds inferred from names and
// shapes, with the --kind overrides) and make the scheduler's plan for them. Shared by `plan`
// (which prints it) and `quantize` / `demo` (which run it).
#ifndef MONOQUANT_TOOLS_CHECKPOINT_PLAN_H
#define MONOQUANT_TOOLS_CHECKPOINT_PLAN_H

#include <cstdint>
#include <string>
#include <vector>

#include "handles.h"
#include "plan_options.h"

namespace mq::tool {

struct CheckpointPlan {
  ModelPtr model;
  std::vector<mq_layer_desc> layers;     // names owned by the model
  std::vector<uint64_t> weight_tensors;  // the tensor index of each layer's weight
  PlanPtr plan;
};

// Opens a safetensors file. On failure prints "<command>: ..." and returns the exit code.
int open_model(mq_context* context, const char* command, const std::string& path, ModelPtr* model);

// Opens `path`, describes its layers and creates the plan. On failure prints "<command>: ..." and
// returns the exit code; a checkpoint without layers is bad input (kExitBadInput).
int make_checkpoint_plan(mq_context* context, const char* command, const std::string& path,
                         const ResolvedPlanOptions& options, CheckpointPlan* result);

}  // namespace mq::tool

#endif
