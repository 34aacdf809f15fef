// mq_observer_*: calibration observers, running per-channel min / max / absmax of activations.
//
// An update runs the observe kernel on a scratch copy of the state, with the channels split across
// the context's threads (each task owns a column slab of every row, so no merge is needed and the
// result is the same for any split); the copy becomes the state only when the whole batch was
// finite.
#include <cmath>
#include <cstdint>
#include <cstring>

#include "capi/api_call.h"
#include "capi/checks.h"
#include "capi/context.h"
#include "capi/first_error.h"
#include "capi/options.h"
#include "capi/parallel.h"
#include "capi/scheduler/scheduler.h"

using mq::capi::api_call;
using mq::capi::check_len;
using mq::capi::check_not_null;
using mq::capi::fail;
namespace sched = mq::capi::sched;

namespace {

// Channel slabs start at multiples of this (a cache line of floats, and a whole SIMD strip).
constexpr size_t kChannelTile = 16;

void reset_state(mq_observer* o) {
  o->current = 0;
  float* mins = o->mins(0);
  float* maxs = o->maxs(0);
  float* absmaxs = o->absmaxs(0);
  for (size_t c = 0; c < o->channels; ++c) {
    mins[c] = INFINITY;
    maxs[c] = -INFINITY;
    absmaxs[c] = 0.0F;
  }
  o->samples = 0;
  o->rows = 0;
  o->batches = 0;
}

mq_status check_count(uint64_t have, uint64_t add, const char* what) {
  if (add > UINT64_MAX - have) {
    return fail(MQ_ERR_INVALID_ARGUMENT, "the observer's %s count would overflow 64 bits", what);
  }
  return MQ_OK;
}

}  // namespace

extern "C" {

mq_status mq_observer_create(mq_context* context, uint64_t channels, mq_observer** observer) {
  return api_call("mq_observer_create", [&]() -> mq_status {
    const mq_context* c = nullptr;
    MQ_RETURN_IF_ERROR(mq::capi::resolve_context(context, &c));
    MQ_RETURN_IF_ERROR(check_not_null(observer, "observer"));
    if (channels == 0) return fail(MQ_ERR_INVALID_SHAPE, "channels must be >= 1");
    if (channels > static_cast<uint64_t>(PTRDIFF_MAX) / (6 * sizeof(float))) {
      return fail(MQ_ERR_INVALID_SHAPE, "%llu channels overflow the address space",
                  static_cast<unsigned long long>(channels));
    }
    const auto n = static_cast<size_t>(channels);
    sched::HostBuffer storage(c->allocator, 6 * n * sizeof(float), 64);
    mq_observer* o = sched::new_handle<mq_observer>(c->allocator, c->allocator);
    o->merge_kernel = &sched::select_observe(*c, n);
    o->channels = n;
    o->storage = std::move(storage);
    reset_state(o);
    *observer = o;
    return MQ_OK;
  });
}

mq_status mq_observer_destroy(mq_observer* observer) {
  return api_call("mq_observer_destroy", [&]() -> mq_status {
    sched::delete_handle(observer);
    return MQ_OK;
  });
}

mq_status mq_observer_observe(mq_context* context, mq_observer* observer, const float* x,
                              uint64_t x_len, uint64_t rows, uint64_t channels, uint64_t samples) {
  return api_call("mq_observer_observe", [&]() -> mq_status {
    const mq_context* c = nullptr;
    MQ_RETURN_IF_ERROR(mq::capi::resolve_context(context, &c));
    MQ_RETURN_IF_ERROR(check_not_null(observer, "observer"));
    MQ_RETURN_IF_ERROR(check_not_null(x, "x"));
    mq::capi::MatrixShape s{};
    MQ_RETURN_IF_ERROR(mq::capi::check_matrix_shape(rows, channels, channels, &s));
    if (s.cols != observer->channels) {
      return fail(MQ_ERR_INVALID_SHAPE, "channels is %llu but the observer has %zu",
                  static_cast<unsigned long long>(channels), observer->channels);
    }
    MQ_RETURN_IF_ERROR(check_len(x_len, s.elements, "x"));
    const uint64_t add = samples == 0 ? rows : samples;
    MQ_RETURN_IF_ERROR(check_count(observer->samples, add, "sample"));
    MQ_RETURN_IF_ERROR(check_count(observer->rows, rows, "row"));

    mq_observer& o = *observer;
    const size_t from = o.current;
    const size_t to = 1 - from;
    std::memcpy(o.mins(to), o.mins(from), 3 * o.channels * sizeof(float));
    const mq::kernels::ObserveKernel& kernel = sched::select_observe(*c, o.channels);
    mq::capi::FirstError error;
    const mq_status run = mq::capi::parallel_rows(
        *c, o.channels, kChannelTile, s.rows * sizeof(float), [&](size_t begin, size_t end) {
          size_t bad = 0;
          if (!kernel.update(x + begin, s.rows, s.cols, end - begin, o.mins(to) + begin,
                             o.maxs(to) + begin, o.absmaxs(to) + begin, &bad)) {
            error.record(begin + bad, 0);
          }
        });
    MQ_RETURN_IF_ERROR(run);
    if (error.failed()) {
      return fail(MQ_ERR_NON_FINITE,
                  "x at row %zu, column %zu is %g; activations must be finite (the observer is "
                  "unchanged)",
                  error.index() / s.cols, error.index() % s.cols,
                  static_cast<double>(x[error.index()]));
    }
    o.current = to;
    o.samples += add;
    o.rows += rows;
    ++o.batches;
    return MQ_OK;
  });
}

mq_status mq_observer_merge(mq_observer* target, const mq_observer* source) {
  return api_call("mq_observer_merge", [&]() -> mq_status {
    MQ_RETURN_IF_ERROR(check_not_null(target, "target"));
    MQ_RETURN_IF_ERROR(check_not_null(source, "source"));
    if (target == source) {
      return fail(MQ_ERR_INVALID_ARGUMENT, "target and source are the same observer");
    }
    if (target->channels != source->channels) {
      return fail(MQ_ERR_INVALID_SHAPE, "target has %zu channels but source has %zu",
                  target->channels, source->channels);
    }
    MQ_RETURN_IF_ERROR(check_count(target->samples, source->samples, "sample"));
    MQ_RETURN_IF_ERROR(check_count(target->rows, source->rows, "row"));
    MQ_RETURN_IF_ERROR(check_count(target->batches, source->batches, "batch"));
    const mq::kernels::ObserveKernel& kernel = *target->merge_kernel;
    const size_t t = target->current;
    const size_t s = source->current;
    kernel.merge(target->channels, source->mins(s), source->maxs(s), source->absmaxs(s),
                 target->mins(t), target->maxs(t), target->absmaxs(t));
    target->samples += source->samples;
    target->rows += source->rows;
    target->batches += source->batches;
    return MQ_OK;
  });
}

mq_status mq_observer_reset(mq_observer* observer) {
  return api_call("mq_observer_reset", [&]() -> mq_status {
    MQ_RETURN_IF_ERROR(check_not_null(observer, "observer"));
    reset_state(observer);
    return MQ_OK;
  });
}

mq_status mq_observer_get_info(const mq_observer* observer, mq_observer_info* info) {
  return api_call("mq_observer_get_info", [&]() -> mq_status {
    MQ_RETURN_IF_ERROR(check_not_null(observer, "observer"));
    MQ_RETURN_IF_ERROR(check_not_null(info, "info"));
    mq_observer_info full{};
    full.struct_size = sizeof(mq_observer_info);
    full.channels = observer->channels;
    full.samples = observer->samples;
    full.rows = observer->rows;
    full.batches = observer->batches;
    return mq::capi::write_struct(full, info);
  });
}

mq_status mq_observer_read(const mq_observer* observer, float* mins, float* maxs, float* absmaxs,
                           uint64_t len) {
  return api_call("mq_observer_read", [&]() -> mq_status {
    MQ_RETURN_IF_ERROR(check_not_null(observer, "observer"));
    if (mins == nullptr && maxs == nullptr && absmaxs == nullptr) {
      return fail(MQ_ERR_NULL_POINTER, "mins, maxs and absmaxs are all NULL; give at least one");
    }
    if (len < observer->channels) {
      return fail(MQ_ERR_BUFFER_TOO_SMALL, "len is %llu but the observer has %zu channels",
                  static_cast<unsigned long long>(len), observer->channels);
    }
    const size_t h = observer->current;
    const size_t bytes = observer->channels * sizeof(float);
    if (mins != nullptr) std::memcpy(mins, observer->mins(h), bytes);
    if (maxs != nullptr) std::memcpy(maxs, observer->maxs(h), bytes);
    if (absmaxs != nullptr) std::memcpy(absmaxs, observer->absmaxs(h), bytes);
    return MQ_OK;
  });
}

}  // extern "C"
