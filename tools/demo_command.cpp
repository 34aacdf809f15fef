// `monoquant demo`: quantizes a built-in synthetic model (the linear layers of one small
// transformer block, with heavy-tailed weights) to packed INT4, runs a GEMV on every layer in both
// compute modes, and prints what it did: kernel, sizes, weight SQNR, the GEMV's error against the
// fp32 layer, and its time.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "commands.h"
#include "tool_util.h"

namespace {

struct Layer {
  const char* name;
  uint64_t rows;  // out_features
  uint64_t cols;  // in_features
};

constexpr Layer kModel[] = {
    {"model.layers.0.self_attn.q_proj", 512, 512}, {"model.layers.0.self_attn.k_proj", 128, 512},
    {"model.layers.0.self_attn.v_proj", 128, 512}, {"model.layers.0.self_attn.o_proj", 512, 512},
    {"model.layers.0.mlp.gate_proj", 1376, 512},   {"model.layers.0.mlp.up_proj", 1376, 512},
    {"model.layers.0.mlp.down_proj", 512, 1376},
};

double sqnr_db(const std::vector<float>& w, const std::vector<float>& q) {
  double signal = 0, noise = 0;
  for (size_t i = 0; i < w.size(); ++i) {
    signal += static_cast<double>(w[i]) * w[i];
    noise += (static_cast<double>(w[i]) - q[i]) * (static_cast<double>(w[i]) - q[i]);
  }
  return 10.0 * std::log10(signal / noise);
}

// Relative L2 distance of y from the float64 product of the unquantized layer and x.
double relative_error(const std::vector<float>& w, const Layer& l, const std::vector<float>& x,
                      const std::vector<float>& y) {
  double num = 0, den = 0;
  for (uint64_t r = 0; r < l.rows; ++r) {
    double exact = 0;
    for (uint64_t c = 0; c < l.cols; ++c) exact += static_cast<double>(w[r * l.cols + c]) * x[c];
    num += (y[r] - exact) * (y[r] - exact);
    den += exact * exact;
  }
  return std::sqrt(num / den);
}

// Median microseconds of `runs` GEMVs.
double time_gemv(mq_context* ctx, const mq_packed_weights* p, mq_compute_mode mode,
                 const std::vector<float>& x, std::vector<float>* y, int runs) {
  std::vector<double> us;
  for (int i = 0; i < runs; ++i) {
    const auto start = std::chrono::steady_clock::now();
    mq_gemv(ctx, p, mode, x.data(), x.size(), nullptr, 0, y->data(), y->size());
    us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
                     .count());
  }
  std::sort(us.begin(), us.end());
  return us[us.size() / 2];
}

}  // namespace

int run_demo_command(int argc, char** argv) {
  CLI::App app{"Quantize a built-in synthetic model and run a GEMV on every layer",
               "monoquant demo"};
  std::string isa_arg = "auto";
  std::string scheme_arg = "symmetric";
  uint64_t group = 128;
  uint32_t threads = 1;
  app.add_option("--isa", isa_arg, "cap the kernels at this ISA level (auto, scalar, avx2, ...)");
  app.add_option("--scheme", scheme_arg, "symmetric or asymmetric")
      ->check(CLI::IsMember({"symmetric", "asymmetric"}));
  app.add_option("--group", group, "group size along K")->check(CLI::PositiveNumber);
  app.add_option("--threads", threads, "threads of the built-in pool (0 = one per CPU)");
  CLI11_PARSE(app, argc, argv);

  mq_isa isa = MQ_ISA_AUTO;
  if (!mq::tool::parse_isa(isa_arg, &isa)) {
    std::fprintf(stderr, "monoquant demo: unknown ISA '%s'\n", isa_arg.c_str());
    return 2;
  }
  mq_context_options options{};
  options.struct_size = sizeof(options);
  options.isa = isa;
  options.num_threads = threads;
  mq_context* ctx = nullptr;
  if (!mq::tool::ok(mq_context_create(&options, &ctx), "mq_context_create")) return 1;
  mq_isa active = MQ_ISA_AUTO;
  mq_context_get_isa(ctx, &active);
  const mq_scheme scheme = scheme_arg == "asymmetric" ? MQ_SCHEME_ASYMMETRIC : MQ_SCHEME_SYMMETRIC;

  std::printf(
      "monoquant demo: a synthetic transformer block (Student-t weights), INT4 %s, group %llu, "
      "ISA cap %s, %u thread(s)\n\n",
      scheme_arg.c_str(), static_cast<unsigned long long>(group), mq::tool::isa_name(active),
      threads);
  std::printf("%-34s %11s %-10s %9s %9s %8s %10s %10s %9s %9s\n", "layer", "shape", "kernel",
              "fp32 KiB", "int4 KiB", "SQNR dB", "err f32", "err int8", "f32 us", "int8 us");
  int status = 0;
  double bytes_before = 0, bytes_after = 0;
  uint32_t seed = 1;
  for (const Layer& l : kModel) {
    const auto w = mq::tool::synthetic_weights(l.rows, l.cols, seed++);
    mq_pack_options po{};
    po.struct_size = sizeof(po);
    po.scheme = scheme;
    po.group_size = group;
    mq_packed_weights* p = nullptr;
    if (!mq::tool::ok(mq_packed_create_from_f32(ctx, w.data(), w.size(), l.rows, l.cols, &po, &p),
                      l.name)) {
      status = 1;
      continue;
    }
    mq_packed_info info{};
    info.struct_size = sizeof(info);
    mq_packed_get_info(p, &info);
    // Round-trip the canonical export to measure what the quantization kept.
    std::vector<uint8_t> codes(info.codes_len), zps(info.zero_points_len);
    std::vector<float> scales(info.scales_len), deq(w.size());
    const bool asym = scheme == MQ_SCHEME_ASYMMETRIC;
    const bool exported =
        mq::tool::ok(mq_packed_export(p, codes.data(), codes.size(), scales.data(), scales.size(),
                                      asym ? zps.data() : nullptr, zps.size()),
                     "mq_packed_export") &&
        mq::tool::ok(
            mq_dequantize_int4(ctx, codes.data(), codes.size(), scales.data(), scales.size(),
                               asym ? zps.data() : nullptr, zps.size(), l.rows, l.cols,
                               info.group_size, scheme, deq.data(), deq.size()),
            "mq_dequantize_int4");
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal;
    std::vector<float> x(l.cols), y32(l.rows), y8(l.rows);
    for (float& v : x) v = normal(rng);
    const bool ran =
        mq::tool::ok(
            mq_gemv(ctx, p, MQ_COMPUTE_F32, x.data(), x.size(), nullptr, 0, y32.data(), y32.size()),
            "mq_gemv f32") &&
        mq::tool::ok(
            mq_gemv(ctx, p, MQ_COMPUTE_INT8, x.data(), x.size(), nullptr, 0, y8.data(), y8.size()),
            "mq_gemv int8");
    if (!exported || !ran) {
      status = 1;
      mq_packed_destroy(p);
      continue;
    }
    std::vector<float> scratch(l.rows);
    const double us32 = time_gemv(ctx, p, MQ_COMPUTE_F32, x, &scratch, 51);
    const double us8 = time_gemv(ctx, p, MQ_COMPUTE_INT8, x, &scratch, 51);
    const double before = static_cast<double>(w.size() * sizeof(float));
    bytes_before += before;
    bytes_after += static_cast<double>(info.packed_bytes);
    const std::string shape = std::to_string(l.rows) + "x" + std::to_string(l.cols);
    std::printf("%-34s %11s %-10s %9.1f %9.1f %8.2f %10.2e %10.2e %9.1f %9.1f\n", l.name,
                shape.c_str(), info.kernel_name, before / 1024,
                static_cast<double>(info.packed_bytes) / 1024, sqnr_db(w, deq),
                relative_error(w, l, x, y32), relative_error(w, l, x, y8), us32, us8);
    mq_packed_destroy(p);
  }
  std::printf("\n%zu layers, %.1f KiB fp32 -> %.1f KiB packed (%.2fx smaller)\n",
              sizeof(kModel) / sizeof(kModel[0]), bytes_before / 1024, bytes_after / 1024,
              bytes_before / bytes_after);
  std::printf(
      "err = relative L2 distance of the GEMV from the fp32 layer's exact product "
      "(quantization error included)\n");
  mq_context_destroy(ctx);
  return status;
}
