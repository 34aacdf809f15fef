#include "checkpoint_plan.h"

#include <cstdio>

#include "exit_codes.h"

namespace mq::tool {

int open_model(mq_context* context, const char* command, const std::string& path, ModelPtr* model) {
  mq_model* opened = nullptr;
  const mq_status status = mq_model_open(context, path.c_str(), &opened);
  if (status != MQ_OK) return fail(command, status);
  model->reset(opened);
  return kExitOk;
}

int make_checkpoint_plan(mq_context* context, const char* command, const std::string& path,
                         const ResolvedPlanOptions& options, CheckpointPlan* result) {
  const int code = open_model(context, command, path, &result->model);
  if (code != kExitOk) return code;
  const mq_model* model = result->model.get();
  uint64_t count = 0;
  mq_status status =
      mq_model_describe_layers(model, &options.layers(), nullptr, nullptr, 0, &count);
  if (status != MQ_OK) return fail(command, status);
  if (count == 0) {
    std::fprintf(stderr,
                 "%s: '%s' has no layers (no F32, F16 or BF16 tensor of rank 2 or more that is not "
                 "a bias): nothing to quantize\n",
                 command, path.c_str());
    return kExitBadInput;
  }
  result->layers.assign(count, mq_layer_desc{});
  result->weight_tensors.assign(count, 0);
  status = mq_model_describe_layers(model, &options.layers(), result->layers.data(),
                                    result->weight_tensors.data(), count, &count);
  if (status != MQ_OK) return fail(command, status);

  mq_plan* plan = nullptr;
  status = mq_plan_create(context, result->layers.data(), count, &options.plan(), &plan);
  if (status != MQ_OK) return fail(command, status);
  result->plan.reset(plan);
  return kExitOk;
}

}  // namespace mq::tool
