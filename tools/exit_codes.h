// The tool's exit codes, one meaning each, and the mapping from a failed library call to one of
// them (docs/cli.md lists them; every command's --help repeats them).
#ifndef MONOQUANT_TOOLS_EXIT_CODES_H
#define MONOQUANT_TOOLS_EXIT_CODES_H

#include "monoquant/monoquant.h"

namespace mq::tool {

enum ExitCode : int {
  kExitOk = 0,
  kExitFailure = 1,   // anything else (out of memory, an executor failure, a library bug)
  kExitUsage = 2,     // bad usage: unknown option, bad value, missing argument
  kExitBadInput = 3,  // the input is not valid: malformed or unsupported file, non-finite weight,
                      // a model with no layers, a plan the library refuses
  kExitIo = 4,        // a file could not be read or written
  kExitAccuracy = 5,  // a run failed its accuracy policy (--on-accuracy error)
};

// The exit code a failed library call maps to.
int exit_code_for(mq_status status);

// Prints "<command>: <the library's message>" to stderr and returns exit_code_for(status).
// `command` is the prefix, e.g. "monoquant quantize".
int fail(const char* command, mq_status status);

// The text of the exit-code table, for the footer of a command's --help.
const char* exit_code_help();

}  // namespace mq::tool

#endif
