// What the CPU (and its operating system) can run, detected once.
#ifndef MONOQUANT_KERNELS_COMMON_CPU_FEATURES_H
#define MONOQUANT_KERNELS_COMMON_CPU_FEATURES_H

namespace mq::kernels {

struct CpuFeatures {
  bool avx2_fma = false;    // AVX2 and FMA3 (and OS support for YMM state)
  bool avx512 = false;      // AVX-512 F, CD, BW, DQ, VL (and OS support for ZMM state)
  bool avx512vnni = false;  // avx512 plus AVX512-VNNI
  bool neon = false;        // Armv8.0 Advanced SIMD
  bool neon_dotprod = false;
  bool neon_i8mm = false;
};

// Detected on first call (thread-safe), from cpuinfo on x86-64 (which checks XCR0 for the OS) and
// from getauxval(AT_HWCAP/AT_HWCAP2) on aarch64 Linux. A detection failure reports no features.
const CpuFeatures& cpu_features();

}  // namespace mq::kernels

#endif
