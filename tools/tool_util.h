// Small helpers shared by the tool's subcommands.
#ifndef MONOQUANT_TOOLS_TOOL_UTIL_H
#define MONOQUANT_TOOLS_TOOL_UTIL_H

#include <cstdint>
#include <string>
#include <vector>

#include "monoquant/monoquant.h"

namespace mq::tool {

// Prints "monoquant: <what>: <last error message>" to stderr when status is not MQ_OK; returns
// whether it was OK.
bool ok(mq_status status, const char* what);

// Parses an ISA name ("auto", "scalar", "avx2", ...) as mq_isa_name spells it.
bool parse_isa(const std::string& name, mq_isa* isa);

const char* isa_name(mq_isa isa);

// rows x cols Student-t (6 degrees of freedom) weights scaled by 1/sqrt(cols), like a trained
// layer's: heavy tails, as real weights have. Deterministic for a seed.
std::vector<float> synthetic_weights(uint64_t rows, uint64_t cols, uint32_t seed);

}  // namespace mq::tool

#endif
