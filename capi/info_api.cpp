// Entry points that describe the library: errors, versions, ISA levels and kernel names.
#include <cstdint>

#include "capi/api_call.h"
#include "capi/checks.h"
#include "capi/context.h"
#include "capi/error.h"
#include "capi/kernel_select.h"
#include "common/isa.h"

using mq::capi::api_call;
using mq::capi::check_not_null;
using mq::capi::fail;
namespace k = mq::kernels;

extern "C" {

mq_status mq_last_error_message(const char** message) {
  // Not through api_call: reading the message must not change the entry-point name of the next one.
  if (message == nullptr) return MQ_ERR_NULL_POINTER;
  *message = mq::capi::last_error_message();
  return MQ_OK;
}

mq_status mq_status_name(mq_status status, const char** name) {
  return api_call("mq_status_name", [&]() -> mq_status {
    MQ_RETURN_IF_ERROR(check_not_null(name, "name"));
    *name = mq::capi::status_name(status);
    return MQ_OK;
  });
}

mq_status mq_get_version(uint32_t* major, uint32_t* minor, uint32_t* patch) {
  return api_call("mq_get_version", [&]() -> mq_status {
    MQ_RETURN_IF_ERROR(check_not_null(major, "major"));
    MQ_RETURN_IF_ERROR(check_not_null(minor, "minor"));
    MQ_RETURN_IF_ERROR(check_not_null(patch, "patch"));
    *major = MQ_VERSION_MAJOR;
    *minor = MQ_VERSION_MINOR;
    *patch = MQ_VERSION_PATCH;
    return MQ_OK;
  });
}

mq_status mq_get_abi_version(uint32_t* abi_version) {
  return api_call("mq_get_abi_version", [&]() -> mq_status {
    MQ_RETURN_IF_ERROR(check_not_null(abi_version, "abi_version"));
    *abi_version = MQ_ABI_VERSION;
    return MQ_OK;
  });
}

mq_status mq_isa_name(mq_isa isa, const char** name) {
  return api_call("mq_isa_name", [&]() -> mq_status {
    MQ_RETURN_IF_ERROR(check_not_null(name, "name"));
    if (isa == MQ_ISA_AUTO) {
      *name = "auto";
      return MQ_OK;
    }
    const auto value = static_cast<uint32_t>(isa);
    if (value < k::kIsaFirst || value > k::kIsaLast) {
      return fail(MQ_ERR_INVALID_ARGUMENT, "ISA value %u is not a known ISA level", value);
    }
    *name = k::isa_name(static_cast<k::Isa>(value));
    return MQ_OK;
  });
}

mq_status mq_isa_supported(mq_isa isa, int32_t* supported) {
  return api_call("mq_isa_supported", [&]() -> mq_status {
    MQ_RETURN_IF_ERROR(check_not_null(supported, "supported"));
    const auto value = static_cast<uint32_t>(isa);
    if (value < k::kIsaFirst || value > k::kIsaLast) {
      return fail(MQ_ERR_INVALID_ARGUMENT, "ISA value %u is not a known ISA level", value);
    }
    *supported = k::isa_runnable(static_cast<k::Isa>(value)) ? 1 : 0;
    return MQ_OK;
  });
}

mq_status mq_isa_list(mq_isa* isas, uint32_t capacity, uint32_t* count) {
  return api_call("mq_isa_list", [&]() -> mq_status {
    MQ_RETURN_IF_ERROR(check_not_null(count, "count"));
    if (capacity > 0) MQ_RETURN_IF_ERROR(check_not_null(isas, "isas"));
    uint32_t n = 0;
    for (uint32_t v = k::kIsaFirst; v <= k::kIsaLast; ++v) {
      if (!k::isa_runnable(static_cast<k::Isa>(v))) continue;
      if (n < capacity) isas[n] = static_cast<mq_isa>(v);
      ++n;
    }
    *count = n;
    return MQ_OK;
  });
}

mq_status mq_context_kernel_name(const mq_context* context, mq_kernel_family family, uint64_t cols,
                                 uint64_t group_size, const char** name) {
  return api_call("mq_context_kernel_name", [&]() -> mq_status {
    MQ_RETURN_IF_ERROR(check_not_null(name, "name"));
    const mq_context* c = nullptr;
    MQ_RETURN_IF_ERROR(mq::capi::resolve_context(context, &c));
    if (cols == 0) cols = 4096;
    if (group_size == 0) group_size = 128;
    mq::capi::MatrixShape shape{};
    MQ_RETURN_IF_ERROR(mq::capi::check_matrix_shape(1, cols, group_size, &shape));
    return mq::capi::kernel_name(*c, family, shape, name);
  });
}

}  // extern "C"
