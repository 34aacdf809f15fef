// `monoquant quantize IN -o OUT`: quantizes a safetensors checkpoint with the scheduler's rules and
// writes a quantized safetensors file (docs/cli.md).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>

#include "checkpoint_quantizer.h"
#include "commands.h"
#include "context_options.h"
#include "exit_codes.h"
#include "plan_options.h"
#include "tool_util.h"

int run_quantize_command(int argc, char** argv) {
  constexpr const char* kCommand = "monoquant quantize";
  CLI::App app{
      "Quantize a safetensors checkpoint (F32, F16, BF16) to group-wise INT4 / per-row INT8 and "
      "write a quantized safetensors file",
      "monoquant quantize"};
  app.footer(mq::tool::exit_code_help());
  mq::tool::QuantizeRequest request;
  mq::tool::PlanSettings plan_settings;
  mq::tool::ContextSettings context_settings;
  app.add_option("input", request.input, "the checkpoint (.safetensors)")->required();
  app.add_option("-o,--output", request.output,
                 "the quantized file to write (replaced only once complete)");
  app.add_flag("--dry-run", request.dry_run, "print the plan and stop: nothing is written");
  mq::tool::add_plan_options(app, &plan_settings, mq::tool::kAllPlanOptions);
  mq::tool::add_context_options(app, &context_settings);
  int exit_code = 0;
  if (!mq::tool::parse_command_line(app, argc, argv, &exit_code)) return exit_code;
  if (request.output.empty() && !request.dry_run) {
    std::fprintf(stderr,
                 "%s: -o OUT is required (or --dry-run)\nRun with --help for more "
                 "information.\n",
                 kCommand);
    return mq::tool::kExitUsage;
  }

  mq::tool::ResolvedPlanOptions options;
  if (!options.resolve(plan_settings, kCommand)) return mq::tool::kExitUsage;
  request.options = &options;
  mq::tool::ContextPtr context;
  exit_code = mq::tool::create_context(kCommand, context_settings, &context);
  if (exit_code != mq::tool::kExitOk) return exit_code;
  mq::tool::QuantizeResult result;
  return mq::tool::quantize_checkpoint(context.get(), kCommand, request, &result);
}
