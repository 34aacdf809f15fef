// The dequantize family's kernel list: the one place that dispatch, tests and benchmarks read. A
// variant is listed when its file kernels/dequantize/<isa>.cpp exists; the build defines
// MQ_HAVE_DEQUANTIZE_<ISA> for it.
#include "dequantize/dequantize.h"

namespace mq::kernels {

extern const DequantizeKernel dequantize_scalar;
extern const DequantizeKernel dequantize_avx2;
extern const DequantizeKernel dequantize_avx512;
extern const DequantizeKernel dequantize_avx512vnni;
extern const DequantizeKernel dequantize_neon;
extern const DequantizeKernel dequantize_neon_dotprod;
extern const DequantizeKernel dequantize_neon_i8mm;

KernelList<DequantizeKernel> dequantize_kernels() {
  // Lowest level first: select_kernel walks down from the end.
  static const DequantizeKernel* const kList[] = {
      &dequantize_scalar,
#ifdef MQ_HAVE_DEQUANTIZE_AVX2
      &dequantize_avx2,
#endif
#ifdef MQ_HAVE_DEQUANTIZE_AVX512
      &dequantize_avx512,
#endif
#ifdef MQ_HAVE_DEQUANTIZE_AVX512VNNI
      &dequantize_avx512vnni,
#endif
#ifdef MQ_HAVE_DEQUANTIZE_NEON
      &dequantize_neon,
#endif
#ifdef MQ_HAVE_DEQUANTIZE_NEON_DOTPROD
      &dequantize_neon_dotprod,
#endif
#ifdef MQ_HAVE_DEQUANTIZE_NEON_I8MM
      &dequantize_neon_i8mm,
#endif
  };
  return {kList, sizeof(kList) / sizeof(kList[0])};
}

}  // namespace mq::kernels
