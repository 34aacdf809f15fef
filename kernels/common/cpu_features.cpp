#include "common/cpu_features.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <cpuinfo.h>
#elif defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#endif

namespace mq::kernels {
namespace {

CpuFeatures detect() {
  CpuFeatures f;
#if defined(__x86_64__) || defined(_M_X64)
  // cpuinfo_has_* already folds in the OS's XCR0 state, so a kernel that hides AVX-512 state is
  // honoured.
  if (!cpuinfo_initialize()) return f;
  f.avx2_fma = cpuinfo_has_x86_avx2() && cpuinfo_has_x86_fma3();
  f.avx512 = f.avx2_fma && cpuinfo_has_x86_avx512f() && cpuinfo_has_x86_avx512cd() &&
             cpuinfo_has_x86_avx512bw() && cpuinfo_has_x86_avx512dq() && cpuinfo_has_x86_avx512vl();
  f.avx512vnni = f.avx512 && cpuinfo_has_x86_avx512vnni();
#elif defined(__aarch64__) && defined(__linux__)
  // Bit positions from the Linux arm64 uapi <asm/hwcap.h>, spelled out so that old headers still
  // build.
  constexpr unsigned long kHwcapAsimd = 1UL << 1;
  constexpr unsigned long kHwcapAsimddp = 1UL << 20;
  constexpr unsigned long kHwcap2I8mm = 1UL << 13;
  const unsigned long hwcap = getauxval(AT_HWCAP);
  const unsigned long hwcap2 = getauxval(AT_HWCAP2);
  f.neon = (hwcap & kHwcapAsimd) != 0;
  f.neon_dotprod = f.neon && (hwcap & kHwcapAsimddp) != 0;
  f.neon_i8mm = f.neon_dotprod && (hwcap2 & kHwcap2I8mm) != 0;
#elif defined(__aarch64__)
  f.neon = true;  // Advanced SIMD is mandatory in AArch64
#endif
  return f;
}

}  // namespace

const CpuFeatures& cpu_features() {
  static const CpuFeatures features = detect();
  return features;
}

}  // namespace mq::kernels
