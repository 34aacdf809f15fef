// Picks the kernel variant of a family to run, from the family's kernel list.
#ifndef MONOQUANT_KERNELS_COMMON_SELECT_H
#define MONOQUANT_KERNELS_COMMON_SELECT_H

#include <cstddef>

#include "common/isa.h"

namespace mq::kernels {

// A family's kernel list: every variant this build has, lowest ISA level first, the scalar
// reference at index 0. Dispatch, tests and benchmarks all read the same list.
template <class Kernel>
struct KernelList {
  const Kernel* const* items;
  size_t count;
  const Kernel& operator[](size_t i) const { return *items[i]; }
};

// The best variant at or below `cap` that this CPU runs and that accepts the shape (`accepts` is
// called with the variant). Falls back to the scalar reference, which accepts every shape.
template <class Kernel, class Accepts>
const Kernel& select_kernel(KernelList<Kernel> list, Isa cap, Accepts accepts) {
  for (size_t i = list.count; i-- > 1;) {
    const Kernel& k = list[i];
    if (isa_within_cap(k.isa, cap) && isa_runnable(k.isa) && accepts(k)) return k;
  }
  return list[0];
}

}  // namespace mq::kernels

#endif
