// Kernel family "observe": running per-channel statistics of activation batches, the state of a
// calibration observer (mq_observer).
//
// The state of C channels is three float arrays: mins, maxs and absmaxs [C], starting at +inf, -inf
// and 0. Every variant updates them with exactly these selections, in row order, per channel:
//   mins[c]    = v < mins[c] ? v : mins[c]
//   maxs[c]    = v > maxs[c] ? v : maxs[c]
//   absmaxs[c] = |v| > absmaxs[c] ? |v| : absmaxs[c]
// (the x86 MINPS / MAXPS semantics with v as the first operand; NEON's FMIN / FMAX order -0 below
// +0 and must not be used directly). Selections are exact, so every variant's state is
// bit-identical to the scalar reference, including the sign of a zero.
#ifndef MONOQUANT_KERNELS_OBSERVE_OBSERVE_H
#define MONOQUANT_KERNELS_OBSERVE_OBSERVE_H

#include <cstddef>

#include "common/isa.h"
#include "common/select.h"

namespace mq::kernels {

struct ObserveKernel {
  Isa isa;
  const char* name;
  // Whether the variant handles this channel count (the scalar reference handles all).
  bool (*supports)(size_t channels);
  // Updates mins / maxs / absmaxs [channels] with `rows` rows of x; row r is the `channels` floats
  // at x + r * stride (stride >= channels, so a caller can hand a column slab of a wider batch).
  // Returns false when x holds an inf or NaN and sets *bad_index to r * stride + c of the first one
  // in row-major order; the state is then partially updated (callers update a scratch copy).
  bool (*update)(const float* x, size_t rows, size_t stride, size_t channels, float* mins,
                 float* maxs, float* absmaxs, size_t* bad_index);
  // Merges another state into this one, channel by channel, with the same selections (src as the
  // first operand): the result equals observing the batches of `src` after those of the state.
  void (*merge)(size_t channels, const float* src_mins, const float* src_maxs,
                const float* src_absmaxs, float* mins, float* maxs, float* absmaxs);
};

KernelList<ObserveKernel> observe_kernels();

}  // namespace mq::kernels

#endif
