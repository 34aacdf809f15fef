// mq_gemv and mq_gemm on packed weights.
#include <cstdint>
#include <cstring>

#include "capi/api_call.h"
#include "capi/checks.h"
#include "capi/context.h"
#include "capi/kernel_select.h"
#include "capi/packed_weights.h"
#include "capi/parallel.h"

using mq::capi::api_call;
using mq::capi::check_len;
using mq::capi::check_not_null;
using mq::capi::fail;
namespace k = mq::kernels;

namespace {

// Activation workspaces up to this size live on the caller's stack: a small GEMV then allocates
// nothing.
constexpr size_t kStackWorkspaceBytes = 4096;

bool overlaps(const void* a, size_t a_bytes, const void* b, size_t b_bytes) {
  const auto pa = reinterpret_cast<uintptr_t>(a);
  const auto pb = reinterpret_cast<uintptr_t>(b);
  return pa < pb + b_bytes && pb < pa + a_bytes;
}

mq_status check_finite(const mq_context& c, const float* v, size_t n, size_t cols,
                       const char* name) {
  size_t bad = 0;
  if (!mq::capi::select_reduce(c, n, n).all_finite(v, n, &bad)) {
    return fail(MQ_ERR_NON_FINITE, "%s[%zu][%zu] is %g; inputs must be finite", name, bad / cols,
                bad % cols, static_cast<double>(v[bad]));
  }
  return MQ_OK;
}

mq_status run_gemm(mq_context* context, const mq_packed_weights* packed, mq_compute_mode mode,
                   const float* x, uint64_t x_len, uint64_t batch, const float* bias,
                   uint64_t bias_len, float* y, uint64_t y_len) {
  const mq_context* c = nullptr;
  MQ_RETURN_IF_ERROR(mq::capi::resolve_context(context, &c));
  MQ_RETURN_IF_ERROR(check_not_null(packed, "packed"));
  MQ_RETURN_IF_ERROR(check_not_null(x, "x"));
  MQ_RETURN_IF_ERROR(check_not_null(y, "y"));
  if (mode != MQ_COMPUTE_F32 && mode != MQ_COMPUTE_INT8) {
    return fail(MQ_ERR_INVALID_ARGUMENT, "mode %d is not MQ_COMPUTE_F32 or MQ_COMPUTE_INT8",
                static_cast<int>(mode));
  }
  const k::GemvShape& s = packed->shape;
  if (batch == 0) return fail(MQ_ERR_INVALID_SHAPE, "batch must be >= 1");
  // x and y hold batch * cols and batch * rows floats; bound batch so those products cannot wrap.
  const uint64_t max_floats = static_cast<uint64_t>(PTRDIFF_MAX) / sizeof(float);
  const size_t widest = s.rows > s.cols ? s.rows : s.cols;
  if (batch > max_floats / widest) {
    return fail(MQ_ERR_INVALID_SHAPE, "batch %llu x %zu overflows the address space",
                static_cast<unsigned long long>(batch), widest);
  }
  const auto b = static_cast<size_t>(batch);
  MQ_RETURN_IF_ERROR(check_len(x_len, b * s.cols, "x"));
  MQ_RETURN_IF_ERROR(check_len(y_len, b * s.rows, "y"));
  if (bias != nullptr) {
    MQ_RETURN_IF_ERROR(check_len(bias_len, s.rows, "bias"));
  } else if (bias_len != 0) {
    return fail(MQ_ERR_INVALID_ARGUMENT, "bias is NULL but bias_len is %llu",
                static_cast<unsigned long long>(bias_len));
  }
  const size_t y_bytes = b * s.rows * sizeof(float);
  if (overlaps(y, y_bytes, x, b * s.cols * sizeof(float)) ||
      (bias != nullptr && overlaps(y, y_bytes, bias, s.rows * sizeof(float)))) {
    return fail(MQ_ERR_INVALID_ARGUMENT, "y overlaps x or bias");
  }
  MQ_RETURN_IF_ERROR(check_finite(*c, x, b * s.cols, s.cols, "x"));
  if (bias != nullptr) MQ_RETURN_IF_ERROR(check_finite(*c, bias, s.rows, s.rows, "bias"));

  const k::GemvKernel& kernel = *packed->kernel;
  // A row's work for the split (parallel.h): its packed bytes, times 3 in the F32 mode (about 3.3x
  // the INT8 mode's time per byte from cache: 17.7 against 5.1 us on 1024 x 1024) and times the
  // batch (each vector is another pass of compute over the same bytes; capped, since past a few
  // vectors every split pays, and so that the product stays far from overflowing).
  constexpr size_t kBatchCap = 64;
  const size_t work_per_row = (packed->bytes / s.rows + 1) * (mode == MQ_COMPUTE_F32 ? 3 : 1) *
                              (b < kBatchCap ? b : kBatchCap);
  mq_status run = MQ_OK;
  if (mode == MQ_COMPUTE_F32) {
    run = mq::capi::parallel_rows(*c, s.rows, kernel.row_tile, work_per_row,
                                  [&](size_t begin, size_t end) {
                                    kernel.gemm_f32(s, packed->data, x, b, bias, y, begin, end);
                                  });
  } else {
    const size_t act_bytes = kernel.act_bytes(s, b);
    alignas(k::kGemvBufferAlignment) unsigned char stack_workspace[kStackWorkspaceBytes];
    mq::capi::ScopedBuffer heap_workspace(
        c->allocator, act_bytes > kStackWorkspaceBytes ? act_bytes : 0, k::kGemvBufferAlignment);
    void* act = act_bytes > kStackWorkspaceBytes ? heap_workspace.get() : stack_workspace;
    if (act == nullptr) {
      return fail(MQ_ERR_OUT_OF_MEMORY, "cannot allocate %zu bytes of activation workspace",
                  act_bytes);
    }
    kernel.quantize_act(s, x, b, act);
    run = mq::capi::parallel_rows(*c, s.rows, kernel.row_tile, work_per_row,
                                  [&](size_t begin, size_t end) {
                                    kernel.gemm_int8(s, packed->data, act, b, bias, y, begin, end);
                                  });
  }
  if (run != MQ_OK) mq::capi::zero_fill(y, y_bytes);
  return run;
}

}  // namespace

extern "C" {

mq_status mq_gemv(mq_context* context, const mq_packed_weights* packed, mq_compute_mode mode,
                  const float* x, uint64_t x_len, const float* bias, uint64_t bias_len, float* y,
                  uint64_t y_len) {
  return api_call("mq_gemv", [&]() -> mq_status {
    return run_gemm(context, packed, mode, x, x_len, 1, bias, bias_len, y, y_len);
  });
}

mq_status mq_gemm(mq_context* context, const mq_packed_weights* packed, mq_compute_mode mode,
                  const float* x, uint64_t x_len, uint64_t batch, const float* bias,
                  uint64_t bias_len, float* y, uint64_t y_len) {
  return api_call("mq_gemm", [&]() -> mq_status {
    return run_gemm(context, packed, mode, x, x_len, batch, bias, bias_len, y, y_len);
  });
}

}  // extern "C"
