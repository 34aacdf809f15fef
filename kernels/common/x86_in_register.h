// in_register(v): the value v, forced into a vector register, for the x86 kernels.
//
// GCC folds a load into every instruction that uses the loaded value, so a vector used twice is
// read from memory twice: in the min / max loops (min, max and the NaN compare each re-read it)
// that tripled the load traffic and halved the AVX-512 reduce throughput; in the AVX-512 INT8 GEMV
// (two ANDs per chunk of codes) it made 13 loads per tile-block instead of 9, and with the chunk
// in a register the 1024 x 1024 GEMV from L2 took 5.4 instead of 6.2 us. An empty asm that
// "modifies" the register makes the value one register.
//
// `static` on purpose (internal linkage): see kernels/pack/x86_nibbles.h.
#ifndef MONOQUANT_KERNELS_COMMON_X86_IN_REGISTER_H
#define MONOQUANT_KERNELS_COMMON_X86_IN_REGISTER_H

namespace mq::kernels::x86 {

template <class V>
static inline V in_register(V v) {
  __asm__("" : "+v"(v));
  return v;
}

}  // namespace mq::kernels::x86

#endif
