// The demo's checkpoint: the seven real trained matrices built into the tool, named like the layers
// of a small model, plus synthetic tensors that give the plan every kind of decision:
//   INT4 (quantize rule), per-row INT8 (shape rule: K = 120 < group 128), kept by default kind (the
//   embedding), kept by the lm_head default (a real classifier head), kept as a small layer (< 512
//   parameters), and 1-D tensors (norm weights, biases) that are not layers and are copied.
#ifndef MONOQUANT_TOOLS_DEMO_CHECKPOINT_H
#define MONOQUANT_TOOLS_DEMO_CHECKPOINT_H

#include <string>

namespace mq::tool {

// Writes the checkpoint (float32 safetensors, about 8 MiB) to `path`. Prints problems as
// "<command>: ..." and returns the exit code.
int write_demo_checkpoint(const char* command, const std::string& path);

// Prints what the checkpoint holds: each tensor's name, shape and where its values come from.
void print_demo_checkpoint_contents();

}  // namespace mq::tool

#endif
