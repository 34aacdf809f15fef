// The quantize family's kernel list: the one place that dispatch, tests and benchmarks read. A
// variant is listed when its file kernels/quantize/<isa>.cpp exists; the build defines
// MQ_HAVE_QUANTIZE_<ISA> for it.
#include "quantize/quantize.h"

namespace mq::kernels {

extern const QuantizeKernel quantize_scalar;
extern const QuantizeKernel quantize_avx2;
extern const QuantizeKernel quantize_avx512;
extern const QuantizeKernel quantize_avx512vnni;
extern const QuantizeKernel quantize_neon;
extern const QuantizeKernel quantize_neon_dotprod;
extern const QuantizeKernel quantize_neon_i8mm;

KernelList<QuantizeKernel> quantize_kernels() {
  // Lowest level first: select_kernel walks down from the end.
  static const QuantizeKernel* const kList[] = {
      &quantize_scalar,
#ifdef MQ_HAVE_QUANTIZE_AVX2
      &quantize_avx2,
#endif
#ifdef MQ_HAVE_QUANTIZE_AVX512
      &quantize_avx512,
#endif
#ifdef MQ_HAVE_QUANTIZE_AVX512VNNI
      &quantize_avx512vnni,
#endif
#ifdef MQ_HAVE_QUANTIZE_NEON
      &quantize_neon,
#endif
#ifdef MQ_HAVE_QUANTIZE_NEON_DOTPROD
      &quantize_neon_dotprod,
#endif
#ifdef MQ_HAVE_QUANTIZE_NEON_I8MM
      &quantize_neon_i8mm,
#endif
  };
  return {kList, sizeof(kList) / sizeof(kList[0])};
}

}  // namespace mq::kernels
