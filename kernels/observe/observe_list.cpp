// The observe family's kernel list: the one place that dispatch, tests and benchmarks read. A
// variant is listed when its file kernels/observe/<isa>.cpp exists; the build defines
// MQ_HAVE_OBSERVE_<ISA> for it.
#include "observe/observe.h"

namespace mq::kernels {

extern const ObserveKernel observe_scalar;
extern const ObserveKernel observe_avx2;
extern const ObserveKernel observe_avx512;
extern const ObserveKernel observe_avx512vnni;
extern const ObserveKernel observe_neon;
extern const ObserveKernel observe_neon_dotprod;
extern const ObserveKernel observe_neon_i8mm;

KernelList<ObserveKernel> observe_kernels() {
  // Lowest level first: select_kernel walks down from the end.
  static const ObserveKernel* const kList[] = {
      &observe_scalar,
#ifdef MQ_HAVE_OBSERVE_AVX2
      &observe_avx2,
#endif
#ifdef MQ_HAVE_OBSERVE_AVX512
      &observe_avx512,
#endif
#ifdef MQ_HAVE_OBSERVE_AVX512VNNI
      &observe_avx512vnni,
#endif
#ifdef MQ_HAVE_OBSERVE_NEON
      &observe_neon,
#endif
#ifdef MQ_HAVE_OBSERVE_NEON_DOTPROD
      &observe_neon_dotprod,
#endif
#ifdef MQ_HAVE_OBSERVE_NEON_I8MM
      &observe_neon_i8mm,
#endif
  };
  return {kList, sizeof(kList) / sizeof(kList[0])};
}

}  // namespace mq::kernels
