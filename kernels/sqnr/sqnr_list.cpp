// The sqnr family's kernel list: the one place that dispatch, tests and benchmarks read. A
// variant is listed when its file kernels/sqnr/<isa>.cpp exists; the build defines
// MQ_HAVE_SQNR_<ISA> for it.
#include "sqnr/sqnr.h"

namespace mq::kernels {

extern const SqnrKernel sqnr_scalar;
extern const SqnrKernel sqnr_avx2;
extern const SqnrKernel sqnr_avx512;
extern const SqnrKernel sqnr_avx512vnni;
extern const SqnrKernel sqnr_neon;
extern const SqnrKernel sqnr_neon_dotprod;
extern const SqnrKernel sqnr_neon_i8mm;

KernelList<SqnrKernel> sqnr_kernels() {
  // Lowest level first: select_kernel walks down from the end.
  static const SqnrKernel* const kList[] = {
      &sqnr_scalar,
#ifdef MQ_HAVE_SQNR_AVX2
      &sqnr_avx2,
#endif
#ifdef MQ_HAVE_SQNR_AVX512
      &sqnr_avx512,
#endif
#ifdef MQ_HAVE_SQNR_AVX512VNNI
      &sqnr_avx512vnni,
#endif
#ifdef MQ_HAVE_SQNR_NEON
      &sqnr_neon,
#endif
#ifdef MQ_HAVE_SQNR_NEON_DOTPROD
      &sqnr_neon_dotprod,
#endif
#ifdef MQ_HAVE_SQNR_NEON_I8MM
      &sqnr_neon_i8mm,
#endif
  };
  return {kList, sizeof(kList) / sizeof(kList[0])};
}

}  // namespace mq::kernels
