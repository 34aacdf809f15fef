// mq_context_* entry points and the process default context.
#include "capi/context.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <thread>

#include "capi/api_call.h"
#include "capi/checks.h"
#include "capi/error.h"
#include "capi/options.h"

namespace mq::capi {
namespace {

constexpr uint32_t kMaxThreads = 1024;

// MONOQUANT_ISA, read once per process. An unknown or unrunnable value is remembered as a failure
// that every call on the default context (and every context created with MQ_ISA_AUTO) reports,
// rather than silently ignored: a debugging override that does nothing is worse than an error.
struct EnvIsa {
  kernels::Isa isa = kernels::Isa::scalar;
  bool ok = true;
  char message[256] = "";
};

EnvIsa read_env_isa() {
  EnvIsa result;
  // Read once, under the thread-safe initialisation of env_isa()'s static.
  const char* value = std::getenv("MONOQUANT_ISA");  // NOLINT(concurrency-mt-unsafe)
  if (value == nullptr || value[0] == '\0' || std::strcmp(value, "auto") == 0) {
    result.isa = kernels::best_runnable_isa();
    return result;
  }
  kernels::Isa isa{};
  if (!kernels::isa_from_name(value, &isa)) {
    result.ok = false;
    std::snprintf(
        result.message, sizeof(result.message),
        "MONOQUANT_ISA='%.64s' is not an ISA name (scalar, avx2, avx512, avx512vnni, neon, "
        "neon-dotprod, neon-i8mm, auto)",
        value);
  } else if (!kernels::isa_runnable(isa)) {
    result.ok = false;
    std::snprintf(result.message, sizeof(result.message),
                  "MONOQUANT_ISA='%s' cannot run on this CPU (best available: %s)", value,
                  kernels::isa_name(kernels::best_runnable_isa()));
  } else {
    result.isa = isa;
  }
  return result;
}

const EnvIsa& env_isa() {
  static const EnvIsa env = read_env_isa();
  return env;
}

const mq_context& default_context() {
  // Never destroyed: the default context owns no threads, and a destructor could run after a host's
  // static destructors still calling into the library.
  static const mq_context* const context = [] {
    auto* c = new mq_context();
    c->isa_cap = env_isa().isa;
    return c;
  }();
  return *context;
}

mq_context_options default_options() {
  mq_context_options o{};
  o.struct_size = sizeof(mq_context_options);
  o.isa = MQ_ISA_AUTO;
  o.log_level = MQ_LOG_DEBUG;
  return o;
}

}  // namespace

mq_status default_isa(kernels::Isa* isa) {
  const EnvIsa& env = env_isa();
  if (!env.ok) return fail(MQ_ERR_UNSUPPORTED, "%s", env.message);
  *isa = env.isa;
  return MQ_OK;
}

mq_status runnable_isa(mq_isa isa, kernels::Isa* out) {
  const auto value = static_cast<uint32_t>(isa);
  if (value < kernels::kIsaFirst || value > kernels::kIsaLast) {
    return fail(MQ_ERR_UNSUPPORTED, "ISA value %u is not a known ISA level", value);
  }
  const auto candidate = static_cast<kernels::Isa>(value);
  if (!kernels::isa_runnable(candidate)) {
    return fail(MQ_ERR_UNSUPPORTED, "ISA '%s' cannot run on this CPU (best available: %s)",
                kernels::isa_name(candidate), kernels::isa_name(kernels::best_runnable_isa()));
  }
  *out = candidate;
  return MQ_OK;
}

mq_status resolve_context(const mq_context* context, const mq_context** resolved) {
  if (context != nullptr) {
    *resolved = context;
    return MQ_OK;
  }
  kernels::Isa unused{};
  MQ_RETURN_IF_ERROR(default_isa(&unused));
  *resolved = &default_context();
  return MQ_OK;
}

void log_message(const mq_context& context, mq_log_level level, const char* message) {
  if (context.log_fn != nullptr && level >= context.log_level) {
    context.log_fn(context.log_user, level, message);
  }
}

}  // namespace mq::capi

using mq::capi::api_call;
using mq::capi::default_options;
using mq::capi::fail;
using mq::capi::kMaxThreads;

extern "C" {

mq_status mq_context_create(const mq_context_options* options, mq_context** context) {
  return api_call("mq_context_create", [&]() -> mq_status {
    MQ_RETURN_IF_ERROR(mq::capi::check_not_null(context, "context"));
    mq_context_options o = default_options();
    if (options != nullptr) MQ_RETURN_IF_ERROR(mq::capi::read_options(*options, &o));
    if (o.log_level < MQ_LOG_DEBUG || o.log_level > MQ_LOG_ERROR) {
      return fail(MQ_ERR_INVALID_ARGUMENT, "log_level %d is not a mq_log_level",
                  static_cast<int>(o.log_level));
    }
    if ((o.alloc_fn == nullptr) != (o.free_fn == nullptr)) {
      return fail(MQ_ERR_INVALID_ARGUMENT, "alloc_fn and free_fn must be given together");
    }
    if (o.num_threads > kMaxThreads) {
      return fail(MQ_ERR_INVALID_ARGUMENT, "num_threads %u exceeds %u", o.num_threads, kMaxThreads);
    }
    if (o.executor_threads > kMaxThreads) {
      return fail(MQ_ERR_INVALID_ARGUMENT, "executor_threads %u exceeds %u", o.executor_threads,
                  kMaxThreads);
    }
    if (o.reserved0 != 0) return fail(MQ_ERR_INVALID_ARGUMENT, "reserved0 must be 0");
    mq::kernels::Isa isa{};
    if (o.isa == MQ_ISA_AUTO) {
      MQ_RETURN_IF_ERROR(mq::capi::default_isa(&isa));
    } else {
      MQ_RETURN_IF_ERROR(mq::capi::runnable_isa(o.isa, &isa));
    }

    mq::capi::Allocator allocator{o.alloc_fn, o.free_fn, o.alloc_user};
    void* memory = allocator.allocate(sizeof(mq_context), alignof(mq_context));
    if (memory == nullptr) return fail(MQ_ERR_OUT_OF_MEMORY, "cannot allocate the context");
    auto* c = new (memory) mq_context();
    c->allocator = allocator;
    c->isa_cap = isa;
    c->log_fn = o.log_fn;
    c->log_user = o.log_user;
    c->log_level = o.log_level;
    if (o.parallel_for_fn != nullptr) {
      c->parallel_for_fn = o.parallel_for_fn;
      c->executor_user = o.executor_user;
      c->threads = o.executor_threads == 0 ? 1 : o.executor_threads;
    } else {
      uint32_t threads = o.num_threads;
      if (threads == 0) threads = std::thread::hardware_concurrency();
      if (threads == 0) threads = 1;
      if (threads > kMaxThreads) threads = kMaxThreads;
      c->threads = threads;
      if (threads > 1) {
        try {
          c->pool = std::make_unique<mq::capi::ThreadPool>(threads);
        } catch (...) {
          c->~mq_context();
          allocator.release(memory);
          return fail(MQ_ERR_OUT_OF_MEMORY, "cannot start %u threads", threads);
        }
      }
    }
    *context = c;
    return MQ_OK;
  });
}

mq_status mq_context_destroy(mq_context* context) {
  return api_call("mq_context_destroy", [&]() -> mq_status {
    if (context == nullptr) return MQ_OK;
    const mq::capi::Allocator allocator = context->allocator;
    context->~mq_context();
    allocator.release(context);
    return MQ_OK;
  });
}

mq_status mq_context_set_isa(mq_context* context, mq_isa isa) {
  return api_call("mq_context_set_isa", [&]() -> mq_status {
    MQ_RETURN_IF_ERROR(mq::capi::check_not_null(context, "context"));
    mq::kernels::Isa resolved{};
    if (isa == MQ_ISA_AUTO) {
      MQ_RETURN_IF_ERROR(mq::capi::default_isa(&resolved));
    } else {
      MQ_RETURN_IF_ERROR(mq::capi::runnable_isa(isa, &resolved));
    }
    context->isa_cap = resolved;
    return MQ_OK;
  });
}

mq_status mq_context_get_isa(const mq_context* context, mq_isa* isa) {
  return api_call("mq_context_get_isa", [&]() -> mq_status {
    MQ_RETURN_IF_ERROR(mq::capi::check_not_null(isa, "isa"));
    const mq_context* c = nullptr;
    MQ_RETURN_IF_ERROR(mq::capi::resolve_context(context, &c));
    *isa = static_cast<mq_isa>(c->isa_cap);
    return MQ_OK;
  });
}

}  // extern "C"
