// Independent test-side implementations of design.md's rules, written from the formulas rather than
// from the kernels: float32 where the contract is float32 (so results must match bit for bit),
// float64 where the contract is "to float32 summation error".
#ifndef MONOQUANT_TESTS_SUPPORT_REFERENCE_H
#define MONOQUANT_TESTS_SUPPORT_REFERENCE_H

#include <cstddef>
#include <cstdint>
#include <vector>

namespace mq::test {

// Canonical INT4 data with one code per element (not packed), for building expectations.
struct Int4Matrix {
  size_t rows = 0, cols = 0, group = 0;
  bool asymmetric = false;
  std::vector<int> codes;        // rows * cols: [-8, 7] or [0, 15]
  std::vector<float> scales;     // rows * groups
  std::vector<int> zero_points;  // rows * groups (0 when symmetric)
  size_t groups() const { return (cols + group - 1) / group; }
};

// design.md's quantization table in float32 (round half to even with std::nearbyint).
Int4Matrix quantize_int4_ref(const std::vector<float>& w, size_t rows, size_t cols, size_t group,
                             bool asymmetric);

// Per-row INT8: codes rows * cols, scales rows.
void quantize_int8_rows_ref(const std::vector<float>& w, size_t rows, size_t cols,
                            std::vector<int8_t>* codes, std::vector<float>* scales);

// Packs codes two per byte (canonical nibble order).
std::vector<uint8_t> pack_codes(const Int4Matrix& m);
// Unpacks canonical bytes into codes of an Int4Matrix whose scales/zero points the caller fills.
Int4Matrix unpack_codes(const std::vector<uint8_t>& packed, size_t rows, size_t cols, size_t group,
                        bool asymmetric);

// dequant(W) in float32: (q - zp) * scale.
std::vector<float> dequantize_ref(const Int4Matrix& m);

// Weight SQNR in dB, float64: 10 log10(sum w^2 / sum (w - wq)^2).
double sqnr_db(const std::vector<float>& w, const std::vector<float>& wq);

// y = W x + bias in float64 over a float32 matrix, and per row sum |W x| (for tolerances).
struct GemvReference {
  std::vector<double> y;
  std::vector<double> abs_sum;
};
GemvReference gemv_f64(const std::vector<float>& w, size_t rows, size_t cols, const float* x,
                       const float* bias);

// The INT8 compute mode of the canonical definition (kernels/gemv/scalar.cpp), evaluated in float64
// after quantizing x exactly as defined (float32, blocks of 32 restarting at every group). abs_sum
// is per row the sum over blocks of |scale * sx * dot|.
GemvReference gemv_int8_mode_f64(const Int4Matrix& m, const float* x, const float* bias);

// Tolerance for a float32 dot product of length k against float64: a few (k + 2) ulps of the
// absolute sum.
double summation_tolerance(size_t k, double abs_sum);

}  // namespace mq::test

#endif
