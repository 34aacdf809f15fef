#include "common/isa.h"

#include <cstring>

#include "common/cpu_features.h"

namespace mq::kernels {
namespace {

struct IsaInfo {
  const char* name;
  Isa isa;
  int chain;  // 0 = portable, 1 = x86-64, 2 = aarch64
};

constexpr IsaInfo kIsas[] = {
    {"scalar", Isa::scalar, 0},       {"avx2", Isa::avx2, 1},
    {"avx512", Isa::avx512, 1},       {"avx512vnni", Isa::avx512vnni, 1},
    {"neon", Isa::neon, 2},           {"neon-dotprod", Isa::neon_dotprod, 2},
    {"neon-i8mm", Isa::neon_i8mm, 2},
};

const IsaInfo& info(Isa isa) { return kIsas[static_cast<uint32_t>(isa) - kIsaFirst]; }

bool cpu_has(Isa isa) {
  const CpuFeatures& f = cpu_features();
  switch (isa) {
    case Isa::scalar: return true;
    case Isa::avx2: return f.avx2_fma;
    case Isa::avx512: return f.avx512;
    case Isa::avx512vnni: return f.avx512vnni;
    case Isa::neon: return f.neon;
    case Isa::neon_dotprod: return f.neon_dotprod;
    case Isa::neon_i8mm: return f.neon_i8mm;
  }
  return false;
}

// Whether this build compiled the variants of a level (x86 levels only on x86-64, Arm ones only on
// aarch64): a level the build lacks must not be selectable even when the CPU has it.
bool built(Isa isa) {
  switch (info(isa).chain) {
    case 1:
#if defined(__x86_64__) || defined(_M_X64)
      return true;
#else
      return false;
#endif
    case 2:
#if defined(__aarch64__)
      return true;
#else
      return false;
#endif
    default: return true;
  }
}

}  // namespace

const char* isa_name(Isa isa) { return info(isa).name; }

bool isa_from_name(const char* name, Isa* isa) {
  for (const IsaInfo& i : kIsas) {
    if (std::strcmp(name, i.name) == 0) {
      *isa = i.isa;
      return true;
    }
  }
  return false;
}

bool isa_within_cap(Isa variant, Isa cap) {
  if (variant == Isa::scalar) return true;
  return info(variant).chain == info(cap).chain && variant <= cap;
}

bool isa_runnable(Isa isa) { return built(isa) && cpu_has(isa); }

Isa best_runnable_isa() {
  Isa best = Isa::scalar;
  for (const IsaInfo& i : kIsas) {
    if (isa_runnable(i.isa))
      best = i.isa;  // kIsas is in chain order, so the last runnable is the best
  }
  return best;
}

}  // namespace mq::kernels
