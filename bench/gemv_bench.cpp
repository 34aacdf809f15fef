// GEMV and small-batch GEMM on packed weights, for every runnable variant of the gemv family,
// through the public API (so the measured time includes what a caller pays: checks, activation
// quantization, threading). bytes_per_second counts the packed weight bytes (codes, scales, zero
// points).
#include <map>
#include <memory>
#include <vector>

#include "bench_support.h"
#include "gemv/gemv.h"

namespace mq::bench {
namespace {

constexpr size_t kGroup = 128;

// Canonical INT4 of one shape, quantized once per process and shared by every benchmark of the
// shape.
struct Canonical {
  std::vector<uint8_t> codes;
  std::vector<float> scales;
};

const Canonical& canonical(const MatrixSize& s) {
  static std::map<std::pair<size_t, size_t>, std::unique_ptr<Canonical>> cache;
  auto& slot = cache[{s.rows, s.cols}];
  if (!slot) {
    slot = std::make_unique<Canonical>();
    uint64_t codes = 0, scales = 0;
    check(mq_int4_buffer_sizes(s.rows, s.cols, kGroup, &codes, &scales, nullptr), "sizes");
    slot->codes.resize(codes);
    slot->scales.resize(scales);
    const auto w = bench_weights(s.rows * s.cols, static_cast<uint32_t>(s.rows + s.cols));
    check(mq_quantize_int4(nullptr, w.data(), w.size(), s.rows, s.cols, kGroup, MQ_SCHEME_SYMMETRIC,
                           slot->codes.data(), codes, slot->scales.data(), scales, nullptr, 0),
          "mq_quantize_int4");
  }
  return *slot;
}

void run_gemm(benchmark::State& state, kernels::Isa isa, MatrixSize s, mq_compute_mode mode,
              size_t batch, int threads, bool stream) {
  const Canonical& c = canonical(s);
  mq_context* ctx = make_context(isa, threads);
  mq_packed_weights* first = nullptr;
  check(mq_packed_create_from_int4(ctx, c.codes.data(), c.codes.size(), c.scales.data(),
                                   c.scales.size(), nullptr, 0, s.rows, s.cols, kGroup,
                                   MQ_SCHEME_SYMMETRIC, &first),
        "mq_packed_create_from_int4");
  mq_packed_info info{};
  info.struct_size = sizeof(info);
  check(mq_packed_get_info(first, &info), "mq_packed_get_info");
  std::vector<mq_packed_weights*> packed = {first};
  const size_t copies = copies_for(info.packed_bytes, stream);
  while (packed.size() < copies) {
    mq_packed_weights* p = nullptr;
    check(mq_packed_create_from_int4(ctx, c.codes.data(), c.codes.size(), c.scales.data(),
                                     c.scales.size(), nullptr, 0, s.rows, s.cols, kGroup,
                                     MQ_SCHEME_SYMMETRIC, &p),
          "mq_packed_create_from_int4");
    packed.push_back(p);
  }
  const auto x = bench_weights(batch * s.cols, 7);
  std::vector<float> y(batch * s.rows);
  size_t next = 0;
  Measurement measurement(Traffic::read, info.packed_bytes, stream, threads);
  while (state.KeepRunning()) {
    const mq_status st =
        mq_gemm(ctx, packed[next], mode, x.data(), x.size(), batch, nullptr, 0, y.data(), y.size());
    if (st != MQ_OK) {
      state.SkipWithError("mq_gemm failed");
      break;
    }
    benchmark::DoNotOptimize(y.data());
    next = next + 1 == packed.size() ? 0 : next + 1;
    measurement.after_iteration(state);
  }
  state.SetLabel(info.kernel_name);
  measurement.set_counters(state, static_cast<double>(info.packed_bytes));
  for (mq_packed_weights* p : packed) mq_packed_destroy(p);
  mq_context_destroy(ctx);
}

const char* mode_name(mq_compute_mode mode) { return mode == MQ_COMPUTE_F32 ? "f32" : "int8"; }

}  // namespace

void register_gemv_benchmarks() {
  const auto list = kernels::gemv_kernels();
  for (size_t i = 0; i < list.count; ++i) {
    const kernels::GemvKernel& k = list[i];
    if (!kernels::isa_runnable(k.isa)) continue;
    const std::string isa = k.name;
    for (const MatrixSize& s : llm_shapes()) {
      if (!selects(k.isa, MQ_KERNEL_GEMV, s.cols, kGroup, k.name)) continue;
      for (const mq_compute_mode mode : {MQ_COMPUTE_INT8, MQ_COMPUTE_F32}) {
        for (const int threads : {1, 2}) {
          for (const bool stream : {true, false}) {
            register_bench(
                {"gemv", mode_name(mode), isa, s, kGroup, 0, threads, stream},
                [=](benchmark::State& st) { run_gemm(st, k.isa, s, mode, 1, threads, stream); });
          }
        }
      }
    }
    // Small-batch GEMM on one shape: one pass over the weights serves every vector of the batch.
    const MatrixSize gemm_shape{4096, 11008};
    if (!selects(k.isa, MQ_KERNEL_GEMV, gemm_shape.cols, kGroup, k.name)) continue;
    for (const mq_compute_mode mode : {MQ_COMPUTE_INT8, MQ_COMPUTE_F32}) {
      for (const size_t batch : {1, 2, 4, 8, 16}) {
        register_bench(
            {"gemm", mode_name(mode), isa, gemm_shape, kGroup, batch, 1, true},
            [=](benchmark::State& st) { run_gemm(st, k.isa, gemm_shape, mode, batch, 1, true); });
      }
    }
  }
}

}  // namespace mq::bench
