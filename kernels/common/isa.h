// The instruction-set levels that kernel variants are written for, and what each needs from the
// CPU.
#ifndef MONOQUANT_KERNELS_COMMON_ISA_H
#define MONOQUANT_KERNELS_COMMON_ISA_H

#include <cstdint>

namespace mq::kernels {

// Values equal the public mq_isa values so that capi can convert by cast. On each architecture the
// levels form a chain: a variant of a lower level runs wherever a higher one does.
enum class Isa : uint32_t {
  scalar = 1,
  avx2 = 2,
  avx512 = 3,
  avx512vnni = 4,
  neon = 5,
  neon_dotprod = 6,
  neon_i8mm = 7,
};

constexpr uint32_t kIsaFirst = 1;
constexpr uint32_t kIsaLast = 7;

// The lowercase name used by MONOQUANT_ISA and in kernel names ("neon-dotprod").
const char* isa_name(Isa isa);

// Parses a name of isa_name (exact, lowercase); false for anything else.
bool isa_from_name(const char* name, Isa* isa);

// Whether `variant` may run under a cap of `cap`: scalar always; otherwise the same architecture's
// chain, at or below the cap. Does not look at the CPU.
bool isa_within_cap(Isa variant, Isa cap);

// Whether this build has kernels for `isa` and this CPU (with its OS) can run them.
bool isa_runnable(Isa isa);

// The best level this CPU runs (scalar when nothing better).
Isa best_runnable_isa();

}  // namespace mq::kernels

#endif
