// Armv8.2 dot-product variant of the gemv family (FEAT_DotProd: SDOT), on the layout of
// arm_gemv_layout.h, which it shares with the plain NEON variant. In the INT8 mode each 16-byte
// block of 4 rows x 4 columns is one SDOT by element against 4 activation codes: lane r accumulates
// row r directly, so a chunk of 4 rows x 8 columns is two SDOTs per batch entry, and the decoded
// weights are reused by up to 4 batch entries. The result is bit-identical to the scalar
// reference's INT8 mode. The F32 mode is the shared one.
#include <arm_neon.h>

#include "common/arm_simd.h"
#include "common/formats.h"
#include "gemv/arm_gemv_dot.h"
#include "gemv/arm_gemv_layout.h"
#include "gemv/gemv.h"

#if !defined(__ARM_FEATURE_DOTPROD)
#error "neon_dotprod.cpp must be compiled with +dotprod"
#endif

namespace mq::kernels {
namespace {

bool supports_all(const GemvShape& /*shape*/) { return true; }

}  // namespace

extern const GemvKernel gemv_neon_dotprod = {
    Isa::neon_dotprod, "neon-dotprod", supports_all,  kArmTileRows,     arm_packed_bytes, arm_pack,
    arm_unpack,        arm_gemm_f32,   arm_act_bytes, arm_quantize_act, arm_dot_gemm_int8};

}  // namespace mq::kernels
