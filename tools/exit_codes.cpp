#include "exit_codes.h"

#include <cstdio>

namespace mq::tool {

int exit_code_for(mq_status status) {
  switch (status) {
    case MQ_OK: return kExitOk;
    case MQ_ERR_IO: return kExitIo;
    case MQ_ERR_ACCURACY: return kExitAccuracy;
    case MQ_ERR_MALFORMED_FILE:
    case MQ_ERR_UNSUPPORTED:
    case MQ_ERR_NON_FINITE:
    case MQ_ERR_INVALID_ARGUMENT:
    case MQ_ERR_INVALID_SHAPE:
    case MQ_ERR_VALUE_OUT_OF_RANGE: return kExitBadInput;
    default: return kExitFailure;
  }
}

int fail(const char* command, mq_status status) {
  const char* message = "";
  mq_last_error_message(&message);
  if (*message == '\0') mq_status_name(status, &message);
  std::fprintf(stderr, "%s: %s\n", command, message);
  return exit_code_for(status);
}

const char* exit_code_help() {
  return "Exit codes: 0 success, 1 any other failure, 2 bad usage (unknown option, bad value), 3 "
         "bad "
         "input (malformed or unsupported file, non-finite weight, no layers), 4 I/O failure, 5 "
         "accuracy error (--on-accuracy error).";
}

}  // namespace mq::tool
