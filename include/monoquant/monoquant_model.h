/*
 * monoquant model-file API: included by monoquant/monoquant.h, never on its own.
 *
 * Reads safetensors files (https://github.com/huggingface/safetensors): an 8-byte little-endian
 * header length N, N bytes of JSON header, then the data section. mq_model_open memory-maps the
 * file read-only, then parses and validates the whole header before it returns, so every later
 * query works on a table known to be consistent. docs/model-files.md lists the validation rules.
 *
 * Tensor order: index i is the i-th tensor by position in the data section (ascending data
 * offset; zero-byte tensors sharing an offset keep their header order). Reading tensors in index
 * order reads the file front to back. Metadata order: ascending by key (byte-wise).
 *
 * Thread safety: an open model is immutable. Any number of threads may query it and read its
 * tensors at once; mq_model_close must not race with any other call on the same model.
 *
 * Strings (tensor names, metadata keys and values) are NUL-terminated UTF-8 owned by the model,
 * valid until mq_model_close. A name, key or value that contains a NUL character (JSON "\u0000")
 * is refused when the file is opened, so these strings are never cut short.
 *
 * The file must not be truncated or rewritten while it is open: like every memory-mapped reader,
 * the process would then get SIGBUS on access to the vanished pages.
 */
#ifndef MONOQUANT_MONOQUANT_MODEL_H
#define MONOQUANT_MONOQUANT_MODEL_H

#include "monoquant/monoquant.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------------------
 * Element types
 * -------------------------------------------------------------------------------------------------
 */

/* The element types of safetensors tensors. Values are pinned; new ones are appended. */
typedef MQ_ENUM(mq_dtype){MQ_DTYPE_F32 = 0,      /* "F32": IEEE binary32 */
                          MQ_DTYPE_F16 = 1,      /* "F16": IEEE binary16 */
                          MQ_DTYPE_BF16 = 2,     /* "BF16": bfloat16 */
                          MQ_DTYPE_F64 = 3,      /* "F64" */
                          MQ_DTYPE_U8 = 4,       /* "U8" */
                          MQ_DTYPE_I8 = 5,       /* "I8" */
                          MQ_DTYPE_I16 = 6,      /* "I16" */
                          MQ_DTYPE_U16 = 7,      /* "U16" */
                          MQ_DTYPE_I32 = 8,      /* "I32" */
                          MQ_DTYPE_U32 = 9,      /* "U32" */
                          MQ_DTYPE_I64 = 10,     /* "I64" */
                          MQ_DTYPE_U64 = 11,     /* "U64" */
                          MQ_DTYPE_BOOL = 12,    /* "BOOL": one byte per element */
                          MQ_DTYPE_F8_E4M3 = 13, /* "F8_E4M3" */
                          MQ_DTYPE_F8_E5M2 = 14, /* "F8_E5M2" */
                          MQ_DTYPE_F8_E8M0 = 15, /* "F8_E8M0" */
                          MQ_DTYPE_C64 = 16,     /* "C64": complex of two binary32 */
                          MQ_DTYPE_MAX_ENUM = 0x7FFFFFFF} mq_dtype;

/* The safetensors spelling of a dtype ("BF16"), a static string. MQ_ERR_INVALID_ARGUMENT for a
 * value that is not an mq_dtype. */
MQ_API mq_status mq_dtype_name(mq_dtype dtype, const char** name);

/* The size of one element in bytes. MQ_ERR_INVALID_ARGUMENT for a value that is not an mq_dtype. */
MQ_API mq_status mq_dtype_size(mq_dtype dtype, uint32_t* bytes);

/* ---------------------------------------------------------------------------------------------------
 * Opening a model file
 * -------------------------------------------------------------------------------------------------
 */

typedef struct mq_model mq_model;

/* The file formats mq_model_open reads. */
typedef MQ_ENUM(mq_model_format){MQ_MODEL_FORMAT_SAFETENSORS = 1,
                                 MQ_MODEL_FORMAT_MAX_ENUM = 0x7FFFFFFF} mq_model_format;

/* Tensors have at most this many dimensions (a file with more is refused). */
#define MQ_MODEL_MAX_RANK 8

/* Opens and validates a safetensors file. The file is memory-mapped read-only and stays mapped
 * until mq_model_close; the model's tables (names, shapes, metadata) come from the context's
 * allocator (the JSON parser's temporary buffers, freed before return, from the C++ heap).
 * `*model` is written only on success.
 * Errors: MQ_ERR_NULL_POINTER (path, model); MQ_ERR_IO when the file cannot be opened, examined or
 * mapped, or is not a regular file (the message names the path and the system's reason);
 * MQ_ERR_MALFORMED_FILE when the contents break a rule of the format (the message names the rule
 * and, where there is one, the tensor); MQ_ERR_UNSUPPORTED for a tensor of a dtype the format
 * defines but this library does not read (the sub-byte F4 / F6 types);
 * MQ_ERR_OUT_OF_MEMORY. */
MQ_API mq_status mq_model_open(mq_context* context, const char* path, mq_model** model);

/* Unmaps the file and frees the model (NULL is accepted). Pointers obtained from the model
 * (strings, mq_model_tensor_data) become invalid. */
MQ_API mq_status mq_model_close(mq_model* model);

typedef struct mq_model_info {
  uint32_t struct_size; /* set by the caller to sizeof(mq_model_info) */
  mq_model_format format;
  uint64_t tensor_count;
  uint64_t metadata_count; /* entries of "__metadata__" */
  uint64_t file_size;      /* bytes */
  uint64_t header_size;    /* bytes of JSON (the N of the 8-byte prefix), padding included */
  uint64_t data_offset;    /* file offset of the data section: 8 + header_size */
  /* A quantized file written by mq_model_write_quantized (format_version >= 1) records these; for
   * any other file they are 0 (scheme MQ_SCHEME_SYMMETRIC). */
  uint32_t format_version; /* the "monoquant.format_version" metadata; 0: not a quantized file */
  uint32_t bits;           /* the plan's bits: 4 or 8 */
  uint64_t group_size;     /* the plan's INT4 group size; 0 for bits 8 (stored as "-1") */
  mq_scheme scheme;        /* the plan's INT4 scheme */
  uint32_t reserved0;      /* written as 0 */
  uint64_t layer_count;    /* the layers the file records (see mq_model_get_layer) */
} mq_model_info;

/* Describes a model. info->struct_size must be set; fields beyond it are not written. */
MQ_API mq_status mq_model_get_info(const mq_model* model, mq_model_info* info);

typedef struct mq_tensor_info {
  uint32_t struct_size; /* set by the caller to sizeof(mq_tensor_info) */
  mq_dtype dtype;
  const char* name;                  /* owned by the model */
  uint32_t rank;                     /* 0 (a scalar: one element) to MQ_MODEL_MAX_RANK */
  uint32_t reserved0;                /* written as 0 */
  uint64_t shape[MQ_MODEL_MAX_RANK]; /* shape[0..rank-1], outermost first; the rest are 0 */
  uint64_t element_count;            /* product of the shape (1 for rank 0; 0 if a dim is 0) */
  uint64_t byte_size;                /* element_count * mq_dtype_size(dtype) */
  uint64_t file_offset;              /* where the tensor's bytes start in the file */
} mq_tensor_info;

/* Describes tensor `index` (0 <= index < tensor_count, in data-offset order). info->struct_size
 * must be set; fields beyond it are not written. MQ_ERR_INVALID_ARGUMENT for an index out of
 * range. */
MQ_API mq_status mq_model_get_tensor(const mq_model* model, uint64_t index, mq_tensor_info* info);

/* Looks a tensor up by its exact name (byte-wise comparison, O(log n)). `*found` is 1 and `*index`
 * its index when it exists; otherwise `*found` is 0 and `*index` is not written. A missing name is
 * not an error (MQ_OK). */
MQ_API mq_status mq_model_find_tensor(const mq_model* model, const char* name, int32_t* found,
                                      uint64_t* index);

/* Metadata entry `index` (0 <= index < metadata_count, ascending by key). */
MQ_API mq_status mq_model_get_metadata(const mq_model* model, uint64_t index, const char** key,
                                       const char** value);

/* The value of metadata `key`, or NULL when the file has no such key (MQ_OK either way). */
MQ_API mq_status mq_model_find_metadata(const mq_model* model, const char* key, const char** value);

/* Reads tensor `index` as fp32 into dst[0 .. element_count). F32 is copied; F16 and BF16 are
 * converted exactly (every finite value, subnormal and infinity is representable in fp32). NaNs:
 * BF16 keeps every bit; F16 keeps the sign and payload and quiets a signalling NaN (sets fp32 bit
 * 22), as the F16C and AArch64 conversion instructions do. Runs on the context's threads.
 * Errors: MQ_ERR_INVALID_ARGUMENT for an index out of range; MQ_ERR_BUFFER_TOO_SMALL when dst_len
 * < element_count; MQ_ERR_UNSUPPORTED (naming the dtype) for any other dtype (use
 * mq_model_tensor_data for those). dst is untouched on error. */
MQ_API mq_status mq_model_read_f32(mq_context* context, const mq_model* model, uint64_t index,
                                   float* dst, uint64_t dst_len);

/* The raw little-endian bytes of tensor `index`, straight from the mapping: `*data` (no alignment
 * guaranteed; a zero-byte tensor's pointer must not be dereferenced) and `*bytes` (= byte_size).
 * Valid until mq_model_close. */
MQ_API mq_status mq_model_tensor_data(const mq_model* model, uint64_t index, const void** data,
                                      uint64_t* bytes);

/* ---------------------------------------------------------------------------------------------------
 * The layers of a checkpoint, for a plan
 * -------------------------------------------------------------------------------------------------
 *
 * Which tensors of a checkpoint are layers, and of what kind (docs/model-files.md, "Layers of a
 * checkpoint"):
 *  - a layer is a tensor of dtype F32, F16 or BF16 and rank >= 2 whose name does not end in
 *    ".bias"; every other tensor (rank 0 or 1, biases, other dtypes) is not a layer and is copied
 *    unchanged into a quantized file;
 *  - its layer name is the tensor name without a trailing ".weight" (so the scheduler's patterns
 *    see module paths: "lm_head" matches the tensor "lm_head.weight"), unless another tensor has
 *    that name: then the layer keeps the whole tensor name;
 *  - rows = shape[0], cols = the product of the other dimensions;
 *  - param_count = the weight's elements plus those of "<layer name>.bias" when that tensor exists;
 *  - kind: the first kind override whose pattern matches the layer name (the scheduler's pattern
 *    syntax: whole name or dotted suffix, '*' and '?'); else a name containing "embed" ->
 *    MQ_LAYER_EMBEDDING; containing "norm" -> MQ_LAYER_LAYER_NORM; rank >= 3 -> MQ_LAYER_CONV;
 *    a tensor name ending in ".weight" -> MQ_LAYER_LINEAR; anything else -> MQ_LAYER_OTHER.
 *    The name tests are case-sensitive ("embed_tokens", "input_layernorm").
 */

typedef struct mq_model_layer_options {
  uint32_t struct_size; /* sizeof(mq_model_layer_options) */
  uint32_t reserved0;   /* must be 0 */
  /* Kind overrides: kind_override_kinds[i] for the layers kind_override_names[i] matches (first
   * match wins). Both NULL with count 0 for none. Each name NUL-terminated, 1 to 1023 bytes. */
  const char* const* kind_override_names;
  const mq_layer_kind* kind_override_kinds;
  uint64_t kind_override_count;
} mq_model_layer_options;

/* Describes the layers of a checkpoint as mq_plan_create takes them, in tensor (data-offset)
 * order. *layer_count receives how many there are; layers may be NULL with layers_len 0 to query
 * that, else layers_len must be >= it (MQ_ERR_BUFFER_TOO_SMALL, nothing written). Each written
 * element gets struct_size = sizeof(mq_layer_desc); its name is owned by the model. When
 * weight_tensors is not NULL (also layers_len entries), weight_tensors[i] receives the tensor index
 * of layer i's weight, to read it with mq_model_read_f32. options may be NULL (no overrides). A
 * checkpoint without layers gives *layer_count 0 and MQ_OK. */
MQ_API mq_status mq_model_describe_layers(const mq_model* model,
                                          const mq_model_layer_options* options,
                                          mq_layer_desc* layers, uint64_t* weight_tensors,
                                          uint64_t layers_len, uint64_t* layer_count);

/* ---------------------------------------------------------------------------------------------------
 * Writing a quantized file
 * -------------------------------------------------------------------------------------------------
 */

/* Progress of a write: called on the calling thread after each tensor, with the data bytes
 * written so far and in total. */
typedef void (*mq_write_progress_fn)(void* user, uint64_t bytes_done, uint64_t bytes_total);

typedef struct mq_model_write_options {
  uint32_t struct_size;          /* sizeof(mq_model_write_options) */
  uint32_t reserved0;            /* must be 0 */
  mq_write_progress_fn progress; /* may be NULL */
  void* progress_user;
} mq_model_write_options;

/* Writes the quantized form of `source` to `path` as a safetensors file (docs/model-files.md,
 * "Quantized files"). `report` comes from mq_plan_run on a plan made from
 * mq_model_describe_layers(source) (or any layer list whose names are source layers), with
 * MQ_RUN_OUTPUT_CANONICAL or MQ_RUN_OUTPUT_PACKED and no packed weights taken. For each quantized
 * layer whose weight tensor is T the file holds "T.codes" (U8 [rows, ceil(cols/2)] for INT4, I8
 * [rows, cols] for INT8 rows), "T.scales" (F32 [rows, groups]; [rows, 1] for INT8 rows) and, for
 * asymmetric INT4, "T.zero_points" (U8 [rows, groups]); every other tensor is copied byte for
 * byte. The metadata keeps the source's entries and adds "monoquant.format" = "monoquant",
 * "monoquant.format_version" = "1", "bits", "group_size" ("-1" for bits 8), "monoquant.scheme",
 * "monoquant.library_version", "monoquant.plan", "monoquant.layers" (JSON text) and
 * "monoquant.report" (the report table).
 *
 * The file is written to an unnamed temporary file in the destination directory (a hidden named
 * one where the filesystem has no O_TMPFILE), flushed to disk (fsync) and renamed onto `path` only
 * when complete: on any failure, or if the process dies, `path` keeps its previous contents (or
 * stays absent) and no partial file is left under its name. `path` must not be the source file
 * (MQ_ERR_INVALID_ARGUMENT). options may be NULL.
 * Errors: MQ_ERR_INVALID_ARGUMENT for a report that does not fit the source (a layer with no weight
 * tensor of its shape, outputs missing or taken); MQ_ERR_IO naming the path and the system's
 * reason; MQ_ERR_OUT_OF_MEMORY. */
MQ_API mq_status mq_model_write_quantized(mq_context* context, const mq_model* source,
                                          const mq_report* report, const char* path,
                                          const mq_model_write_options* options);

/* ---------------------------------------------------------------------------------------------------
 * The layers of a quantized file, for inference
 * -------------------------------------------------------------------------------------------------
 */

#define MQ_NO_TENSOR UINT64_MAX

/* One layer recorded in a quantized file (mq_model_info.layer_count of them, in the plan's order).
 * Strings are owned by the model. */
typedef struct mq_model_layer {
  uint32_t struct_size; /* set by the caller to sizeof(mq_model_layer) */
  mq_layer_kind kind;
  const char* name;        /* the layer name ("model.layers.0.mlp.down_proj") */
  const char* tensor_name; /* its weight tensor in the source ("...down_proj.weight") */
  uint64_t rows;
  uint64_t cols;
  mq_decision decision;
  mq_rule rule;
  const char* rule_detail;
  mq_format format; /* 0 for a kept layer */
  mq_scheme scheme;
  uint64_t group_size; /* INT4: the group; INT8 rows: cols; kept: 0 */
  double sqnr_db;      /* as the report measured it; NaN for a kept layer */
  /* Tensor indices in this file: the kept weight (else MQ_NO_TENSOR), or the codes, scales and
   * zero points of a quantized one (MQ_NO_TENSOR when absent). */
  uint64_t weight_tensor;
  uint64_t codes_tensor;
  uint64_t scales_tensor;
  uint64_t zero_points_tensor;
} mq_model_layer;

/* Layer `index` (< mq_model_info.layer_count). MQ_ERR_INVALID_ARGUMENT for an index out of range
 * (a file that is not quantized has no layers). */
MQ_API mq_status mq_model_get_layer(const mq_model* model, uint64_t index, mq_model_layer* layer);

/* Looks a layer up by its exact name, like mq_model_find_tensor. */
MQ_API mq_status mq_model_find_layer(const mq_model* model, const char* name, int32_t* found,
                                     uint64_t* index);

/* Makes packed weights (prepacked for this CPU, under the context's ISA cap) from quantized layer
 * `index`, ready for mq_gemv / mq_gemm. The codes, scales and zero points are validated as
 * mq_packed_create_from_int4 / _int8_rows do (a file that breaks them: MQ_ERR_MALFORMED_FILE).
 * The packed weights do not depend on the model: close it whenever. MQ_ERR_INVALID_ARGUMENT for a
 * kept layer (read its weight_tensor with mq_model_read_f32). */
MQ_API mq_status mq_model_load_packed(mq_context* context, const mq_model* model, uint64_t index,
                                      mq_packed_weights** packed);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* MONOQUANT_MONOQUANT_MODEL_H */
