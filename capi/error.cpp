#include "capi/error.h"

#include <cstdarg>
#include <cstddef>
#include <cstdio>

namespace mq::capi {
namespace {

// Plain arrays keep the thread-locals trivially destructible: nothing runs at thread exit, which
// matters for host threads that never return to the library.
constexpr size_t kMessageCapacity = 1024;
thread_local char t_message[kMessageCapacity] = "";
thread_local const char* t_entry_point = "monoquant";

}  // namespace

mq_status fail(mq_status status, const char* format, ...) {
  va_list args;
  va_start(args, format);
  // A message longer than the buffer is truncated, never overflowed; the prefix always fits
  // (entry-point names are short).
  const int prefix = std::snprintf(t_message, kMessageCapacity, "%s: ", t_entry_point);
  const size_t used = prefix > 0 ? static_cast<size_t>(prefix) : 0;
  if (used < kMessageCapacity) {
    // clang-analyzer 14 misreads va_start in a variadic function with a format attribute.
    // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized)
    std::vsnprintf(t_message + used, kMessageCapacity - used, format, args);
  }
  va_end(args);
  return status;
}

const char* last_error_message() { return t_message; }

void set_current_entry_point(const char* name) { t_entry_point = name; }

const char* status_name(mq_status status) {
  switch (status) {
    case MQ_OK: return "MQ_OK";
    case MQ_ERR_INVALID_ARGUMENT: return "MQ_ERR_INVALID_ARGUMENT";
    case MQ_ERR_NULL_POINTER: return "MQ_ERR_NULL_POINTER";
    case MQ_ERR_INVALID_SHAPE: return "MQ_ERR_INVALID_SHAPE";
    case MQ_ERR_BUFFER_TOO_SMALL: return "MQ_ERR_BUFFER_TOO_SMALL";
    case MQ_ERR_NON_FINITE: return "MQ_ERR_NON_FINITE";
    case MQ_ERR_VALUE_OUT_OF_RANGE: return "MQ_ERR_VALUE_OUT_OF_RANGE";
    case MQ_ERR_UNSUPPORTED: return "MQ_ERR_UNSUPPORTED";
    case MQ_ERR_OUT_OF_MEMORY: return "MQ_ERR_OUT_OF_MEMORY";
    case MQ_ERR_CALLBACK_FAILED: return "MQ_ERR_CALLBACK_FAILED";
    case MQ_ERR_ACCURACY: return "MQ_ERR_ACCURACY";
    case MQ_ERR_IO: return "MQ_ERR_IO";
    case MQ_ERR_MALFORMED_FILE: return "MQ_ERR_MALFORMED_FILE";
    case MQ_ERR_INTERNAL: return "MQ_ERR_INTERNAL";
    case MQ_STATUS_MAX_ENUM: break;
  }
  return "MQ_UNKNOWN_STATUS";
}

}  // namespace mq::capi
