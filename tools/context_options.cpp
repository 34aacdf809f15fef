#include "context_options.h"

#include <cstdio>

#include "exit_codes.h"
#include "tool_util.h"

namespace mq::tool {

void add_context_options(CLI::App& app, ContextSettings* settings, bool with_threads) {
  app.add_option(
         "--isa", settings->isa,
         "cap every kernel at this ISA level: auto, scalar, avx2, avx512, avx512vnni, neon, "
         "neon-dotprod, neon-i8mm")
      ->capture_default_str();
  if (with_threads) {
    app.add_option("--threads", settings->threads, "threads of the built-in pool (0 = one per CPU)")
        ->check(CLI::Range(0U, 1024U))
        ->capture_default_str();
  }
}

int create_context(const char* command, const ContextSettings& settings, ContextPtr* context) {
  mq_context_options options{};
  options.struct_size = sizeof(options);
  options.num_threads = settings.threads;
  if (!parse_isa(settings.isa, &options.isa)) {
    std::fprintf(stderr, "%s: --isa: unknown ISA level '%s'\n", command, settings.isa.c_str());
    return kExitUsage;
  }
  mq_context* created = nullptr;
  const mq_status status = mq_context_create(&options, &created);
  if (status != MQ_OK) {
    const int code = fail(command, status);
    return status == MQ_ERR_UNSUPPORTED ? kExitUsage : code;
  }
  context->reset(created);
  return kExitOk;
}

}  // namespace mq::tool
