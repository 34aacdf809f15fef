// mq_model_write_quantized: a checkpoint plus a plan's report -> a quantized safetensors file,
// written whole to a temporary file and renamed into place (model_file/atomic_file.h).
#include <sys/stat.h>

#include <cstdint>
#include <string>
#include <vector>

#include "capi/api_call.h"
#include "capi/checks.h"
#include "capi/context.h"
#include "capi/model/model.h"
#include "capi/model_file/atomic_file.h"
#include "capi/model_file/safetensors_writer.h"
#include "capi/options.h"
#include "capi/scheduler/scheduler.h"

using mq::capi::api_call;
using mq::capi::check_not_null;
using mq::capi::fail;
namespace mf = mq::model_file;
namespace sched = mq::capi::sched;

namespace {

constexpr size_t kNotReplaced = SIZE_MAX;

mq_status read_write_options(const mq_model_write_options* options, mq_model_write_options* o) {
  *o = mq_model_write_options{};
  o->struct_size = sizeof(mq_model_write_options);
  if (options == nullptr) return MQ_OK;
  MQ_RETURN_IF_ERROR(mq::capi::read_options(*options, o));
  if (o->reserved0 != 0) return fail(MQ_ERR_INVALID_ARGUMENT, "reserved0 must be 0");
  return MQ_OK;
}

// Writing over the source would replace the file the model maps (and the caller's only copy).
mq_status check_not_source(const mq_model& source, const char* path) {
  struct stat status {};
  if (::stat(path, &status) != 0) return MQ_OK;  // absent (or unreachable: the write will say)
  if (static_cast<uint64_t>(status.st_dev) == source.file.device() &&
      static_cast<uint64_t>(status.st_ino) == source.file.inode()) {
    return fail(MQ_ERR_INVALID_ARGUMENT,
                "'%s' is the source file; write the quantized model to another path", path);
  }
  return MQ_OK;
}

// For every source tensor, the report layer that replaces it (kNotReplaced when it is copied).
mq_status match_layers(const mq_model& source, const mq_report& report,
                       std::vector<size_t>* replaced_by, std::vector<size_t>* tensor_of_layer) {
  replaced_by->assign(source.table.tensors.size(), kNotReplaced);
  tensor_of_layer->assign(report.layers.size(), 0);
  for (size_t i = 0; i < report.layers.size(); ++i) {
    const sched::ReportLayer& r = report.layers[i];
    const mq::capi::CheckpointLayer* l =
        source.checkpoint.find({r.plan.name.data(), r.plan.name.size()});
    if (l == nullptr || l->rows != r.plan.rows || l->cols != r.plan.cols) {
      return fail(MQ_ERR_INVALID_ARGUMENT,
                  "report layer %zu ('%s', %llu x %llu) is not a layer of the source model (see "
                  "mq_model_describe_layers)",
                  i, r.plan.name.c_str(), static_cast<unsigned long long>(r.plan.rows),
                  static_cast<unsigned long long>(r.plan.cols));
    }
    (*tensor_of_layer)[i] = l->tensor;
    if (r.plan.decision == MQ_DECISION_KEEP) continue;
    if (r.taken) {
      return fail(MQ_ERR_INVALID_ARGUMENT,
                  "the packed weights of report layer %zu ('%s') were taken; the report no "
                  "longer holds them",
                  i, r.plan.name.c_str());
    }
    (*replaced_by)[l->tensor] = i;
  }
  return MQ_OK;
}

mf::OutputTensor matrix(std::string name, mf::Dtype dtype, uint64_t rows, uint64_t cols) {
  mf::OutputTensor t{};
  t.name = std::move(name);
  t.dtype = dtype;
  t.rank = 2;
  t.shape[0] = rows;
  t.shape[1] = cols;
  t.bytes = rows * cols * mf::dtype_size(dtype);
  return t;
}

// The tensors a quantized layer's weight `tensor` becomes, in the file's order.
void append_quantized_tensors(const sched::ReportLayer& r, const std::string& tensor,
                              std::vector<mf::OutputTensor>* out) {
  const sched::PlanLayer& l = r.plan;
  const bool int4 = l.decision == MQ_DECISION_INT4;
  const uint64_t rows = l.rows;
  out->push_back(matrix(tensor + std::string(mq::capi::kCodesSuffix),
                        int4 ? mf::Dtype::u8 : mf::Dtype::i8, rows, r.codes_len / rows));
  out->push_back(matrix(tensor + std::string(mq::capi::kScalesSuffix), mf::Dtype::f32, rows,
                        r.scales_len / rows));
  if (r.zero_points_len != 0) {
    out->push_back(matrix(tensor + std::string(mq::capi::kZeroPointsSuffix), mf::Dtype::u8, rows,
                          r.zero_points_len / rows));
  }
}

mf::OutputTensor copy_of(const mf::SafetensorsTable& table, const mf::TensorEntry& t) {
  mf::OutputTensor out{};
  out.name = std::string(table.name(t));
  out.dtype = t.dtype;
  out.rank = t.rank;
  for (uint32_t d = 0; d < t.rank; ++d) out.shape[d] = t.shape[d];
  out.bytes = t.end - t.begin;
  return out;
}

mf::MetadataPairs output_metadata(const mq_model& source, const mq_report& report,
                                  const std::vector<size_t>& tensor_of_layer) {
  const sched::PlanSettings& s = report.settings;
  mf::MetadataPairs ours = {
      {mq::capi::kFormatKey, mq::capi::kFormatName},
      {mq::capi::kFormatVersionKey, std::to_string(mq::capi::kFormatVersion)},
      {mq::capi::kBitsKey, std::to_string(s.bits)},
      // Per-row INT8 has no groups: -1, as GPTQ-style configs say "per channel".
      {mq::capi::kGroupSizeKey, s.bits == 8 ? std::string("-1") : std::to_string(s.group)},
      {mq::capi::kSchemeKey, sched::scheme_name(s.scheme)},
      {mq::capi::kVersionKey, std::to_string(MQ_VERSION_MAJOR) + "." +
                                  std::to_string(MQ_VERSION_MINOR) + "." +
                                  std::to_string(MQ_VERSION_PATCH)},
      {mq::capi::kPlanKey, mq::capi::plan_json(s)},
  };
  std::string layers = "[";
  for (size_t i = 0; i < report.layers.size(); ++i) {
    if (i > 0) layers.push_back(',');
    const mf::TensorEntry& t = source.table.tensors[tensor_of_layer[i]];
    mq::capi::append_layer_json(report.layers[i], source.table.name(t), &layers);
  }
  layers.push_back(']');
  ours.emplace_back(mq::capi::kLayersKey, std::move(layers));
  const sched::HostString table = sched::report_table(report, MQ_TABLE_NO_TIMES);
  ours.emplace_back(mq::capi::kReportKey, std::string(table.data(), table.size()));

  // The source's own entries ("format": "pt", ...) stay, except those this file redefines.
  mf::MetadataPairs all;
  for (const mf::MetadataEntry& m : source.table.metadata) {
    const std::string_view key = source.table.key(m);
    bool redefined = false;
    for (const auto& entry : ours) redefined = redefined || key == entry.first;
    if (!redefined) all.emplace_back(std::string(key), source.table.string_at(m.value_offset));
  }
  all.insert(all.end(), ours.begin(), ours.end());
  return all;
}

// Writes the data of one quantized layer: its canonical outputs, exported into scratch buffers.
bool write_quantized_layer(const mq_context& c, const sched::ReportLayer& r, mf::AtomicFile* file,
                           std::string* error) {
  const auto codes_bytes = static_cast<size_t>(r.codes_len);
  const auto scales_bytes = static_cast<size_t>(r.scales_len) * sizeof(float);
  const auto zps_bytes = static_cast<size_t>(r.zero_points_len);
  mq::capi::ScopedBuffer codes(c.allocator, codes_bytes, 64);
  mq::capi::ScopedBuffer scales(c.allocator, scales_bytes, 64);
  mq::capi::ScopedBuffer zps(c.allocator, zps_bytes, 64);
  if (codes.get() == nullptr || scales.get() == nullptr || zps.get() == nullptr) {
    throw std::bad_alloc();
  }
  sched::export_canonical(r, static_cast<uint8_t*>(codes.get()), static_cast<float*>(scales.get()),
                          static_cast<uint8_t*>(zps.get()));
  return file->write(codes.get(), codes_bytes, error) &&
         file->write(scales.get(), scales_bytes, error) &&
         (zps_bytes == 0 || file->write(zps.get(), zps_bytes, error));
}

}  // namespace

extern "C" {

mq_status mq_model_write_quantized(mq_context* context, const mq_model* source,
                                   const mq_report* report, const char* path,
                                   const mq_model_write_options* options) {
  return api_call("mq_model_write_quantized", [&]() -> mq_status {
    const mq_context* c = nullptr;
    MQ_RETURN_IF_ERROR(mq::capi::resolve_context(context, &c));
    MQ_RETURN_IF_ERROR(check_not_null(source, "source"));
    MQ_RETURN_IF_ERROR(check_not_null(report, "report"));
    MQ_RETURN_IF_ERROR(check_not_null(path, "path"));
    mq_model_write_options o{};
    MQ_RETURN_IF_ERROR(read_write_options(options, &o));
    if (report->output != MQ_RUN_OUTPUT_CANONICAL && report->output != MQ_RUN_OUTPUT_PACKED) {
      return fail(MQ_ERR_INVALID_ARGUMENT,
                  "the report holds no quantized weights (run the plan with "
                  "MQ_RUN_OUTPUT_CANONICAL or MQ_RUN_OUTPUT_PACKED)");
    }
    MQ_RETURN_IF_ERROR(check_not_source(*source, path));
    std::vector<size_t> replaced_by, tensor_of_layer;
    MQ_RETURN_IF_ERROR(match_layers(*source, *report, &replaced_by, &tensor_of_layer));

    const mf::SafetensorsTable& table = source->table;
    std::vector<mf::OutputTensor> tensors;
    for (size_t i = 0; i < table.tensors.size(); ++i) {
      const size_t layer = replaced_by[i];
      if (layer == kNotReplaced) {
        tensors.push_back(copy_of(table, table.tensors[i]));
        continue;
      }
      const size_t first = tensors.size();
      append_quantized_tensors(report->layers[layer], std::string(table.name(table.tensors[i])),
                               &tensors);
      for (size_t t = first; t < tensors.size(); ++t) {
        if (table.find_tensor(tensors[t].name) != table.tensors.size()) {
          return fail(MQ_ERR_INVALID_ARGUMENT,
                      "the source already has a tensor called '%s', a name the quantized file "
                      "needs for layer '%s'",
                      tensors[t].name.c_str(), report->layers[layer].plan.name.c_str());
        }
      }
    }
    uint64_t total = 0;
    for (const mf::OutputTensor& t : tensors) total += t.bytes;
    const std::string prefix =
        mf::safetensors_prefix(tensors, output_metadata(*source, *report, tensor_of_layer));

    std::string error;
    mf::AtomicFile file;
    if (!file.open(path, &error) || !file.write(prefix.data(), prefix.size(), &error)) {
      return fail(MQ_ERR_IO, "%s", error.c_str());
    }
    uint64_t done = 0;
    for (size_t i = 0; i < table.tensors.size(); ++i) {
      const mf::TensorEntry& t = table.tensors[i];
      const size_t layer = replaced_by[i];
      bool written = false;
      if (layer == kNotReplaced) {
        written = file.write(source->file.data() + table.data_offset + t.begin,
                             static_cast<size_t>(t.end - t.begin), &error);
        done += t.end - t.begin;
      } else {
        const sched::ReportLayer& r = report->layers[layer];
        written = write_quantized_layer(*c, r, &file, &error);
        done += r.codes_len + r.scales_len * sizeof(float) + r.zero_points_len;
      }
      if (!written) return fail(MQ_ERR_IO, "%s", error.c_str());
      if (o.progress != nullptr) o.progress(o.progress_user, done, total);
    }
    if (!file.commit(&error)) return fail(MQ_ERR_IO, "%s", error.c_str());
    return MQ_OK;
  });
}

}  // extern "C"
