// The pack family's kernel list: the one place that dispatch, tests and benchmarks read. A variant
// is listed when its file kernels/pack/<isa>.cpp exists; the build defines MQ_HAVE_PACK_<ISA> for
// it.
#include "pack/pack.h"

namespace mq::kernels {

extern const PackKernel pack_scalar;
extern const PackKernel pack_avx2;
extern const PackKernel pack_avx512;
extern const PackKernel pack_avx512vnni;
extern const PackKernel pack_neon;
extern const PackKernel pack_neon_dotprod;
extern const PackKernel pack_neon_i8mm;

KernelList<PackKernel> pack_kernels() {
  // Lowest level first: select_kernel walks down from the end.
  static const PackKernel* const kList[] = {
      &pack_scalar,
#ifdef MQ_HAVE_PACK_AVX2
      &pack_avx2,
#endif
#ifdef MQ_HAVE_PACK_AVX512
      &pack_avx512,
#endif
#ifdef MQ_HAVE_PACK_AVX512VNNI
      &pack_avx512vnni,
#endif
#ifdef MQ_HAVE_PACK_NEON
      &pack_neon,
#endif
#ifdef MQ_HAVE_PACK_NEON_DOTPROD
      &pack_neon_dotprod,
#endif
#ifdef MQ_HAVE_PACK_NEON_I8MM
      &pack_neon_i8mm,
#endif
  };
  return {kList, sizeof(kList) / sizeof(kList[0])};
}

}  // namespace mq::kernels
