// The thread-local last-error message, and the helpers every entry point reports failures with.
#ifndef MONOQUANT_CAPI_ERROR_H
#define MONOQUANT_CAPI_ERROR_H

#include "monoquant/monoquant.h"

namespace mq::capi {

// Records "<entry point>: <formatted message>" as this thread's last error and returns `status`.
mq_status fail(mq_status status, const char* format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

// The message of the last failure on this thread ("" when none).
const char* last_error_message();

// The entry point currently running on this thread, used as the message prefix (set by ApiCall).
void set_current_entry_point(const char* name);

const char* status_name(mq_status status);

}  // namespace mq::capi

// Returns from the enclosing function when `expr` (an mq_status) is not MQ_OK.
#define MQ_RETURN_IF_ERROR(expr)                \
  do {                                          \
    const mq_status mq_status_ = (expr);        \
    if (mq_status_ != MQ_OK) return mq_status_; \
  } while (0)

#endif
