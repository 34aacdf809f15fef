// `monoquant cpu`: what this CPU runs, and which kernel variant each family picks under the default
// context (or under --isa).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <vector>

#include "commands.h"
#include "context_options.h"
#include "exit_codes.h"
#include "tool_util.h"

int run_cpu_command(int argc, char** argv) {
  constexpr const char* kCommand = "monoquant cpu";
  CLI::App app{"Show the ISA levels this CPU runs and the kernel each family uses",
               "monoquant cpu"};
  app.footer(mq::tool::exit_code_help());
  mq::tool::ContextSettings context_settings;
  uint64_t cols = 4096, group = 128;
  mq::tool::add_context_options(app, &context_settings, false);
  app.add_option("--cols", cols, "row length (K) of the shape asked about")->capture_default_str();
  app.add_option("--group-size,--group", group, "group size of the shape asked about")
      ->capture_default_str();
  int exit_code = 0;
  if (!mq::tool::parse_command_line(app, argc, argv, &exit_code)) return exit_code;

  uint32_t count = 0;
  mq_status status = mq_isa_list(nullptr, 0, &count);
  std::vector<mq_isa> isas(count);
  if (status == MQ_OK) status = mq_isa_list(isas.data(), count, &count);
  if (status != MQ_OK) return mq::tool::fail(kCommand, status);
  std::printf("ISA levels this CPU runs:");
  for (const mq_isa i : isas) std::printf(" %s", mq::tool::isa_name(i));
  std::printf("\n");

  mq::tool::ContextPtr context;
  exit_code = mq::tool::create_context(kCommand, context_settings, &context);
  if (exit_code != mq::tool::kExitOk) return exit_code;
  mq_isa active = MQ_ISA_AUTO;
  mq_context_get_isa(context.get(), &active);
  std::printf("active level: %s (MONOQUANT_ISA or --isa caps it)\n", mq::tool::isa_name(active));
  std::printf("kernel per family for K = %llu, group = %llu:\n",
              static_cast<unsigned long long>(cols), static_cast<unsigned long long>(group));
  const std::pair<mq_kernel_family, const char*> families[] = {
      {MQ_KERNEL_GROUP_REDUCE, "group_reduce"},
      {MQ_KERNEL_QUANTIZE_INT4, "quantize_int4"},
      {MQ_KERNEL_QUANTIZE_INT8, "quantize_int8"},
      {MQ_KERNEL_PACK, "pack"},
      {MQ_KERNEL_UNPACK, "unpack"},
      {MQ_KERNEL_DEQUANTIZE, "dequantize"},
      {MQ_KERNEL_GEMV, "gemv"},
      {MQ_KERNEL_SQNR, "sqnr"},
      {MQ_KERNEL_OBSERVE, "observe"}};
  for (const auto& [family, name] : families) {
    const char* kernel = nullptr;
    status = mq_context_kernel_name(context.get(), family, cols, group, &kernel);
    if (status != MQ_OK) return mq::tool::fail(kCommand, status);
    std::printf("  %-14s %s\n", name, kernel);
  }
  return mq::tool::kExitOk;
}
