// The reduce family's kernel list: the one place that dispatch, tests and benchmarks read. A
// variant is listed when its file kernels/reduce/<isa>.cpp exists; the build defines
// MQ_HAVE_REDUCE_<ISA> for it.
#include "reduce/reduce.h"

namespace mq::kernels {

extern const ReduceKernel reduce_scalar;
extern const ReduceKernel reduce_avx2;
extern const ReduceKernel reduce_avx512;
extern const ReduceKernel reduce_avx512vnni;
extern const ReduceKernel reduce_neon;
extern const ReduceKernel reduce_neon_dotprod;
extern const ReduceKernel reduce_neon_i8mm;

KernelList<ReduceKernel> reduce_kernels() {
  // Lowest level first: select_kernel walks down from the end.
  static const ReduceKernel* const kList[] = {
      &reduce_scalar,
#ifdef MQ_HAVE_REDUCE_AVX2
      &reduce_avx2,
#endif
#ifdef MQ_HAVE_REDUCE_AVX512
      &reduce_avx512,
#endif
#ifdef MQ_HAVE_REDUCE_AVX512VNNI
      &reduce_avx512vnni,
#endif
#ifdef MQ_HAVE_REDUCE_NEON
      &reduce_neon,
#endif
#ifdef MQ_HAVE_REDUCE_NEON_DOTPROD
      &reduce_neon_dotprod,
#endif
#ifdef MQ_HAVE_REDUCE_NEON_I8MM
      &reduce_neon_i8mm,
#endif
  };
  return {kList, sizeof(kList) / sizeof(kList[0])};
}

}  // namespace mq::kernels
