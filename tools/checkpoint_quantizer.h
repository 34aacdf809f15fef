// Quantizing a checkpoint file into a quantized safetensors file: the one code path behind
// `monoquant quantize` and `monoquant demo`.
//   open + describe layers + plan -> read each quantized layer's weight as fp32 -> run the plan
//   (canonical outputs) -> write the quantized file (atomically, by the library) -> print the
//   report table and a summary line.
#ifndef MONOQUANT_TOOLS_CHECKPOINT_QUANTIZER_H
#define MONOQUANT_TOOLS_CHECKPOINT_QUANTIZER_H

#include <cstdint>
#include <string>

#include "monoquant/monoquant.h"
#include "plan_options.h"

namespace mq::tool {

struct QuantizeRequest {
  std::string input;
  std::string output;  // not written by a dry run
  const ResolvedPlanOptions* options = nullptr;
  bool dry_run = false;       // print the plan and stop
  bool show_progress = true;  // progress of reading and writing on stderr
};

struct QuantizeResult {
  mq_report_summary summary{};  // of the run (not filled by a dry run)
  uint64_t input_bytes = 0;     // file sizes
  uint64_t output_bytes = 0;
  double seconds = 0.0;  // from opening the input to the output renamed into place
};

// Does the request on the context's threads. Prints the plan table (dry run) or the report table
// and a summary line to stdout, progress to stderr, failures as "<command>: <message>" to stderr.
// Returns the exit code.
int quantize_checkpoint(mq_context* context, const char* command, const QuantizeRequest& request,
                        QuantizeResult* result);

}  // namespace mq::tool

#endif
