// gemv on AVX-512 (F, BW, DQ, VL) without VNNI: the INT8 mode's dot products use VPMADDUBSW +
// VPMADDWD (x86_gemv_avx512.h has the kernels and the proof that the int16 sums cannot overflow;
// x86_gemv_layout.h the packed layout, tiles of 16 rows).
#include "gemv/gemv.h"
#include "gemv/x86_gemv_avx512.h"
#include "gemv/x86_gemv_layout.h"

namespace mq::kernels {

extern const GemvKernel gemv_avx512 = {
    Isa::avx512, "avx512",  x86_supports,        kTile,           packed_bytes, pack, unpack,
    gemm_f32,    act_bytes, quantize_act<false>, gemm_int8<false>};

}  // namespace mq::kernels
