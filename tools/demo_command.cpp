// `monoquant demo`: the README's first command. Writes a small checkpoint built from real trained
// matrices (demo_checkpoint.h), quantizes it exactly as `monoquant quantize` does, reopens the
// quantized file, loads every quantized layer as packed weights and runs GEMVs in both compute
// modes against the fp32 layers, then prints the plan's report, each layer's GEMV error and time,
// the file sizes and the time the quantization took.
#include <stdlib.h>  // mkdtemp

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "checkpoint_plan.h"
#include "checkpoint_quantizer.h"
#include "commands.h"
#include "context_options.h"
#include "demo_checkpoint.h"
#include "exit_codes.h"
#include "handles.h"
#include "plan_options.h"
#include "tool_util.h"

namespace {

constexpr const char* kCommand = "monoquant demo";
constexpr int kTimedRuns = 51;

// Relative L2 distance of y from the float64 product of the fp32 weight and x.
double relative_error(const std::vector<float>& w, uint64_t rows, uint64_t cols,
                      const std::vector<float>& x, const std::vector<float>& y) {
  double num = 0, den = 0;
  for (uint64_t r = 0; r < rows; ++r) {
    double exact = 0;
    for (uint64_t c = 0; c < cols; ++c) exact += static_cast<double>(w[r * cols + c]) * x[c];
    num += (y[r] - exact) * (y[r] - exact);
    den += exact * exact;
  }
  return std::sqrt(num / den);
}

// Median microseconds of kTimedRuns GEMVs.
double time_gemv(mq_context* ctx, const mq_packed_weights* p, mq_compute_mode mode,
                 const std::vector<float>& x, std::vector<float>* y) {
  std::vector<double> us;
  for (int i = 0; i < kTimedRuns; ++i) {
    const auto start = std::chrono::steady_clock::now();
    mq_gemv(ctx, p, mode, x.data(), x.size(), nullptr, 0, y->data(), y->size());
    us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
                     .count());
  }
  std::sort(us.begin(), us.end());
  return us[us.size() / 2];
}

// One quantized layer of the reloaded file against its fp32 weight in the checkpoint: GEMV in both
// modes on a random x, errors and median times. Returns the exit code.
int check_layer(mq_context* ctx, const mq_model* quantized, const mq_model* source, uint64_t index,
                const mq_model_layer& layer, uint32_t seed) {
  mq_packed_weights* loaded = nullptr;
  mq_status status = mq_model_load_packed(ctx, quantized, index, &loaded);
  if (status != MQ_OK) return mq::tool::fail(kCommand, status);
  const mq::tool::PackedPtr packed(loaded);
  mq_packed_info info{};
  info.struct_size = sizeof(info);
  status = mq_packed_get_info(packed.get(), &info);
  if (status != MQ_OK) return mq::tool::fail(kCommand, status);

  int32_t found = 0;
  uint64_t tensor = 0;
  status = mq_model_find_tensor(source, layer.tensor_name, &found, &tensor);
  if (status != MQ_OK) return mq::tool::fail(kCommand, status);
  if (found == 0) {
    std::fprintf(stderr, "%s: the checkpoint has no tensor '%s'\n", kCommand, layer.tensor_name);
    return mq::tool::kExitFailure;
  }
  std::vector<float> w(layer.rows * layer.cols);
  status = mq_model_read_f32(ctx, source, tensor, w.data(), w.size());
  if (status != MQ_OK) return mq::tool::fail(kCommand, status);

  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  std::vector<float> x(layer.cols), y32(layer.rows), y8(layer.rows);
  for (float& v : x) v = normal(rng);
  status = mq_gemv(ctx, packed.get(), MQ_COMPUTE_F32, x.data(), x.size(), nullptr, 0, y32.data(),
                   y32.size());
  if (status == MQ_OK) {
    status = mq_gemv(ctx, packed.get(), MQ_COMPUTE_INT8, x.data(), x.size(), nullptr, 0, y8.data(),
                     y8.size());
  }
  if (status != MQ_OK) return mq::tool::fail(kCommand, status);
  std::vector<float> scratch(layer.rows);
  const double us32 = time_gemv(ctx, packed.get(), MQ_COMPUTE_F32, x, &scratch);
  const double us8 = time_gemv(ctx, packed.get(), MQ_COMPUTE_INT8, x, &scratch);
  const std::string shape = std::to_string(layer.rows) + "x" + std::to_string(layer.cols);
  const std::string format =
      info.format == MQ_FORMAT_INT8_ROWS ? "int8 rows" : "int4 g" + std::to_string(info.group_size);
  std::printf("  %-42s %-9s %-10s %-11s %9.2e %9.2e %8.1f %8.1f\n", layer.name, shape.c_str(),
              format.c_str(), info.kernel_name, relative_error(w, layer.rows, layer.cols, x, y32),
              relative_error(w, layer.rows, layer.cols, x, y8), us32, us8);
  return mq::tool::kExitOk;
}

// Reopens the quantized file, checks every quantized layer, and lists the tensors that are not
// part of a layer (copied unchanged). Returns the exit code.
int check_quantized_file(mq_context* ctx, const std::string& checkpoint,
                         const std::string& quantized_path) {
  mq::tool::ModelPtr source;
  mq::tool::ModelPtr quantized;
  int code = mq::tool::open_model(ctx, kCommand, checkpoint, &source);
  if (code == mq::tool::kExitOk)
    code = mq::tool::open_model(ctx, kCommand, quantized_path, &quantized);
  if (code != mq::tool::kExitOk) return code;
  mq_model_info info{};
  info.struct_size = sizeof(info);
  mq_status status = mq_model_get_info(quantized.get(), &info);
  if (status != MQ_OK) return mq::tool::fail(kCommand, status);

  std::printf(
      "\nthe quantized file reopened: each quantized layer loaded (mq_model_load_packed) and run "
      "against its fp32 weight\n  %-42s %-9s %-10s %-11s %9s %9s %8s %8s\n",
      "layer", "shape", "format", "kernel", "err f32", "err int8", "f32 us", "int8 us");
  std::set<uint64_t> layer_tensors;
  for (uint64_t i = 0; i < info.layer_count; ++i) {
    mq_model_layer layer{};
    layer.struct_size = sizeof(layer);
    status = mq_model_get_layer(quantized.get(), i, &layer);
    if (status != MQ_OK) return mq::tool::fail(kCommand, status);
    for (const uint64_t t :
         {layer.weight_tensor, layer.codes_tensor, layer.scales_tensor, layer.zero_points_tensor}) {
      if (t != MQ_NO_TENSOR) layer_tensors.insert(t);
    }
    if (layer.decision == MQ_DECISION_KEEP) continue;
    code = check_layer(ctx, quantized.get(), source.get(), i, layer, static_cast<uint32_t>(i + 1));
    if (code != mq::tool::kExitOk) return code;
  }
  std::printf(
      "err = relative L2 distance of the GEMV from the fp32 layer's exact product (quantization "
      "error included); us = median of %d GEMVs\n\nnot layers, copied unchanged:\n",
      kTimedRuns);
  for (uint64_t t = 0; t < info.tensor_count; ++t) {
    if (layer_tensors.count(t) != 0) continue;
    mq_tensor_info tensor{};
    tensor.struct_size = sizeof(tensor);
    status = mq_model_get_tensor(quantized.get(), t, &tensor);
    if (status != MQ_OK) return mq::tool::fail(kCommand, status);
    std::printf("  %-48s %s\n", tensor.name,
                mq::tool::format_shape(tensor.shape, tensor.rank).c_str());
  }
  return mq::tool::kExitOk;
}

// The directory the demo works in: --dir (created, kept) or a new temporary one (removed at the
// end). Returns false, having printed why, when it cannot be made.
bool make_work_dir(const std::string& requested, std::string* dir) {
  std::error_code error;
  if (!requested.empty()) {
    std::filesystem::create_directories(requested, error);
    *dir = requested;
  } else {
    std::string pattern =
        (std::filesystem::temp_directory_path(error) / "monoquant-demo-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) error.assign(errno, std::generic_category());
    *dir = pattern;
  }
  if (error) {
    std::fprintf(stderr, "%s: cannot create the directory '%s': %s\n", kCommand, dir->c_str(),
                 error.message().c_str());
  }
  return !error;
}

}  // namespace

int run_demo_command(int argc, char** argv) {
  CLI::App app{
      "Quantize a built-in checkpoint of real trained matrices, reload the quantized file and run "
      "GEMVs on its layers",
      "monoquant demo"};
  app.footer(mq::tool::exit_code_help());
  std::string dir_arg;
  std::string checkpoint_only;
  mq::tool::PlanSettings plan_settings;
  mq::tool::ContextSettings context_settings;
  mq::tool::add_plan_options(app, &plan_settings, mq::tool::kFormatOptionsOnly);
  mq::tool::add_context_options(app, &context_settings);
  app.add_option("--dir", dir_arg,
                 "write the checkpoint and the quantized file here, and keep them "
                 "(default: a temporary directory, removed)");
  app.add_option("--write-checkpoint", checkpoint_only,
                 "only write the demo checkpoint to this path (an input for `monoquant quantize`)");
  int exit_code = 0;
  if (!mq::tool::parse_command_line(app, argc, argv, &exit_code)) return exit_code;
  if (!checkpoint_only.empty()) return mq::tool::write_demo_checkpoint(kCommand, checkpoint_only);

  mq::tool::ResolvedPlanOptions options;
  if (!options.resolve(plan_settings, kCommand)) return mq::tool::kExitUsage;
  mq::tool::ContextPtr context;
  exit_code = mq::tool::create_context(kCommand, context_settings, &context);
  if (exit_code != mq::tool::kExitOk) return exit_code;
  std::string dir;
  if (!make_work_dir(dir_arg, &dir)) return mq::tool::kExitIo;

  mq_isa active = MQ_ISA_AUTO;
  mq_context_get_isa(context.get(), &active);
  std::printf(
      "monoquant demo: INT4 %s, group %llu, ISA cap %s, %u thread(s)\n\nthe checkpoint: real "
      "trained matrices (tests/data/real-weights/README.md: PP-OCRv4, Apache-2.0; Silero VAD v5, "
      "MIT; openWakeWord, Apache-2.0)\nnamed like a small model, with synthetic embedding, norms, "
      "biases and router:\n",
      plan_settings.scheme.c_str(), static_cast<unsigned long long>(plan_settings.group_size),
      mq::tool::isa_name(active), context_settings.threads);
  mq::tool::print_demo_checkpoint_contents();
  mq::tool::QuantizeRequest request;
  request.input = (std::filesystem::path(dir) / "demo.safetensors").string();
  request.output = (std::filesystem::path(dir) / "demo-int4.safetensors").string();
  request.options = &options;
  exit_code = mq::tool::write_demo_checkpoint(kCommand, request.input);
  mq::tool::QuantizeResult result;
  if (exit_code == mq::tool::kExitOk) {
    std::printf("\nmonoquant quantize %s -o %s\n\n", request.input.c_str(), request.output.c_str());
    std::fflush(stdout);  // before the progress lines on stderr
    exit_code = mq::tool::quantize_checkpoint(context.get(), kCommand, request, &result);
  }
  if (exit_code == mq::tool::kExitOk) {
    exit_code = check_quantized_file(context.get(), request.input, request.output);
  }
  if (exit_code == mq::tool::kExitOk) {
    std::printf("\nfiles: checkpoint %s -> quantized %s (%.2fx smaller); quantizing took %.3f s\n",
                mq::tool::format_bytes(result.input_bytes).c_str(),
                mq::tool::format_bytes(result.output_bytes).c_str(),
                static_cast<double>(result.input_bytes) / static_cast<double>(result.output_bytes),
                result.seconds);
  }
  if (dir_arg.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  } else if (exit_code == mq::tool::kExitOk) {
    std::printf("kept in %s\n", dir.c_str());
  }
  return exit_code;
}
