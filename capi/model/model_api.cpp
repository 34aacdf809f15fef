// mq_model_* and mq_dtype_*: opening safetensors files (model_file/ does the mapping and the
// validation; this file adds handles, argument checks and statuses), describing them and reading
// their tensors.
#include <cstdint>
#include <cstring>
#include <string>

#include "capi/api_call.h"
#include "capi/checks.h"
#include "capi/context.h"
#include "capi/host_memory_resource.h"
#include "capi/kernel_select.h"
#include "capi/model/model.h"
#include "capi/model_file/safetensors.h"
#include "capi/options.h"
#include "capi/parallel.h"
#include "capi/scheduler/host_memory.h"

// safetensors data is little-endian; F32 tensors are copied as they are.
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "monoquant's model-file reader assumes a little-endian host"
#endif

namespace mf = mq::model_file;

static_assert(static_cast<int32_t>(mf::Dtype::f32) == MQ_DTYPE_F32);
static_assert(static_cast<int32_t>(mf::Dtype::f16) == MQ_DTYPE_F16);
static_assert(static_cast<int32_t>(mf::Dtype::bf16) == MQ_DTYPE_BF16);
static_assert(static_cast<int32_t>(mf::Dtype::f64) == MQ_DTYPE_F64);
static_assert(static_cast<int32_t>(mf::Dtype::u8) == MQ_DTYPE_U8);
static_assert(static_cast<int32_t>(mf::Dtype::i8) == MQ_DTYPE_I8);
static_assert(static_cast<int32_t>(mf::Dtype::i16) == MQ_DTYPE_I16);
static_assert(static_cast<int32_t>(mf::Dtype::u16) == MQ_DTYPE_U16);
static_assert(static_cast<int32_t>(mf::Dtype::i32) == MQ_DTYPE_I32);
static_assert(static_cast<int32_t>(mf::Dtype::u32) == MQ_DTYPE_U32);
static_assert(static_cast<int32_t>(mf::Dtype::i64) == MQ_DTYPE_I64);
static_assert(static_cast<int32_t>(mf::Dtype::u64) == MQ_DTYPE_U64);
static_assert(static_cast<int32_t>(mf::Dtype::boolean) == MQ_DTYPE_BOOL);
static_assert(static_cast<int32_t>(mf::Dtype::f8_e4m3) == MQ_DTYPE_F8_E4M3);
static_assert(static_cast<int32_t>(mf::Dtype::f8_e5m2) == MQ_DTYPE_F8_E5M2);
static_assert(static_cast<int32_t>(mf::Dtype::f8_e8m0) == MQ_DTYPE_F8_E8M0);
static_assert(static_cast<int32_t>(mf::Dtype::c64) == MQ_DTYPE_C64);
static_assert(mf::kDtypeCount == MQ_DTYPE_C64 + 1, "a dtype is missing from mq_dtype");
static_assert(mf::kMaxRank == MQ_MODEL_MAX_RANK);

using mq::capi::api_call;
using mq::capi::check_not_null;
using mq::capi::fail;
namespace sched = mq::capi::sched;

namespace {

// Frees a half-built model on every early return of mq_model_open.
struct ModelGuard {
  mq_model* model;
  ~ModelGuard() { sched::delete_handle(model); }
  mq_model* release() {
    mq_model* m = model;
    model = nullptr;
    return m;
  }
};

mq_status check_dtype(mq_dtype dtype) {
  if (static_cast<int32_t>(dtype) < 0 || static_cast<int32_t>(dtype) >= mf::kDtypeCount) {
    return fail(MQ_ERR_INVALID_ARGUMENT, "dtype %d is not a mq_dtype", static_cast<int>(dtype));
  }
  return MQ_OK;
}

mq_status check_index(const mq_model& model, uint64_t index) {
  if (index >= model.table.tensors.size()) {
    return fail(MQ_ERR_INVALID_ARGUMENT, "index %llu is out of range (the model has %zu tensors)",
                static_cast<unsigned long long>(index), model.table.tensors.size());
  }
  return MQ_OK;
}

// Elements converted per "row" of the parallel split: a strip that keeps tasks coarse.
constexpr size_t kConvertTile = 4096;

}  // namespace

extern "C" {

mq_status mq_dtype_name(mq_dtype dtype, const char** name) {
  return api_call("mq_dtype_name", [&]() -> mq_status {
    MQ_RETURN_IF_ERROR(check_not_null(name, "name"));
    MQ_RETURN_IF_ERROR(check_dtype(dtype));
    *name = mf::dtype_name(static_cast<mf::Dtype>(dtype));
    return MQ_OK;
  });
}

mq_status mq_dtype_size(mq_dtype dtype, uint32_t* bytes) {
  return api_call("mq_dtype_size", [&]() -> mq_status {
    MQ_RETURN_IF_ERROR(check_not_null(bytes, "bytes"));
    MQ_RETURN_IF_ERROR(check_dtype(dtype));
    *bytes = mf::dtype_size(static_cast<mf::Dtype>(dtype));
    return MQ_OK;
  });
}

mq_status mq_model_open(mq_context* context, const char* path, mq_model** model) {
  return api_call("mq_model_open", [&]() -> mq_status {
    const mq_context* c = nullptr;
    MQ_RETURN_IF_ERROR(mq::capi::resolve_context(context, &c));
    MQ_RETURN_IF_ERROR(check_not_null(path, "path"));
    MQ_RETURN_IF_ERROR(check_not_null(model, "model"));
    ModelGuard guard{sched::new_handle<mq_model>(c->allocator, c->allocator)};
    std::string error;
    if (!guard.model->file.open(path, &error)) return fail(MQ_ERR_IO, "%s", error.c_str());
    const mf::ParseResult parsed = mf::parse_safetensors(
        guard.model->file.data(), guard.model->file.size(), &guard.model->table);
    if (parsed.problem != mf::ParseProblem::none) {
      // The problem first: a long path must not push it out of the bounded message.
      return fail(parsed.problem == mf::ParseProblem::unsupported ? MQ_ERR_UNSUPPORTED
                                                                  : MQ_ERR_MALFORMED_FILE,
                  "%s (in '%s')", parsed.message.c_str(), path);
    }
    MQ_RETURN_IF_ERROR(
        mq::capi::read_quantized_metadata(guard.model->table, path, &guard.model->quantized));
    mq::capi::find_checkpoint_layers(guard.model->table, &guard.model->checkpoint);
    *model = guard.release();
    return MQ_OK;
  });
}

mq_status mq_model_close(mq_model* model) {
  return api_call("mq_model_close", [&]() -> mq_status {
    sched::delete_handle(model);
    return MQ_OK;
  });
}

mq_status mq_model_get_info(const mq_model* model, mq_model_info* info) {
  return api_call("mq_model_get_info", [&]() -> mq_status {
    MQ_RETURN_IF_ERROR(check_not_null(model, "model"));
    MQ_RETURN_IF_ERROR(check_not_null(info, "info"));
    mq_model_info full{};
    full.struct_size = sizeof(mq_model_info);
    full.format = MQ_MODEL_FORMAT_SAFETENSORS;
    full.tensor_count = model->table.tensors.size();
    full.metadata_count = model->table.metadata.size();
    full.file_size = model->file.size();
    full.header_size = model->table.header_size;
    full.data_offset = model->table.data_offset;
    const mq::capi::QuantizedFile& q = model->quantized;
    full.format_version = q.version;
    full.bits = q.bits;
    full.group_size = q.group;
    full.scheme = q.scheme;
    full.layer_count = q.layers.size();
    return mq::capi::write_struct(full, info);
  });
}

mq_status mq_model_get_tensor(const mq_model* model, uint64_t index, mq_tensor_info* info) {
  return api_call("mq_model_get_tensor", [&]() -> mq_status {
    MQ_RETURN_IF_ERROR(check_not_null(model, "model"));
    MQ_RETURN_IF_ERROR(check_not_null(info, "info"));
    MQ_RETURN_IF_ERROR(check_index(*model, index));
    const mf::TensorEntry& t = model->table.tensors[index];
    mq_tensor_info full{};
    full.struct_size = sizeof(mq_tensor_info);
    full.dtype = static_cast<mq_dtype>(t.dtype);
    full.name = model->table.string_at(t.name_offset);
    full.rank = t.rank;
    std::memcpy(full.shape, t.shape, sizeof full.shape);
    full.element_count = t.elements;
    full.byte_size = t.end - t.begin;
    full.file_offset = model->table.data_offset + t.begin;
    return mq::capi::write_struct(full, info);
  });
}

mq_status mq_model_find_tensor(const mq_model* model, const char* name, int32_t* found,
                               uint64_t* index) {
  return api_call("mq_model_find_tensor", [&]() -> mq_status {
    MQ_RETURN_IF_ERROR(check_not_null(model, "model"));
    MQ_RETURN_IF_ERROR(check_not_null(name, "name"));
    MQ_RETURN_IF_ERROR(check_not_null(found, "found"));
    MQ_RETURN_IF_ERROR(check_not_null(index, "index"));
    const size_t i = model->table.find_tensor(name);
    *found = i < model->table.tensors.size() ? 1 : 0;
    if (*found != 0) *index = i;
    return MQ_OK;
  });
}

mq_status mq_model_get_metadata(const mq_model* model, uint64_t index, const char** key,
                                const char** value) {
  return api_call("mq_model_get_metadata", [&]() -> mq_status {
    MQ_RETURN_IF_ERROR(check_not_null(model, "model"));
    MQ_RETURN_IF_ERROR(check_not_null(key, "key"));
    MQ_RETURN_IF_ERROR(check_not_null(value, "value"));
    if (index >= model->table.metadata.size()) {
      return fail(MQ_ERR_INVALID_ARGUMENT,
                  "index %llu is out of range (the model has %zu metadata entries)",
                  static_cast<unsigned long long>(index), model->table.metadata.size());
    }
    const mf::MetadataEntry& m = model->table.metadata[index];
    *key = model->table.string_at(m.key_offset);
    *value = model->table.string_at(m.value_offset);
    return MQ_OK;
  });
}

mq_status mq_model_find_metadata(const mq_model* model, const char* key, const char** value) {
  return api_call("mq_model_find_metadata", [&]() -> mq_status {
    MQ_RETURN_IF_ERROR(check_not_null(model, "model"));
    MQ_RETURN_IF_ERROR(check_not_null(key, "key"));
    MQ_RETURN_IF_ERROR(check_not_null(value, "value"));
    const mf::MetadataEntry* m = model->table.find_metadata(key);
    *value = m == nullptr ? nullptr : model->table.string_at(m->value_offset);
    return MQ_OK;
  });
}

mq_status mq_model_read_f32(mq_context* context, const mq_model* model, uint64_t index, float* dst,
                            uint64_t dst_len) {
  return api_call("mq_model_read_f32", [&]() -> mq_status {
    const mq_context* c = nullptr;
    MQ_RETURN_IF_ERROR(mq::capi::resolve_context(context, &c));
    MQ_RETURN_IF_ERROR(check_not_null(model, "model"));
    MQ_RETURN_IF_ERROR(check_not_null(dst, "dst"));
    MQ_RETURN_IF_ERROR(check_index(*model, index));
    const mf::SafetensorsTable& table = model->table;
    const mf::TensorEntry& t = table.tensors[index];
    if (t.dtype != mf::Dtype::f32 && t.dtype != mf::Dtype::f16 && t.dtype != mf::Dtype::bf16) {
      return fail(MQ_ERR_UNSUPPORTED,
                  "tensor '%s' has dtype %s; only F32, F16 and BF16 tensors read as fp32 (use "
                  "mq_model_tensor_data for the raw bytes)",
                  table.string_at(t.name_offset), mf::dtype_name(t.dtype));
    }
    if (dst_len < t.elements) {
      return fail(MQ_ERR_BUFFER_TOO_SMALL, "dst_len is %llu but tensor '%s' has %llu elements",
                  static_cast<unsigned long long>(dst_len), table.string_at(t.name_offset),
                  static_cast<unsigned long long>(t.elements));
    }
    // The tensor lies inside the mapping (validated at open), so its element count fits size_t.
    const auto elements = static_cast<size_t>(t.elements);
    if (elements == 0) return MQ_OK;
    const uint8_t* src = model->file.data() + table.data_offset + t.begin;
    const mq::kernels::ConvertKernel& kernel = mq::capi::select_convert(*c);
    const mf::Dtype dtype = t.dtype;
    const mq_status run = mq::capi::parallel_rows(
        *c, elements, kConvertTile, sizeof(float), [&](size_t begin, size_t end) {
          if (dtype == mf::Dtype::f32) {
            std::memcpy(dst + begin, src + begin * sizeof(float), (end - begin) * sizeof(float));
          } else if (dtype == mf::Dtype::f16) {
            kernel.f16_to_f32(src + begin * 2, end - begin, dst + begin);
          } else {
            kernel.bf16_to_f32(src + begin * 2, end - begin, dst + begin);
          }
        });
    // A host executor that failed may have left tasks undone: never hand back a partial tensor.
    if (run != MQ_OK) mq::capi::zero_fill(dst, elements * sizeof(float));
    return run;
  });
}

mq_status mq_model_tensor_data(const mq_model* model, uint64_t index, const void** data,
                               uint64_t* bytes) {
  return api_call("mq_model_tensor_data", [&]() -> mq_status {
    MQ_RETURN_IF_ERROR(check_not_null(model, "model"));
    MQ_RETURN_IF_ERROR(check_not_null(data, "data"));
    MQ_RETURN_IF_ERROR(check_not_null(bytes, "bytes"));
    MQ_RETURN_IF_ERROR(check_index(*model, index));
    const mf::TensorEntry& t = model->table.tensors[index];
    *data = model->file.data() + model->table.data_offset + t.begin;
    *bytes = t.end - t.begin;
    return MQ_OK;
  });
}

}  // extern "C"
