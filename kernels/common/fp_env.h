// Runs kernel code in the default floating-point environment, whatever the caller's thread has set.
//
// The bit-identical guarantee of the quantizers (and the absence of FP traps) holds only for round
// to nearest with ties to even, no flush-to-zero / denormals-are-zero, and all exceptions masked.
// Game engines commonly turn on FTZ/DAZ and some hosts unmask exceptions, so every entry point and
// every worker task holds one of these scopes. It costs a control-register read when the
// environment is already the default, and a write plus a restore otherwise.
#ifndef MONOQUANT_KERNELS_COMMON_FP_ENV_H
#define MONOQUANT_KERNELS_COMMON_FP_ENV_H

#include <cstdint>

namespace mq::kernels {

class DefaultFpEnvScope {
 public:
  DefaultFpEnvScope();
  ~DefaultFpEnvScope();
  DefaultFpEnvScope(const DefaultFpEnvScope&) = delete;
  DefaultFpEnvScope& operator=(const DefaultFpEnvScope&) = delete;

 private:
  uint64_t saved_ = 0;
  bool changed_ = false;
};

}  // namespace mq::kernels

#endif
