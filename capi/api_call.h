// The wrapper around the body of every exported function: it names the entry point for error
// messages, runs the body in the default FP environment, and turns any C++ exception into a status,
// because nothing may cross the C boundary as an exception.
#ifndef MONOQUANT_CAPI_API_CALL_H
#define MONOQUANT_CAPI_API_CALL_H

#include <new>

#include "capi/error.h"
#include "common/fp_env.h"
#include "monoquant/monoquant.h"

namespace mq::capi {

template <class Body>
mq_status api_call(const char* entry_point, Body&& body) noexcept {
  set_current_entry_point(entry_point);
  try {
    const kernels::DefaultFpEnvScope fp_env;
    return body();
  } catch (const std::bad_alloc&) {
    return fail(MQ_ERR_OUT_OF_MEMORY, "out of memory");
  } catch (...) {
    return fail(MQ_ERR_INTERNAL, "unexpected internal exception");
  }
}

}  // namespace mq::capi

#endif
