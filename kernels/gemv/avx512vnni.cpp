// gemv on AVX-512 with VNNI: the INT8 mode's dot products use VPDPBUSD (and VPDPWSSD for the zero
// point), see x86_gemv_avx512.h; packed layout in x86_gemv_layout.h, tiles of 16 rows. The layout
// is the same as the avx512 variant's, but each variant packs and reads only its own.
#include "gemv/gemv.h"
#include "gemv/x86_gemv_avx512.h"
#include "gemv/x86_gemv_layout.h"

namespace mq::kernels {

extern const GemvKernel gemv_avx512vnni = {
    Isa::avx512vnni, "avx512vnni", x86_supports,       kTile,          packed_bytes, pack, unpack,
    gemm_f32,        act_bytes,    quantize_act<true>, gemm_int8<true>};

}  // namespace mq::kernels
