// Small helpers shared by the tool's subcommands.
#ifndef MONOQUANT_TOOLS_TOOL_UTIL_H
#define MONOQUANT_TOOLS_TOOL_UTIL_H

#include <CLI/CLI.hpp>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "exit_codes.h"
#include "monoquant/monoquant.h"

namespace mq::tool {

// Parses a subcommand's arguments (argv[0] is its name). Returns true when the command should go
// on; otherwise *exit_code is what it returns: 0 after --help, kExitUsage after a parse error
// (CLI11 prints the message either way).
bool parse_command_line(CLI::App& app, int argc, char** argv, int* exit_code);

// Parses an ISA name ("auto", "scalar", "avx2", ...) as mq_isa_name spells it.
bool parse_isa(const std::string& name, mq_isa* isa);

// The library's static names of the enums, "?" for a value it does not know.
const char* isa_name(mq_isa isa);
const char* kind_name(mq_layer_kind kind);
const char* decision_name(mq_decision decision);
const char* rule_name(mq_rule rule);

// Prints a text from one of the library's table functions (mq_plan_format_table,
// mq_report_format_table: size query, then the text) to stdout. Returns the failing status, or
// MQ_OK.
template <class Format>
mq_status print_table(Format format) {
  uint64_t needed = 0;
  mq_status status = format(nullptr, 0, &needed);
  if (status != MQ_OK) return status;
  std::string text(needed, '\0');
  status = format(text.data(), needed, &needed);
  if (status == MQ_OK) std::fputs(text.c_str(), stdout);
  return status;
}

// "1.5 MiB", "12.0 KiB", "17 B": a byte count for people.
std::string format_bytes(uint64_t bytes);

// "[480, 480, 1, 1]"
std::string format_shape(const uint64_t* shape, uint32_t rank);

// rows x cols Student-t (6 degrees of freedom) weights scaled by 1/sqrt(cols), like a trained
// layer's: heavy tails, as real weights have. Deterministic for a seed.
std::vector<float> synthetic_weights(uint64_t rows, uint64_t cols, uint32_t seed);

}  // namespace mq::tool

#endif
