// Nibble packing and unpacking in x86 registers, shared by the x86 variants of the pack, quantize
// and dequantize families.
//
// Canonical INT4 byte j holds code 2j in its low nibble and code 2j+1 in its high nibble. These
// helpers move between that layout and one code per byte (the nibble in the low four bits), in
// blocks that keep the code order. Every function here is `static` (internal linkage): each ISA
// translation unit that includes the header gets its own copy, compiled with its own flags, and
// baseline code never includes it. A helper is compiled only when the including file's flags
// provide its instructions.
#ifndef MONOQUANT_KERNELS_PACK_X86_NIBBLES_H
#define MONOQUANT_KERNELS_PACK_X86_NIBBLES_H

#include <immintrin.h>

#include <cstddef>
#include <cstdint>

namespace mq::kernels::x86 {

#if defined(__AVX2__)

// 64 codes, one per byte (only the low nibble of each byte is used), -> the 32 canonical bytes.
// maddubs adds code 2j and 16 * code 2j+1 into one 16-bit lane (at most 255, no saturation);
// packus narrows per 128-bit lane, and the 64-bit permute puts the lanes back in order.
static inline __m256i avx2_pack64(__m256i codes_lo, __m256i codes_hi) {
  const __m256i nibble = _mm256_set1_epi8(0x0F);
  const __m256i weights = _mm256_set1_epi16(0x1001);  // bytes 1, 16
  const __m256i a = _mm256_maddubs_epi16(_mm256_and_si256(codes_lo, nibble), weights);
  const __m256i b = _mm256_maddubs_epi16(_mm256_and_si256(codes_hi, nibble), weights);
  return _mm256_permute4x64_epi64(_mm256_packus_epi16(a, b), 0xD8);
}

// 16 canonical bytes -> 32 codes in 0..15, one per byte, in order: each byte is widened to a 16-bit
// lane b, and (b | b << 4) & 0x0F0F leaves the low nibble in the low byte, the high nibble in the
// high byte.
static inline __m256i avx2_unpack32(__m128i bytes) {
  const __m256i w = _mm256_cvtepu8_epi16(bytes);
  return _mm256_and_si256(_mm256_or_si256(w, _mm256_slli_epi16(w, 4)), _mm256_set1_epi16(0x0F0F));
}

// Codes 0..15 -> their symmetric values (two's-complement nibbles: 8..15 are -8..-1).
static inline __m256i avx2_sign_extend_nibbles(__m256i codes) {
  const __m256i table = _mm256_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, -8, -7, -6, -5, -4, -3, -2, -1, 0,
                                         1, 2, 3, 4, 5, 6, 7, -8, -7, -6, -5, -4, -3, -2, -1);
  return _mm256_shuffle_epi8(table, codes);
}

#endif  // __AVX2__

#if defined(__AVX512BW__)

// 128 codes, one per byte (low nibble used) -> the 64 canonical bytes; as avx2_pack64, with a
// 64-bit permute across the four 128-bit lanes.
static inline __m512i avx512_pack128(__m512i codes_lo, __m512i codes_hi) {
  const __m512i nibble = _mm512_set1_epi8(0x0F);
  const __m512i weights = _mm512_set1_epi16(0x1001);
  const __m512i a = _mm512_maddubs_epi16(_mm512_and_si512(codes_lo, nibble), weights);
  const __m512i b = _mm512_maddubs_epi16(_mm512_and_si512(codes_hi, nibble), weights);
  const __m512i order = _mm512_set_epi64(7, 5, 3, 1, 6, 4, 2, 0);
  const __m512i packed = _mm512_packus_epi16(a, b);
  // Two-source form with both sources the same (GCC 12 warns on the one-source form's undefined
  // pass-through operand, bug 105593).
  return _mm512_permutex2var_epi64(packed, order, packed);
}

// 32 canonical bytes -> 64 codes in 0..15, one per byte, in order (as avx2_unpack32).
static inline __m512i avx512_unpack64(__m256i bytes) {
  const __m512i w = _mm512_cvtepu8_epi16(bytes);
  return _mm512_and_si512(_mm512_or_si512(w, _mm512_slli_epi16(w, 4)), _mm512_set1_epi16(0x0F0F));
}

static inline __m512i avx512_sign_extend_nibbles(__m512i codes) {
  // Bytes 0..7, -8..-1 in every 128-bit lane (little-endian 32-bit words).
  const __m512i table = _mm512_set4_epi32(static_cast<int>(0xFFFEFDFCU),
                                          static_cast<int>(0xFBFAF9F8U), 0x07060504, 0x03020100);
  return _mm512_shuffle_epi8(table, codes);
}

// A mask of the first n lanes (n <= 64 / 16).
static inline __mmask64 avx512_mask64(size_t n) {
  return n >= 64 ? ~__mmask64{0} : (__mmask64{1} << n) - 1;
}
static inline __mmask16 avx512_mask16(size_t n) {
  return static_cast<__mmask16>(n >= 16 ? 0xFFFFU : (1U << n) - 1U);
}

#endif  // __AVX512BW__

}  // namespace mq::kernels::x86

#endif
