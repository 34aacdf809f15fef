// Defines a family's kernel list, the one place that dispatch, tests and benchmarks read: the
// scalar reference first, then every variant this build compiled, lowest ISA level first
// (select_kernel walks down from the end). The build writes <family>_variants.h with the variants
// it found (one file kernels/<family>/<isa>.cpp each), so adding a variant is adding its file.
//
//   #include "reduce/reduce.h"
//   #include "reduce_variants.h"
//   MQ_DEFINE_KERNEL_LIST(ReduceKernel, reduce, MQ_REDUCE_VARIANTS)
//
// defines KernelList<ReduceKernel> reduce_kernels() over reduce_scalar, reduce_avx2, ...
#ifndef MONOQUANT_KERNELS_COMMON_KERNEL_LIST_H
#define MONOQUANT_KERNELS_COMMON_KERNEL_LIST_H

#include "common/select.h"

#define MQ_KERNEL_LIST_NAME_(family, isa) family##_##isa
#define MQ_KERNEL_LIST_DECLARE_(Type, family, isa) extern const Type family##_##isa;
#define MQ_KERNEL_LIST_ENTRY_(Type, family, isa) , &family##_##isa

#define MQ_DEFINE_KERNEL_LIST(Type, family, VARIANTS)                                       \
  namespace mq::kernels {                                                                   \
  extern const Type MQ_KERNEL_LIST_NAME_(family, scalar);                                   \
  VARIANTS(MQ_KERNEL_LIST_DECLARE_, Type, family)                                           \
  KernelList<Type> MQ_KERNEL_LIST_NAME_(family, kernels)() {                                \
    static const Type* const kList[] = {&MQ_KERNEL_LIST_NAME_(family, scalar)               \
                                            VARIANTS(MQ_KERNEL_LIST_ENTRY_, Type, family)}; \
    return {kList, sizeof(kList) / sizeof(kList[0])};                                       \
  }                                                                                         \
  }

#endif
