// The options every command that runs kernels shares (--isa, --threads), and the context they make.
#ifndef MONOQUANT_TOOLS_CONTEXT_OPTIONS_H
#define MONOQUANT_TOOLS_CONTEXT_OPTIONS_H

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "handles.h"

namespace mq::tool {

struct ContextSettings {
  std::string isa = "auto";
  uint32_t threads = 1;  // threads of the built-in pool; 0 = one per online CPU
};

// Adds --isa, and --threads when `with_threads`.
void add_context_options(CLI::App& app, ContextSettings* settings, bool with_threads = true);

// Creates the context the settings describe. On failure prints "<command>: ..." and returns the
// exit code (kExitUsage: an ISA that is unknown or that this CPU cannot run is a bad value).
int create_context(const char* command, const ContextSettings& settings, ContextPtr* context);

}  // namespace mq::tool

#endif
