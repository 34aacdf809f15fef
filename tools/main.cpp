// The monoquant command-line tool: `monoquant <command> [options]`, `monoquant <command> --help`.
#include <cstdio>
#include <cstring>
#include <exception>
#include <new>

#include "commands.h"
#include "exit_codes.h"
#include "monoquant/monoquant.h"

namespace {

struct Command {
  const char* name;
  int (*run)(int argc, char** argv);
  const char* summary;
};

constexpr Command kCommands[] = {
    {"demo", run_demo_command,
     "quantize a built-in checkpoint of real trained matrices, reload it and run GEMVs"},
    {"quantize", run_quantize_command, "quantize a safetensors checkpoint into a quantized file"},
    {"inspect", run_inspect_command, "show a safetensors file's tensors, metadata and stored plan"},
    {"plan", run_plan_command, "dry run of the scheduler: what each layer would become, and why"},
    {"bench", run_bench_command, "GEMV speed against this machine's measured read bandwidth"},
    {"cpu", run_cpu_command, "show the ISA levels this CPU runs and the kernel each family uses"},
};

int usage(std::FILE* out) {
  uint32_t major = 0, minor = 0, patch = 0;
  mq_get_version(&major, &minor, &patch);
  std::fprintf(out,
               "monoquant %u.%u.%u: group-wise INT4 quantization kernels\n\nusage: monoquant "
               "<command> [options]\n\n",
               major, minor, patch);
  for (const Command& c : kCommands) std::fprintf(out, "  %-10s %s\n", c.name, c.summary);
  std::fprintf(out, "\n`monoquant <command> --help` describes a command's options.\n%s\n",
               mq::tool::exit_code_help());
  return out == stdout ? mq::tool::kExitOk : mq::tool::kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage(stderr);
  if (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) return usage(stdout);
  for (const Command& c : kCommands) {
    if (std::strcmp(argv[1], c.name) != 0) continue;
    // The library reports through statuses; the tool's own allocations (a model's fp32 weights,
    // the bench's copies) can still throw, and that deserves a message rather than an abort.
    try {
      return c.run(argc - 1, argv + 1);
    } catch (const std::bad_alloc&) {
      std::fprintf(stderr, "monoquant %s: out of memory\n", c.name);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "monoquant %s: %s\n", c.name, e.what());
    }
    return mq::tool::kExitFailure;
  }
  std::fprintf(stderr, "monoquant: unknown command '%s'\n\n", argv[1]);
  return usage(stderr);
}
