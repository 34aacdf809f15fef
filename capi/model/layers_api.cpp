// mq_model_describe_layers (the layers a checkpoint's tensors make, for a plan) and the layers of
// a quantized file: mq_model_get_layer, mq_model_find_layer, mq_model_load_packed.
#include <cstdint>
#include <cstring>
#include <string>

#include "capi/api_call.h"
#include "capi/checks.h"
#include "capi/context.h"
#include "capi/model/model.h"
#include "capi/options.h"
#include "capi/scheduler/scheduler.h"

using mq::capi::api_call;
using mq::capi::check_not_null;
using mq::capi::fail;
namespace sched = mq::capi::sched;

namespace {

mq_status read_layer_options(const mq_model_layer_options* options, mq_model_layer_options* o) {
  *o = mq_model_layer_options{};
  o->struct_size = sizeof(mq_model_layer_options);
  if (options == nullptr) return MQ_OK;
  MQ_RETURN_IF_ERROR(mq::capi::read_options(*options, o));
  if (o->reserved0 != 0) return fail(MQ_ERR_INVALID_ARGUMENT, "reserved0 must be 0");
  if (o->kind_override_count == 0) return MQ_OK;
  MQ_RETURN_IF_ERROR(check_not_null(o->kind_override_names, "kind_override_names"));
  MQ_RETURN_IF_ERROR(check_not_null(o->kind_override_kinds, "kind_override_kinds"));
  for (uint64_t i = 0; i < o->kind_override_count; ++i) {
    MQ_RETURN_IF_ERROR(sched::check_name(o->kind_override_names[i], "kind_override_names", i));
    if (!sched::valid_kind(o->kind_override_kinds[i])) {
      return fail(MQ_ERR_INVALID_ARGUMENT, "kind_override_kinds[%llu] is %d, not a mq_layer_kind",
                  static_cast<unsigned long long>(i), static_cast<int>(o->kind_override_kinds[i]));
    }
  }
  return MQ_OK;
}

mq_layer_kind kind_of(const char* name, mq_layer_kind inferred, const mq_model_layer_options& o) {
  for (uint64_t i = 0; i < o.kind_override_count; ++i) {
    if (sched::name_matches(o.kind_override_names[i], name)) return o.kind_override_kinds[i];
  }
  return inferred;
}

mq_status check_layer_index(const mq_model& model, uint64_t index) {
  if (index >= model.quantized.layers.size()) {
    return fail(MQ_ERR_INVALID_ARGUMENT, "layer index %llu is out of range (the file records %zu)",
                static_cast<unsigned long long>(index), model.quantized.layers.size());
  }
  return MQ_OK;
}

uint64_t public_index(size_t tensor) {
  return tensor == mq::capi::StoredLayer::kNone ? MQ_NO_TENSOR : tensor;
}

// A view of tensor `index` of the mapping.
const uint8_t* tensor_bytes(const mq_model& model, size_t index) {
  return model.file.data() + model.table.data_offset + model.table.tensors[index].begin;
}

}  // namespace

extern "C" {

mq_status mq_model_describe_layers(const mq_model* model, const mq_model_layer_options* options,
                                   mq_layer_desc* layers, uint64_t* weight_tensors,
                                   uint64_t layers_len, uint64_t* layer_count) {
  return api_call("mq_model_describe_layers", [&]() -> mq_status {
    MQ_RETURN_IF_ERROR(check_not_null(model, "model"));
    MQ_RETURN_IF_ERROR(check_not_null(layer_count, "layer_count"));
    mq_model_layer_options o{};
    MQ_RETURN_IF_ERROR(read_layer_options(options, &o));
    const auto& found = model->checkpoint.layers;
    if (layers == nullptr) {
      // The size query; anything else without a layers array is a mistake.
      if (weight_tensors != nullptr || layers_len != 0) {
        return fail(MQ_ERR_NULL_POINTER, "layers is NULL but layers_len is %llu",
                    static_cast<unsigned long long>(layers_len));
      }
      *layer_count = found.size();
      return MQ_OK;
    }
    if (layers_len < found.size()) {
      return fail(MQ_ERR_BUFFER_TOO_SMALL, "layers_len is %llu but the model has %zu layers",
                  static_cast<unsigned long long>(layers_len), found.size());
    }
    for (size_t i = 0; i < found.size(); ++i) {
      const mq::capi::CheckpointLayer& l = found[i];
      mq_layer_desc d{};
      d.struct_size = sizeof(mq_layer_desc);
      d.name = model->checkpoint.name(l);
      d.kind = kind_of(d.name, l.kind, o);
      d.rows = l.rows;
      d.cols = l.cols;
      d.param_count = l.params;
      layers[i] = d;
      if (weight_tensors != nullptr) weight_tensors[i] = l.tensor;
    }
    *layer_count = found.size();
    return MQ_OK;
  });
}

mq_status mq_model_get_layer(const mq_model* model, uint64_t index, mq_model_layer* layer) {
  return api_call("mq_model_get_layer", [&]() -> mq_status {
    MQ_RETURN_IF_ERROR(check_not_null(model, "model"));
    MQ_RETURN_IF_ERROR(check_not_null(layer, "layer"));
    MQ_RETURN_IF_ERROR(check_layer_index(*model, index));
    const mq::capi::QuantizedFile& q = model->quantized;
    const mq::capi::StoredLayer& l = q.layers[static_cast<size_t>(index)];
    mq_model_layer full{};
    full.struct_size = sizeof(mq_model_layer);
    full.kind = l.kind;
    full.name = q.string_at(l.name_offset);
    full.tensor_name = q.string_at(l.tensor_name_offset);
    full.rows = l.rows;
    full.cols = l.cols;
    full.decision = l.decision;
    full.rule = l.rule;
    full.rule_detail = q.string_at(l.detail_offset);
    full.format = l.format;
    full.scheme = l.scheme;
    full.group_size = l.group;
    full.sqnr_db = l.sqnr_db;
    full.weight_tensor = public_index(l.weight_tensor);
    full.codes_tensor = public_index(l.codes_tensor);
    full.scales_tensor = public_index(l.scales_tensor);
    full.zero_points_tensor = public_index(l.zero_points_tensor);
    return mq::capi::write_struct(full, layer);
  });
}

mq_status mq_model_find_layer(const mq_model* model, const char* name, int32_t* found,
                              uint64_t* index) {
  return api_call("mq_model_find_layer", [&]() -> mq_status {
    MQ_RETURN_IF_ERROR(check_not_null(model, "model"));
    MQ_RETURN_IF_ERROR(check_not_null(name, "name"));
    MQ_RETURN_IF_ERROR(check_not_null(found, "found"));
    MQ_RETURN_IF_ERROR(check_not_null(index, "index"));
    const size_t i = model->quantized.find(name);
    *found = i < model->quantized.layers.size() ? 1 : 0;
    if (*found != 0) *index = i;
    return MQ_OK;
  });
}

mq_status mq_model_load_packed(mq_context* context, const mq_model* model, uint64_t index,
                               mq_packed_weights** packed) {
  return api_call("mq_model_load_packed", [&]() -> mq_status {
    const mq_context* c = nullptr;
    MQ_RETURN_IF_ERROR(mq::capi::resolve_context(context, &c));
    MQ_RETURN_IF_ERROR(check_not_null(model, "model"));
    MQ_RETURN_IF_ERROR(check_not_null(packed, "packed"));
    MQ_RETURN_IF_ERROR(check_layer_index(*model, index));
    const mq::capi::QuantizedFile& q = model->quantized;
    const mq::capi::StoredLayer& l = q.layers[static_cast<size_t>(index)];
    const char* name = q.string_at(l.name_offset);
    if (l.decision == MQ_DECISION_KEEP) {
      return fail(MQ_ERR_INVALID_ARGUMENT,
                  "layer %llu ('%s') was kept, not quantized: read its weight tensor with "
                  "mq_model_read_f32",
                  static_cast<unsigned long long>(index), name);
    }
    // The file's scales need not be 4-byte aligned; the kernels take a float array.
    const uint64_t scale_count = model->table.tensors[l.scales_tensor].elements;
    mq::capi::ScopedBuffer scales(c->allocator, static_cast<size_t>(scale_count) * sizeof(float),
                                  alignof(float));
    if (scales.get() == nullptr) return fail(MQ_ERR_OUT_OF_MEMORY, "cannot copy the scales");
    std::memcpy(scales.get(), tensor_bytes(*model, l.scales_tensor),
                static_cast<size_t>(scale_count) * sizeof(float));
    const auto* scale_data = static_cast<const float*>(scales.get());
    const uint8_t* codes = tensor_bytes(*model, l.codes_tensor);
    const uint64_t codes_len = model->table.tensors[l.codes_tensor].elements;
    const bool asym = l.zero_points_tensor != mq::capi::StoredLayer::kNone;
    const uint8_t* zps = asym ? tensor_bytes(*model, l.zero_points_tensor) : nullptr;
    const uint64_t zps_len = asym ? model->table.tensors[l.zero_points_tensor].elements : 0;
    const mq_status made =
        l.decision == MQ_DECISION_INT4
            ? mq_packed_create_from_int4(context, codes, codes_len, scale_data, scale_count, zps,
                                         zps_len, l.rows, l.cols, l.group, l.scheme, packed)
            : mq_packed_create_from_int8_rows(context, reinterpret_cast<const int8_t*>(codes),
                                              codes_len, scale_data, scale_count, l.rows, l.cols,
                                              packed);
    if (made == MQ_ERR_VALUE_OUT_OF_RANGE || made == MQ_ERR_NON_FINITE) {
      // A code, zero point or scale outside its format: the file is at fault, not the caller.
      const std::string why = mq::capi::last_error_message();
      mq::capi::set_current_entry_point("mq_model_load_packed");
      return fail(MQ_ERR_MALFORMED_FILE, "layer %llu ('%s'): %s",
                  static_cast<unsigned long long>(index), name, why.c_str());
    }
    return made;
  });
}

}  // extern "C"
