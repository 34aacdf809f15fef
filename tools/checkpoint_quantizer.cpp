#include "checkpoint_quantizer.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <system_error>
#include <vector>

#include "checkpoint_plan.h"
#include "exit_codes.h"
#include "progress.h"
#include "tool_util.h"

namespace mq::tool {

namespace {

// The fp32 weights of the layers the plan quantizes; kept layers get none (the run does not read
// them, and the writer copies their tensors as they are).
struct LayerWeights {
  std::vector<std::vector<float>> values;
  std::vector<const float*> pointers;
  std::vector<uint64_t> lens;
};

int read_quantized_layers(mq_context* context, const char* command, const CheckpointPlan& cp,
                          bool show_progress, LayerWeights* weights) {
  const uint64_t count = cp.layers.size();
  weights->values.resize(count);
  weights->pointers.assign(count, nullptr);
  weights->lens.assign(count, 0);
  mq_plan_info info{};
  info.struct_size = sizeof(info);
  mq_status status = mq_plan_get_info(cp.plan.get(), &info);
  if (status != MQ_OK) return fail(command, status);

  const uint64_t to_read = info.int4_count + info.int8_count;
  Progress progress("reading", "tensors", Progress::kCount, show_progress);
  const auto failed = [&](mq_status s) {
    progress.finish();  // the message goes on a line of its own
    return fail(command, s);
  };
  uint64_t done = 0;
  progress.update(done, to_read);
  for (uint64_t i = 0; i < count; ++i) {
    mq_plan_layer layer{};
    layer.struct_size = sizeof(layer);
    status = mq_plan_get_layer(cp.plan.get(), i, &layer);
    if (status != MQ_OK) return failed(status);
    if (layer.decision == MQ_DECISION_KEEP) continue;
    std::vector<float>& w = weights->values[i];
    w.resize(layer.rows * layer.cols);
    status = mq_model_read_f32(context, cp.model.get(), cp.weight_tensors[i], w.data(), w.size());
    if (status != MQ_OK) return failed(status);
    weights->pointers[i] = w.data();
    weights->lens[i] = w.size();
    progress.update(++done, to_read);
  }
  progress.finish();
  return kExitOk;
}

void on_write_progress(void* user, uint64_t bytes_done, uint64_t bytes_total) {
  static_cast<Progress*>(user)->update(bytes_done, bytes_total);
}

int write_output(mq_context* context, const char* command, const CheckpointPlan& cp,
                 const mq_report* report, const QuantizeRequest& request) {
  Progress progress("writing", "", Progress::kBytes, request.show_progress);
  mq_model_write_options options{};
  options.struct_size = sizeof(options);
  options.progress = on_write_progress;
  options.progress_user = &progress;
  const mq_status status =
      mq_model_write_quantized(context, cp.model.get(), report, request.output.c_str(), &options);
  progress.finish();
  return status == MQ_OK ? kExitOk : fail(command, status);
}

void print_summary(const QuantizeRequest& request, uint64_t tensor_count, const QuantizeResult& r) {
  const mq_report_summary& s = r.summary;
  const uint64_t quantized = s.int4_count + s.int8_count;
  std::printf(
      "\nquantized %llu of %llu layers (%llu int4, %llu int8 rows, %llu kept), %llu other tensors "
      "copied unchanged\nparameters %s -> %s (%.2fx smaller); file %s -> %s\n'%s' written in %.3f "
      "s (quantizing the layers: %.1f ms)\n",
      static_cast<unsigned long long>(quantized), static_cast<unsigned long long>(s.layer_count),
      static_cast<unsigned long long>(s.int4_count), static_cast<unsigned long long>(s.int8_count),
      static_cast<unsigned long long>(s.keep_count),
      static_cast<unsigned long long>(tensor_count - quantized),
      format_bytes(s.bytes_before).c_str(), format_bytes(s.bytes_after).c_str(), s.compression,
      format_bytes(r.input_bytes).c_str(), format_bytes(r.output_bytes).c_str(),
      request.output.c_str(), r.seconds, s.seconds * 1e3);
}

}  // namespace

int quantize_checkpoint(mq_context* context, const char* command, const QuantizeRequest& request,
                        QuantizeResult* result) {
  const auto start = std::chrono::steady_clock::now();
  CheckpointPlan cp;
  int code = make_checkpoint_plan(context, command, request.input, *request.options, &cp);
  if (code != kExitOk) return code;
  mq_model_info info{};
  info.struct_size = sizeof(info);
  mq_status status = mq_model_get_info(cp.model.get(), &info);
  if (status != MQ_OK) return fail(command, status);
  result->input_bytes = info.file_size;

  if (request.dry_run) {
    status = print_table([&](char* buffer, uint64_t len, uint64_t* needed) {
      return mq_plan_format_table(cp.plan.get(), 0, buffer, len, needed);
    });
    if (status != MQ_OK) return fail(command, status);
    std::printf("\ndry run: nothing was quantized or written\n");
    return kExitOk;
  }

  // The writer finds a missing directory too, but only after the whole model is read and quantized.
  const std::filesystem::path directory = std::filesystem::absolute(request.output).parent_path();
  std::error_code error;
  if (!std::filesystem::is_directory(directory, error)) {
    std::fprintf(stderr, "%s: cannot write '%s': the directory '%s' does not exist\n", command,
                 request.output.c_str(), directory.c_str());
    return kExitIo;
  }

  LayerWeights weights;
  code = read_quantized_layers(context, command, cp, request.show_progress, &weights);
  if (code != kExitOk) return code;
  mq_run_options run{};
  run.struct_size = sizeof(run);
  run.output = MQ_RUN_OUTPUT_CANONICAL;
  mq_report* report_handle = nullptr;
  status = mq_plan_run(context, cp.plan.get(), weights.pointers.data(), weights.lens.data(),
                       cp.layers.size(), &run, &report_handle);
  if (status != MQ_OK) return fail(command, status);
  const ReportPtr report(report_handle);
  weights = LayerWeights{};  // the report holds the canonical outputs now; free the fp32 copies

  code = write_output(context, command, cp, report.get(), request);
  if (code != kExitOk) return code;
  result->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result->output_bytes = std::filesystem::file_size(request.output, error);
  result->summary.struct_size = sizeof(result->summary);
  status = mq_report_get_summary(report.get(), &result->summary);
  if (status != MQ_OK) return fail(command, status);

  status = print_table([&](char* buffer, uint64_t len, uint64_t* needed) {
    return mq_report_format_table(report.get(), 0, buffer, len, needed);
  });
  if (status != MQ_OK) return fail(command, status);
  print_summary(request, info.tensor_count, *result);
  return kExitOk;
}

}  // namespace mq::tool
