#include "common/fp_env.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <xmmintrin.h>  // _mm_getcsr / _mm_setcsr: SSE, part of the x86-64 baseline
#else
#include <cfenv>
#endif

namespace mq::kernels {

#if defined(__x86_64__) || defined(_M_X64)
// MXCSR: bits 0-5 are sticky exception flags (left to the caller), 7-12 the exception masks, 13-14
// the rounding mode, 6 DAZ and 15 FTZ. The default control state is all masked, round to nearest,
// no DAZ/FTZ.
namespace {
constexpr uint32_t kFlagBits = 0x3F;
constexpr uint32_t kDefaultControl = 0x1F80;
}  // namespace

DefaultFpEnvScope::DefaultFpEnvScope() {
  const uint32_t csr = _mm_getcsr();
  if ((csr & ~kFlagBits) != kDefaultControl) {
    saved_ = csr;
    changed_ = true;
    _mm_setcsr(kDefaultControl | (csr & kFlagBits));
  }
}

DefaultFpEnvScope::~DefaultFpEnvScope() {
  if (changed_) _mm_setcsr(static_cast<uint32_t>(saved_));
}

#elif defined(__aarch64__)
// FPCR: bits 22-23 rounding mode (0 = nearest), 24 FZ, 25 DN, 19 FZ16, 8-12 and 15 trap enables.
// The default is all zero.
DefaultFpEnvScope::DefaultFpEnvScope() {
  uint64_t fpcr = 0;
  __asm__ __volatile__("mrs %0, fpcr" : "=r"(fpcr));
  if (fpcr != 0) {
    saved_ = fpcr;
    changed_ = true;
    const uint64_t zero = 0;
    __asm__ __volatile__("msr fpcr, %0" : : "r"(zero));
  }
}

DefaultFpEnvScope::~DefaultFpEnvScope() {
  if (changed_) __asm__ __volatile__("msr fpcr, %0" : : "r"(saved_));
}

#else
// Other targets: the portable (slower) route through <cfenv>.
DefaultFpEnvScope::DefaultFpEnvScope() {
  if (std::fegetround() != FE_TONEAREST) {
    saved_ = static_cast<uint64_t>(std::fegetround());
    changed_ = true;
    std::fesetround(FE_TONEAREST);
  }
}

DefaultFpEnvScope::~DefaultFpEnvScope() {
  if (changed_) std::fesetround(static_cast<int>(saved_));
}
#endif

}  // namespace mq::kernels
