// The elementwise families (reduce, quantize, pack, unpack, dequantize) for every runnable variant,
// through the public API. Each benchmark rotates distinct copies of its input and output (stream)
// or reuses one (cached); bytes_per_second counts the fp32 input of a reduction or quantization,
// the output of an unpack or dequantization, the int8 input of a pack.
#include <cstring>
#include <functional>
#include <vector>

#include "bench_support.h"
#include "dequantize/dequantize.h"
#include "pack/pack.h"
#include "quantize/quantize.h"
#include "reduce/reduce.h"

namespace mq::bench {
namespace {

constexpr size_t kGroup = 128;

// One operation: the bytes of its input and output, the bytes it is judged by, how to fill an input
// copy, and the call itself on one copy.
struct Operation {
  mq_kernel_family family;
  const char* family_name;
  const char* mode;
  size_t in_bytes;
  size_t out_bytes;
  double counted_bytes;
  Traffic traffic;
  std::function<void(uint8_t* in)> fill;
  std::function<mq_status(mq_context*, const uint8_t* in, uint8_t* out)> call;
};

void run(benchmark::State& state, kernels::Isa isa, const Operation& op, int threads, bool stream) {
  mq_context* ctx = make_context(isa, threads);
  const size_t copies = copies_for(op.in_bytes + op.out_bytes, stream);
  std::vector<AlignedBytes> in;
  std::vector<AlignedBytes> out;
  for (size_t c = 0; c < copies; ++c) {
    in.emplace_back(op.in_bytes);
    out.emplace_back(op.out_bytes);
  }
  op.fill(in[0].data());
  for (size_t c = 1; c < copies; ++c) std::memcpy(in[c].data(), in[0].data(), op.in_bytes);
  size_t next = 0;
  Measurement measurement(op.traffic, op.in_bytes + op.out_bytes, stream, threads);
  while (state.KeepRunning()) {
    if (op.call(ctx, in[next].data(), out[next].data()) != MQ_OK) {
      state.SkipWithError("the call failed");
      break;
    }
    benchmark::ClobberMemory();
    next = next + 1 == copies ? 0 : next + 1;
    measurement.after_iteration(state);
  }
  measurement.set_counters(state, op.counted_bytes);
  mq_context_destroy(ctx);
}

std::vector<Operation> operations(MatrixSize s) {
  const size_t n = s.rows * s.cols;
  const size_t groups = s.rows * ((s.cols + kGroup - 1) / kGroup);
  const size_t codes = s.rows * ((s.cols + 1) / 2);
  const auto fill_floats = [n, s](uint8_t* in) {
    const auto w = bench_weights(n, static_cast<uint32_t>(s.rows));
    std::memcpy(in, w.data(), n * sizeof(float));
  };
  const auto fill_codes_and_scales = [codes, groups](uint8_t* in) {
    for (size_t i = 0; i < codes; ++i) in[i] = static_cast<uint8_t>(i * 37 + 11);
    const float scale = 0.01F;
    for (size_t g = 0; g < groups; ++g) std::memcpy(in + codes + g * 4, &scale, 4);
  };
  std::vector<Operation> ops;
  for (const mq_scheme scheme : {MQ_SCHEME_SYMMETRIC, MQ_SCHEME_ASYMMETRIC}) {
    const bool asym = scheme == MQ_SCHEME_ASYMMETRIC;
    ops.push_back({MQ_KERNEL_QUANTIZE_INT4, "quantize", asym ? "int4asym" : "int4sym",
                   n * sizeof(float), codes + groups * sizeof(float) + (asym ? groups : 0),
                   static_cast<double>(n * sizeof(float)), Traffic::read, fill_floats,
                   [=](mq_context* c, const uint8_t* in, uint8_t* out) {
                     return mq_quantize_int4(
                         c, reinterpret_cast<const float*>(in), n, s.rows, s.cols, kGroup, scheme,
                         out, codes, reinterpret_cast<float*>(out + codes), groups,
                         asym ? out + codes + groups * 4 : nullptr, asym ? groups : 0);
                   }});
  }
  ops.push_back({MQ_KERNEL_QUANTIZE_INT8, "quantize", "int8rows", n * sizeof(float),
                 n + s.rows * sizeof(float), static_cast<double>(n * sizeof(float)), Traffic::read,
                 fill_floats, [=](mq_context* c, const uint8_t* in, uint8_t* out) {
                   return mq_quantize_int8_rows(c, reinterpret_cast<const float*>(in), n, s.rows,
                                                s.cols, reinterpret_cast<int8_t*>(out), n,
                                                reinterpret_cast<float*>(out + n), s.rows);
                 }});
  ops.push_back({MQ_KERNEL_GROUP_REDUCE, "reduce", "minmax", n * sizeof(float),
                 3 * groups * sizeof(float), static_cast<double>(n * sizeof(float)), Traffic::read,
                 fill_floats, [=](mq_context* c, const uint8_t* in, uint8_t* out) {
                   auto* o = reinterpret_cast<float*>(out);
                   return mq_group_reduce(c, reinterpret_cast<const float*>(in), n, s.rows, s.cols,
                                          kGroup, o, o + groups, o + 2 * groups, groups);
                 }});
  ops.push_back({MQ_KERNEL_DEQUANTIZE, "dequantize", "int4sym", codes + groups * sizeof(float),
                 n * sizeof(float), static_cast<double>(n * sizeof(float)), Traffic::write,
                 fill_codes_and_scales, [=](mq_context* c, const uint8_t* in, uint8_t* out) {
                   return mq_dequantize_int4(c, in, codes,
                                             reinterpret_cast<const float*>(in + codes), groups,
                                             nullptr, 0, s.rows, s.cols, kGroup,
                                             MQ_SCHEME_SYMMETRIC, reinterpret_cast<float*>(out), n);
                 }});
  ops.push_back({MQ_KERNEL_UNPACK, "unpack", "int4sym", codes, n, static_cast<double>(n),
                 Traffic::write,
                 [codes](uint8_t* in) {
                   for (size_t i = 0; i < codes; ++i) in[i] = static_cast<uint8_t>(i * 37 + 11);
                 },
                 [=](mq_context* c, const uint8_t* in, uint8_t* out) {
                   return mq_unpack_int4(c, in, codes, s.rows, s.cols, MQ_SCHEME_SYMMETRIC,
                                         reinterpret_cast<int8_t*>(out), n);
                 }});
  ops.push_back({MQ_KERNEL_PACK, "pack", "int4sym", n, codes, static_cast<double>(n), Traffic::read,
                 [n](uint8_t* in) {
                   for (size_t i = 0; i < n; ++i) in[i] = static_cast<uint8_t>((i * 7) % 16 - 8);
                 },
                 [=](mq_context* c, const uint8_t* in, uint8_t* out) {
                   return mq_pack_int4(c, reinterpret_cast<const int8_t*>(in), n, s.rows, s.cols,
                                       MQ_SCHEME_SYMMETRIC, out, codes);
                 }});
  return ops;
}

// The variants of the family behind a public kernel family id, as (isa, name) pairs.
std::vector<std::pair<kernels::Isa, const char*>> variants_of(mq_kernel_family family) {
  std::vector<std::pair<kernels::Isa, const char*>> v;
  const auto add = [&v](auto list) {
    for (size_t i = 0; i < list.count; ++i) v.emplace_back(list[i].isa, list[i].name);
  };
  switch (family) {
    case MQ_KERNEL_GROUP_REDUCE: add(kernels::reduce_kernels()); break;
    case MQ_KERNEL_QUANTIZE_INT4:
    case MQ_KERNEL_QUANTIZE_INT8: add(kernels::quantize_kernels()); break;
    case MQ_KERNEL_PACK:
    case MQ_KERNEL_UNPACK: add(kernels::pack_kernels()); break;
    case MQ_KERNEL_DEQUANTIZE: add(kernels::dequantize_kernels()); break;
    default: break;
  }
  return v;
}

}  // namespace

void register_elementwise_benchmarks() {
  const std::vector<std::pair<MatrixSize, bool>> cases = {{{4096, 11008}, true},
                                                          {{1024, 1024}, false}};
  for (const auto& [size, stream] : cases) {
    for (const Operation& op : operations(size)) {
      for (const auto& [isa, name] : variants_of(op.family)) {
        if (!kernels::isa_runnable(isa) || !selects(isa, op.family, size.cols, kGroup, name))
          continue;
        const bool grouped = op.family != MQ_KERNEL_PACK && op.family != MQ_KERNEL_UNPACK &&
                             op.family != MQ_KERNEL_QUANTIZE_INT8;
        const kernels::Isa variant_isa = isa;
        const bool s = stream;
        register_bench({op.family_name, op.mode, name, size, grouped ? kGroup : 0, 0, 1, stream},
                       [=](benchmark::State& st) { run(st, variant_isa, op, 1, s); });
      }
    }
  }
}

}  // namespace mq::bench
