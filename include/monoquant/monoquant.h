/*
 * monoquant: group-wise INT4 / INT8 weight quantization kernels behind a stable C ABI.
 *
 * This is the only header a user includes. It is valid C99 and C++.
 *
 * Conventions that hold for every function below:
 *  - Every function returns an mq_status. MQ_OK (0) is success. On failure, mq_last_error_message()
 *    gives a sentence that explains it (thread-local; valid until the next failing call on that
 * thread).
 *  - Argument errors (null pointers, bad enums, zero or overflowing shapes, buffers too small) are
 * found before anything is written: the caller's output buffers are untouched.
 *  - Data errors found while the data is processed (a non-finite weight, an out-of-range code)
 * return a status that names the first offending row and column; the outputs of that call are then
 * zero-filled, so a partial result can never be mistaken for a valid one. Handles are never created
 * half-way.
 *  - Buffers are caller-owned, of any alignment, and are never read or written beyond the element
 * counts passed with them (`*_len` arguments count elements of the pointed-to type, not bytes).
 *  - Matrices are row-major and contiguous: `rows` (out_features, N) by `cols` (in_features, K).
 *  - The library never aborts, exits, prints, or lets a C++ exception escape. It runs its float
 * code in the default floating-point environment (round to nearest, no flush-to-zero), whatever the
 * caller's thread has set, so results do not depend on the caller's FP mode.
 *  - Functions taking an `mq_context*` accept NULL for the process default context: automatic ISA
 *    selection (subject to MONOQUANT_ISA), malloc, single-threaded, no logging.
 */
#ifndef MONOQUANT_MONOQUANT_H
#define MONOQUANT_MONOQUANT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------------------
 * Export and version macros
 * -------------------------------------------------------------------------------------------------
 */

#if defined(MONOQUANT_STATIC)
#define MQ_API
#elif defined(_WIN32)
#if defined(MONOQUANT_BUILDING)
#define MQ_API __declspec(dllexport)
#else
#define MQ_API __declspec(dllimport)
#endif
#elif defined(__GNUC__)
#define MQ_API __attribute__((visibility("default")))
#else
#define MQ_API
#endif

/* In C++ the enums get a fixed 32-bit underlying type, so that any int32 a C or FFI caller passes
 * is a valid value of the enum (the library then refuses unknown values with a status). The size
 * and calling convention are those of a C enum. */
#ifdef __cplusplus
#define MQ_ENUM(name) enum name : int32_t
#else
#define MQ_ENUM(name) enum name
#endif

#define MQ_VERSION_MAJOR 0
#define MQ_VERSION_MINOR 1
#define MQ_VERSION_PATCH 0
/* The ABI version: part of the shared library's file name (libmonoquant.so.1). It changes only when
 * a released symbol, struct layout or enum value changes, which the project's ABI check forbids. */
#define MQ_ABI_VERSION 1

/* ---------------------------------------------------------------------------------------------------
 * Status codes. The values are pinned forever; new codes are only ever appended.
 * -------------------------------------------------------------------------------------------------
 */

typedef MQ_ENUM(mq_status){
    MQ_OK = 0,
    MQ_ERR_INVALID_ARGUMENT =
        1,                   /* an enum, option or flag has a value this library does not accept */
    MQ_ERR_NULL_POINTER = 2, /* a required pointer is NULL */
    MQ_ERR_INVALID_SHAPE =
        3, /* a zero dimension, or a size that overflows 64 bits or the address space */
    MQ_ERR_BUFFER_TOO_SMALL = 4, /* a `*_len` is smaller than the shape requires */
    MQ_ERR_NON_FINITE = 5, /* an input holds inf or NaN (the message names its row and column) */
    MQ_ERR_VALUE_OUT_OF_RANGE = 6, /* a code, zero point or scale outside its format's range */
    MQ_ERR_UNSUPPORTED = 7, /* an ISA this CPU cannot run, or a feature this build does not have */
    MQ_ERR_OUT_OF_MEMORY = 8,   /* an allocation (the library's or the host allocator's) failed */
    MQ_ERR_CALLBACK_FAILED = 9, /* the host's executor reported a failure */
    MQ_ERR_ACCURACY = 10,       /* a scheduler run failed its accuracy policy */
    MQ_ERR_IO = 11,             /* a file could not be read or written */
    MQ_ERR_MALFORMED_FILE = 12, /* a file's contents are not valid */
    MQ_ERR_INTERNAL = 13,       /* a bug in monoquant; please report it with the message */
    MQ_STATUS_MAX_ENUM = 0x7FFFFFFF} mq_status;

/* The explanation of the last failing call on this thread: a NUL-terminated string owned by the
 * library, valid until the next failing call on the same thread. "" when no call has failed on this
 * thread. Successful calls do not clear it. `message` must not be NULL. */
MQ_API mq_status mq_last_error_message(const char** message);

/* The name of a status value ("MQ_ERR_NON_FINITE"), or "MQ_UNKNOWN_STATUS" for a value this version
 * does not know. The string is static. */
MQ_API mq_status mq_status_name(mq_status status, const char** name);

/* Run-time version of the library (which may be newer than the header the caller compiled against).
 */
MQ_API mq_status mq_get_version(uint32_t* major, uint32_t* minor, uint32_t* patch);

/* Run-time ABI version; a caller compiled against MQ_ABI_VERSION should refuse a library that
 * differs. */
MQ_API mq_status mq_get_abi_version(uint32_t* abi_version);

/* ---------------------------------------------------------------------------------------------------
 * Instruction sets and kernel introspection
 * -------------------------------------------------------------------------------------------------
 */

/* An instruction-set level. On each architecture the levels form a chain (scalar < avx2 < avx512 <
 * avx512vnni; scalar < neon < neon-dotprod < neon-i8mm). Selecting a level caps every kernel family
 * at that level: each family then runs its best variant at or below it that supports the call's
 * shape. */
typedef MQ_ENUM(mq_isa){
    MQ_ISA_AUTO = 0, /* the best level this CPU runs (or MONOQUANT_ISA, when set) */
    MQ_ISA_SCALAR = 1,       MQ_ISA_AVX2 = 2, /* AVX2 + FMA */
    MQ_ISA_AVX512 = 3,                        /* AVX-512 F/CD/BW/DQ/VL */
    MQ_ISA_AVX512VNNI = 4,                    /* AVX512 + VNNI */
    MQ_ISA_NEON = 5,                          /* Armv8.0 Advanced SIMD */
    MQ_ISA_NEON_DOTPROD = 6, MQ_ISA_NEON_I8MM = 7, MQ_ISA_MAX_ENUM = 0x7FFFFFFF} mq_isa;

/* The kernel families. Each has a scalar reference and per-ISA variants. */
typedef MQ_ENUM(mq_kernel_family){
    MQ_KERNEL_GROUP_REDUCE = 1, /* group-wise min / max / absmax */
    MQ_KERNEL_QUANTIZE_INT4 = 2,
    MQ_KERNEL_QUANTIZE_INT8 = 3,
    MQ_KERNEL_PACK = 4,
    MQ_KERNEL_UNPACK = 5,
    MQ_KERNEL_DEQUANTIZE = 6,
    MQ_KERNEL_GEMV = 7, /* the prepacked layout, GEMV and small-batch GEMM in both compute modes */
    MQ_KERNEL_SQNR = 8, /* the scheduler's quantization-error reduction */
    MQ_KERNEL_OBSERVE = 9, /* calibration observers: running per-channel min / max */
    MQ_KERNEL_FAMILY_MAX_ENUM = 0x7FFFFFFF} mq_kernel_family;

/* The lowercase name of an ISA level ("scalar", "avx2", "avx512", "avx512vnni", "neon",
 * "neon-dotprod", "neon-i8mm", "auto"). These are the names MONOQUANT_ISA accepts. The string is
 * static. */
MQ_API mq_status mq_isa_name(mq_isa isa, const char** name);

/* Whether this build has kernels for `isa` and this CPU (with its operating system) can run them.
 * *supported is 1 or 0. MQ_ISA_SCALAR is always supported. */
MQ_API mq_status mq_isa_supported(mq_isa isa, int32_t* supported);

/* The ISA levels this CPU runs, lowest first (always starting with MQ_ISA_SCALAR). Writes at most
 * `capacity` entries to `isas` (which may be NULL when capacity is 0) and the total number to
 * *count. */
MQ_API mq_status mq_isa_list(mq_isa* isas, uint32_t capacity, uint32_t* count);

/* ---------------------------------------------------------------------------------------------------
 * Contexts: the host's allocator, executor, logging and ISA selection.
 * -------------------------------------------------------------------------------------------------
 */

typedef struct mq_context mq_context;

/* Allocates `size` bytes aligned to `alignment` (a power of two, at most 4096); returns NULL on
 * failure. Called from any thread the library runs on. */
typedef void* (*mq_alloc_fn)(void* user, size_t size, size_t alignment);
/* Frees a pointer from the matching mq_alloc_fn. Never called with NULL. */
typedef void (*mq_free_fn)(void* user, void* ptr);

/* One unit of parallel work: the library's function to run for each index in [0, count). */
typedef void (*mq_task_fn)(void* task_context, uint64_t index);
/* The host's parallel-for: run task(task_context, i) once for every i in [0, count), on any
 * threads, in any order, concurrently or not, and return when all have finished. Return 0 on
 * success; any other value makes the calling monoquant function fail with MQ_ERR_CALLBACK_FAILED.
 * The tasks never call back into the executor and never block on each other. */
typedef int32_t (*mq_parallel_for_fn)(void* user, uint64_t count, mq_task_fn task,
                                      void* task_context);

typedef MQ_ENUM(mq_log_level){MQ_LOG_DEBUG = 0, MQ_LOG_INFO = 1, MQ_LOG_WARNING = 2,
                              MQ_LOG_ERROR = 3, MQ_LOG_LEVEL_MAX_ENUM = 0x7FFFFFFF} mq_log_level;

/* Receives the library's log lines (NUL-terminated, valid only during the call). May be called from
 * any thread the library runs on, but never concurrently for one context. */
typedef void (*mq_log_fn)(void* user, mq_log_level level, const char* message);

/* Options for mq_context_create. Set struct_size = sizeof(mq_context_options); every other field
 * may be left zero for its default. A library newer than the caller accepts the smaller struct and
 * uses the defaults for fields the caller does not have. */
typedef struct mq_context_options {
  uint32_t struct_size;
  /* Threads of the built-in pool, used when no executor is given: 0 = one per online CPU, 1 = run
   * on the calling thread only. At most 1024. */
  uint32_t num_threads;
  /* The ISA level to cap every kernel family at; MQ_ISA_AUTO (0) = MONOQUANT_ISA when set, else the
   * best this CPU runs. */
  mq_isa isa;
  /* The smallest log level passed to log_fn (default MQ_LOG_DEBUG = everything). */
  mq_log_level log_level;
  /* Host allocator: both or neither. Default malloc-based. */
  mq_alloc_fn alloc_fn;
  mq_free_fn free_fn;
  void* alloc_user;
  /* Host executor; when set, the built-in pool is not created and num_threads is ignored. */
  mq_parallel_for_fn parallel_for_fn;
  void* executor_user;
  /* How many tasks the host executor runs at once, to size the work split (0 = 1). */
  uint32_t executor_threads;
  uint32_t reserved0; /* must be 0 */
  mq_log_fn log_fn;
  void* log_user;
} mq_context_options;

/* Creates a context. `options` may be NULL for all defaults. Fails with MQ_ERR_UNSUPPORTED when the
 * requested ISA (or MONOQUANT_ISA, when isa is AUTO) is unknown or this CPU cannot run it.
 * Thread safety: a context may be used by many threads at once for every function except
 * mq_context_set_isa and mq_context_destroy, which need exclusive access. */
MQ_API mq_status mq_context_create(const mq_context_options* options, mq_context** context);

/* Destroys a context (stops its pool). NULL is accepted and does nothing. Packed weights created
 * with the context must be destroyed first (they use its allocator). */
MQ_API mq_status mq_context_destroy(mq_context* context);

/* Changes the ISA cap of a context. MQ_ERR_UNSUPPORTED (and no change) when the CPU cannot run it.
 */
MQ_API mq_status mq_context_set_isa(mq_context* context, mq_isa isa);

/* The ISA cap in effect for a context (NULL = the default context), never MQ_ISA_AUTO. */
MQ_API mq_status mq_context_get_isa(const mq_context* context, mq_isa* isa);

/* The name of the kernel variant that a family runs under this context for a matrix with `cols`
 * columns and group size `group_size` (for example "scalar", "avx2", "avx512vnni"). A variant that
 * needs a group size multiple of 16 or 32 is skipped for other shapes, which then run on a lower
 * variant; this query says which. `cols` and `group_size` of 0 mean "the best variant for a typical
 * shape" (4096, 128). The string is static. */
MQ_API mq_status mq_context_kernel_name(const mq_context* context, mq_kernel_family family,
                                        uint64_t cols, uint64_t group_size, const char** name);

/* ---------------------------------------------------------------------------------------------------
 * Formats. See the canonical formats in docs/formats.md:
 *  INT4 codes: uint8 [rows][ceil(cols/2)], column 2j in the low nibble of byte j, 2j+1 in the high
 * one; an odd cols leaves the last high nibble 0. Symmetric codes are two's-complement nibbles in
 *              [-8, 7]; asymmetric codes are unsigned nibbles in [0, 15].
 *  scales:     float [rows][ceil(cols/group_size)]; zero points (asymmetric): uint8
 * [rows][ceil(cols/G)]. INT8 rows:  int8 [rows][cols] in [-127, 127], float scales [rows].
 * -------------------------------------------------------------------------------------------------
 */

typedef MQ_ENUM(mq_scheme){
    MQ_SCHEME_SYMMETRIC = 0,  /* scale = absmax / 7, codes in [-8, 7] */
    MQ_SCHEME_ASYMMETRIC = 1, /* scale = (hi - lo) / 15 with a zero point, codes in [0, 15] */
    MQ_SCHEME_MAX_ENUM = 0x7FFFFFFF} mq_scheme;

typedef MQ_ENUM(mq_format){MQ_FORMAT_INT4 = 1,      /* group-wise INT4, either scheme */
                           MQ_FORMAT_INT8_ROWS = 2, /* per-row symmetric INT8 */
                           MQ_FORMAT_MAX_ENUM = 0x7FFFFFFF} mq_format;

/* Element counts of the canonical INT4 buffers for a rows x cols matrix with group size group_size:
 * codes = rows * ceil(cols/2), scales = zero points = rows * ceil(cols/group_size). Any output
 * pointer may be NULL. MQ_ERR_INVALID_SHAPE for a zero dimension or a count that does not fit the
 * address space. */
MQ_API mq_status mq_int4_buffer_sizes(uint64_t rows, uint64_t cols, uint64_t group_size,
                                      uint64_t* codes_len, uint64_t* scales_len,
                                      uint64_t* zero_points_len);

/* ---------------------------------------------------------------------------------------------------
 * Stateless kernels on caller buffers. All run on the calling thread unless the context has
 * threads.
 * -------------------------------------------------------------------------------------------------
 */

/* Group-wise reduction of a float matrix: for each row and each group of group_size columns (the
 * last group of a row may be shorter), writes the minimum, the maximum and the largest absolute
 * value to mins / maxs / absmaxs [rows][ceil(cols/group_size)]. Any of the three outputs may be
 * NULL (skipped), but not all three; each given output needs `out_len` elements. A non-finite
 * weight fails with MQ_ERR_NON_FINITE naming it. */
MQ_API mq_status mq_group_reduce(mq_context* context, const float* weights, uint64_t weights_len,
                                 uint64_t rows, uint64_t cols, uint64_t group_size, float* mins,
                                 float* maxs, float* absmaxs, uint64_t out_len);

/* Quantizes a float matrix to canonical INT4 (see the formats above and the rules in
 * docs/formats.md). zero_points is required for MQ_SCHEME_ASYMMETRIC and must be NULL (with
 * zero_points_len 0) for MQ_SCHEME_SYMMETRIC. Groups whose scale is below FLT_MIN (all zeros, or
 * only subnormals) get scale 0, codes 0 and zero point 0. Fails with MQ_ERR_NON_FINITE for inf/NaN
 * weights, and with MQ_ERR_VALUE_OUT_OF_RANGE for an asymmetric group whose range max - min
 * overflows float32. */
MQ_API mq_status mq_quantize_int4(mq_context* context, const float* weights, uint64_t weights_len,
                                  uint64_t rows, uint64_t cols, uint64_t group_size,
                                  mq_scheme scheme, uint8_t* codes, uint64_t codes_len,
                                  float* scales, uint64_t scales_len, uint8_t* zero_points,
                                  uint64_t zero_points_len);

/* Quantizes a float matrix to symmetric per-row INT8: scales[r] = absmax(row r) / 127,
 * codes = clamp(round(w / scale), -127, 127). codes_len >= rows*cols, scales_len >= rows. */
MQ_API mq_status mq_quantize_int8_rows(mq_context* context, const float* weights,
                                       uint64_t weights_len, uint64_t rows, uint64_t cols,
                                       int8_t* codes, uint64_t codes_len, float* scales,
                                       uint64_t scales_len);

/* Packs one INT4 code per int8 (values[rows][cols]) into canonical nibbles
 * (packed[rows][ceil(cols/2)]). Symmetric values must lie in [-8, 7], asymmetric ones in [0, 15];
 * others fail with MQ_ERR_VALUE_OUT_OF_RANGE naming the first one. */
MQ_API mq_status mq_pack_int4(mq_context* context, const int8_t* values, uint64_t values_len,
                              uint64_t rows, uint64_t cols, mq_scheme scheme, uint8_t* packed,
                              uint64_t packed_len);

/* The exact inverse of mq_pack_int4: one code per int8, sign-extended (symmetric) or zero-extended
 * (asymmetric). The padding nibble of an odd cols is ignored. */
MQ_API mq_status mq_unpack_int4(mq_context* context, const uint8_t* packed, uint64_t packed_len,
                                uint64_t rows, uint64_t cols, mq_scheme scheme, int8_t* values,
                                uint64_t values_len);

/* Dequantizes canonical INT4 to float: q * scale (symmetric) or (q - zp) * scale (asymmetric).
 * Scales must be finite and >= 0 and zero points <= 15 (else MQ_ERR_VALUE_OUT_OF_RANGE, checked
 * before anything is written). A scale of 0 gives exact zeros. */
MQ_API mq_status mq_dequantize_int4(mq_context* context, const uint8_t* codes, uint64_t codes_len,
                                    const float* scales, uint64_t scales_len,
                                    const uint8_t* zero_points, uint64_t zero_points_len,
                                    uint64_t rows, uint64_t cols, uint64_t group_size,
                                    mq_scheme scheme, float* out, uint64_t out_len);

/* Dequantizes per-row INT8: out = q * scales[row]. Codes must lie in [-127, 127]; scales as above.
 */
MQ_API mq_status mq_dequantize_int8_rows(mq_context* context, const int8_t* codes,
                                         uint64_t codes_len, const float* scales,
                                         uint64_t scales_len, uint64_t rows, uint64_t cols,
                                         float* out, uint64_t out_len);

/* ---------------------------------------------------------------------------------------------------
 * Packed weights: a quantized matrix in the layout the GEMV kernel of this CPU reads (opaque,
 * ISA-specific), made once at load time. The kernel variant is fixed when the handle is created
 * (the context's ISA cap at that moment) and reported by mq_packed_get_info. Packed weights are
 * immutable: many threads may run GEMVs on one handle at once.
 * -------------------------------------------------------------------------------------------------
 */

typedef struct mq_packed_weights mq_packed_weights;

typedef struct mq_pack_options {
  uint32_t struct_size;
  mq_format format;    /* default (0) = MQ_FORMAT_INT4 */
  mq_scheme scheme;    /* default MQ_SCHEME_SYMMETRIC */
  uint32_t reserved0;  /* must be 0 */
  uint64_t group_size; /* INT4 only; default (0) = 128. Ignored for MQ_FORMAT_INT8_ROWS. */
} mq_pack_options;

typedef struct mq_packed_info {
  uint32_t struct_size; /* set by the caller to sizeof(mq_packed_info) */
  mq_format format;
  mq_scheme scheme;
  mq_isa isa; /* the ISA level of the kernel variant that owns the layout */
  uint64_t rows;
  uint64_t cols;
  uint64_t group_size;   /* cols for MQ_FORMAT_INT8_ROWS */
  uint64_t packed_bytes; /* memory held by the handle for weights, scales and zero points */
  /* element counts of the canonical buffers that mq_packed_export needs */
  uint64_t codes_len;
  uint64_t scales_len;
  uint64_t zero_points_len; /* 0 unless asymmetric INT4 */
  const char* kernel_name;  /* static string, e.g. "avx512vnni" */
} mq_packed_info;

/* Quantizes a float matrix straight into packed weights. options may be NULL (INT4, symmetric,
 * group 128). Same quantization rules and errors as mq_quantize_int4 / mq_quantize_int8_rows. */
MQ_API mq_status mq_packed_create_from_f32(mq_context* context, const float* weights,
                                           uint64_t weights_len, uint64_t rows, uint64_t cols,
                                           const mq_pack_options* options,
                                           mq_packed_weights** packed);

/* Packs canonical INT4 (codes, scales, zero points as mq_quantize_int4 writes them). Scales must be
 * finite and >= 0, zero points <= 15. zero_points is required for asymmetric and must be NULL for
 * symmetric. */
MQ_API mq_status mq_packed_create_from_int4(mq_context* context, const uint8_t* codes,
                                            uint64_t codes_len, const float* scales,
                                            uint64_t scales_len, const uint8_t* zero_points,
                                            uint64_t zero_points_len, uint64_t rows, uint64_t cols,
                                            uint64_t group_size, mq_scheme scheme,
                                            mq_packed_weights** packed);

/* Packs canonical per-row INT8 (codes in [-127, 127], scales finite and >= 0). */
MQ_API mq_status mq_packed_create_from_int8_rows(mq_context* context, const int8_t* codes,
                                                 uint64_t codes_len, const float* scales,
                                                 uint64_t scales_len, uint64_t rows, uint64_t cols,
                                                 mq_packed_weights** packed);

/* Destroys packed weights (NULL is accepted). Must not race with GEMVs on the same handle. */
MQ_API mq_status mq_packed_destroy(mq_packed_weights* packed);

/* Describes packed weights. info->struct_size must be set; fields beyond it are not written. */
MQ_API mq_status mq_packed_get_info(const mq_packed_weights* packed, mq_packed_info* info);

/* Exports packed weights back to the canonical format, losslessly (bit-identical to the canonical
 * buffers they were made from). For MQ_FORMAT_INT4 `codes` is uint8 packed nibbles; for
 * MQ_FORMAT_INT8_ROWS it is the int8 codes (cast the pointer). zero_points must be NULL unless the
 * weights are asymmetric INT4. The lengths needed are in mq_packed_info. */
MQ_API mq_status mq_packed_export(const mq_packed_weights* packed, uint8_t* codes,
                                  uint64_t codes_len, float* scales, uint64_t scales_len,
                                  uint8_t* zero_points, uint64_t zero_points_len);

/* How the GEMV computes.
 * MQ_COMPUTE_F32:  codes are dequantized in registers and multiplied with float x; the result
 * matches the float64 product of dequant(W) and x to float32 summation error. MQ_COMPUTE_INT8: x is
 * quantized on the fly to int8 (symmetric, scale absmax/127, in blocks of 32 columns that restart
 * at every group) and the dot products run on integer instructions. Faster, with the added error
 * documented in docs/accuracy.md. */
typedef MQ_ENUM(mq_compute_mode){MQ_COMPUTE_F32 = 0, MQ_COMPUTE_INT8 = 1,
                                 MQ_COMPUTE_MAX_ENUM = 0x7FFFFFFF} mq_compute_mode;

/* y = dequant(W) x + bias. x has cols elements, y and bias (optional, NULL for none) rows elements.
 * x must be finite (else MQ_ERR_NON_FINITE, and y is zero-filled). y must not overlap x or bias.
 * Results do not depend on the number of threads. */
MQ_API mq_status mq_gemv(mq_context* context, const mq_packed_weights* packed, mq_compute_mode mode,
                         const float* x, uint64_t x_len, const float* bias, uint64_t bias_len,
                         float* y, uint64_t y_len);

/* Small-batch GEMM on the same packed weights: for each of the `batch` rows b of X (batch x cols,
 * row-major), Y[b] = dequant(W) X[b] + bias; Y is batch x rows, row-major. Same rules as mq_gemv.
 */
MQ_API mq_status mq_gemm(mq_context* context, const mq_packed_weights* packed, mq_compute_mode mode,
                         const float* x, uint64_t x_len, uint64_t batch, const float* bias,
                         uint64_t bias_len, float* y, uint64_t y_len);

#ifdef __cplusplus
} /* extern "C" */
#endif

/* The scheduler's part of the API (layer plans, runs, reports, calibration observers). */
#include "monoquant/monoquant_scheduler.h"
/* Model files: reading safetensors (tensor tables, metadata, fp32 reads). */
#include "monoquant/monoquant_model.h"

#endif /* MONOQUANT_MONOQUANT_H */
