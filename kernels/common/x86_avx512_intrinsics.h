// The AVX-512 intrinsics, for the files compiled with AVX-512 flags (kernels/*/avx512*.cpp and the
// headers they share). Include it instead of <immintrin.h>.
//
// GCC 12 reports its own _mm512_undefined_* operands inside avx512fintrin.h (of _mm512_min_ps,
// _mm512_cvtps_pd and others) as "(may be) used uninitialized" once inlined: GCC bug 105593, fixed
// in GCC 13. The values are don't-care operands of all-lanes operations, so the two warnings are
// silenced for the rest of the translation unit; with -Werror they would otherwise fail the build.
#ifndef MONOQUANT_KERNELS_COMMON_X86_AVX512_INTRINSICS_H
#define MONOQUANT_KERNELS_COMMON_X86_AVX512_INTRINSICS_H

#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif

#include <immintrin.h>

#endif
