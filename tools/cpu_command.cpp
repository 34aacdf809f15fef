// `monoquant cpu`: what this CPU runs, and which kernel variant each family picks under the default
// context (or under --isa).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <vector>

#include "commands.h"
#include "tool_util.h"

int run_cpu_command(int argc, char** argv) {
  CLI::App app{"Show the ISA levels this CPU runs and the kernel each family uses",
               "monoquant cpu"};
  std::string isa_arg = "auto";
  uint64_t cols = 4096, group = 128;
  app.add_option("--isa", isa_arg, "cap every family at this level (auto, scalar, avx2, ...)");
  app.add_option("--cols", cols, "row length (K) of the shape asked about");
  app.add_option("--group", group, "group size of the shape asked about");
  CLI11_PARSE(app, argc, argv);

  mq_isa cap = MQ_ISA_AUTO;
  if (!mq::tool::parse_isa(isa_arg, &cap)) {
    std::fprintf(stderr, "monoquant cpu: unknown ISA '%s'\n", isa_arg.c_str());
    return 2;
  }
  uint32_t count = 0;
  if (!mq::tool::ok(mq_isa_list(nullptr, 0, &count), "mq_isa_list")) return 1;
  std::vector<mq_isa> isas(count);
  if (!mq::tool::ok(mq_isa_list(isas.data(), count, &count), "mq_isa_list")) return 1;
  std::printf("ISA levels this CPU runs:");
  for (const mq_isa i : isas) std::printf(" %s", mq::tool::isa_name(i));
  std::printf("\n");

  mq_context_options options{};
  options.struct_size = sizeof(options);
  options.isa = cap;
  options.num_threads = 1;
  mq_context* ctx = nullptr;
  if (!mq::tool::ok(mq_context_create(&options, &ctx), "mq_context_create")) return 1;
  mq_isa active = MQ_ISA_AUTO;
  mq_context_get_isa(ctx, &active);
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
  int status = 0;
  for (const auto& [family, name] : families) {
    const char* kernel = nullptr;
    if (!mq::tool::ok(mq_context_kernel_name(ctx, family, cols, group, &kernel), name)) {
      status = 1;
      continue;
    }
    std::printf("  %-14s %s\n", name, kernel);
  }
  mq_context_destroy(ctx);
  return status;
}
