// The gemv family's kernel list: the one place that dispatch, tests and benchmarks read. A variant
// is listed when its file kernels/gemv/<isa>.cpp exists; the build defines MQ_HAVE_GEMV_<ISA> for
// it.
#include "gemv/gemv.h"

namespace mq::kernels {

extern const GemvKernel gemv_scalar;
extern const GemvKernel gemv_avx2;
extern const GemvKernel gemv_avx512;
extern const GemvKernel gemv_avx512vnni;
extern const GemvKernel gemv_neon;
extern const GemvKernel gemv_neon_dotprod;
extern const GemvKernel gemv_neon_i8mm;

KernelList<GemvKernel> gemv_kernels() {
  // Lowest level first: select_kernel walks down from the end.
  static const GemvKernel* const kList[] = {
      &gemv_scalar,
#ifdef MQ_HAVE_GEMV_AVX2
      &gemv_avx2,
#endif
#ifdef MQ_HAVE_GEMV_AVX512
      &gemv_avx512,
#endif
#ifdef MQ_HAVE_GEMV_AVX512VNNI
      &gemv_avx512vnni,
#endif
#ifdef MQ_HAVE_GEMV_NEON
      &gemv_neon,
#endif
#ifdef MQ_HAVE_GEMV_NEON_DOTPROD
      &gemv_neon_dotprod,
#endif
#ifdef MQ_HAVE_GEMV_NEON_I8MM
      &gemv_neon_i8mm,
#endif
  };
  return {kList, sizeof(kList) / sizeof(kList[0])};
}

}  // namespace mq::kernels
