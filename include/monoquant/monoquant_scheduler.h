/*
 * monoquant scheduler API: included by monoquant/monoquant.h, never on its own.
 *
 * The scheduler decides, for every layer of a model, whether to quantize it to INT4, to per-row
 * INT8, or to keep it as it is (a plan, readable before anything runs: a dry run), then quantizes
 * the chosen layers across the context's threads and reports the accuracy of each (a report).
 * Calibration observers collect running per-channel statistics of activations. docs/scheduler.md
 * describes the rules with examples.
 *
 * Rules, evaluated in this order for each layer; the first that matches decides:
 *  1. MQ_RULE_SKIP_NAME        the layer's name matches one of options->skip_names (keep);
 *  2. MQ_RULE_SKIP_KIND        its kind is one of options->skip_kinds (keep);
 *  3. MQ_RULE_PARAM_THRESHOLD  it has fewer than options->skip_param_threshold parameters (keep);
 *  4. the defaults, unless cleared through options->clear_defaults:
 *     MQ_RULE_DEFAULT_KIND     embedding, embedding_bag, layer_norm, batch_norm (keep),
 *     MQ_RULE_DEFAULT_LM_HEAD  the name matches "lm_head" (keep),
 *     MQ_RULE_DEFAULT_SMALL    fewer than 512 parameters (keep);
 *  5. MQ_RULE_SHAPE            INT4 only: cols (K) < group_size; options->shape_policy decides
 *                              (default: per-row INT8; or INT4 with one group per row; or keep);
 *  6. MQ_RULE_QUANTIZE         everything else: INT4 with the group size and scheme (bits 4) or
 *                              per-row INT8 (bits 8).
 * User rules add to the defaults: a skip list that is set, even set to empty, never removes them;
 * only clear_defaults does.
 *
 * Name patterns (skip_names and the lm_head default). A pattern matches a layer name when it
 * matches the whole name or a dotted suffix of it (the part after any '.'): "lm_head" matches
 * "lm_head" and "model.lm_head" but not "model.lm_head_bias" or "xlm_head". In a pattern '*'
 * matches any run of characters (dots included, possibly none) and '?' exactly one; no other
 * character is special. So "*.attn.*" keeps every layer with an "attn" component, "layers.1?.mlp.*"
 * the MLPs of layers 10 to 19.
 *
 * "Not set" and "set to empty" differ: a list is not set when its pointer is NULL (count 0), and
 * set to empty when the pointer is non-NULL and the count is 0. The plan records which
 * (mq_plan_info), and the plan table prints "not set" or "[]". An empty list matches nothing, and,
 * unlike transformers' llm_int8_skip_modules=[], does not drop the defaults.
 */
#ifndef MONOQUANT_MONOQUANT_SCHEDULER_H
#define MONOQUANT_MONOQUANT_SCHEDULER_H

#include "monoquant/monoquant.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------------------
 * Layers and plans
 * -------------------------------------------------------------------------------------------------
 */

typedef enum mq_layer_kind {
  MQ_LAYER_LINEAR = 1,
  MQ_LAYER_CONV = 2,
  MQ_LAYER_EMBEDDING = 3,
  MQ_LAYER_EMBEDDING_BAG = 4,
  MQ_LAYER_LAYER_NORM = 5,
  MQ_LAYER_BATCH_NORM = 6,
  MQ_LAYER_OTHER = 7,
  MQ_LAYER_KIND_MAX_ENUM = 0x7FFFFFFF
} mq_layer_kind;

/* What the plan does with a layer. */
typedef enum mq_decision {
  MQ_DECISION_INT4 = 1, /* group-wise INT4 (the group may be the whole row, see MQ_RULE_SHAPE) */
  MQ_DECISION_INT8_ROWS = 2, /* per-row symmetric INT8 */
  MQ_DECISION_KEEP = 3,      /* left as it is */
  MQ_DECISION_MAX_ENUM = 0x7FFFFFFF
} mq_decision;

/* The rule that decided (see the list at the top of this header). */
typedef enum mq_rule {
  MQ_RULE_SKIP_NAME = 1,
  MQ_RULE_SKIP_KIND = 2,
  MQ_RULE_PARAM_THRESHOLD = 3,
  MQ_RULE_DEFAULT_KIND = 4,
  MQ_RULE_DEFAULT_LM_HEAD = 5,
  MQ_RULE_DEFAULT_SMALL = 6,
  MQ_RULE_SHAPE = 7,
  MQ_RULE_QUANTIZE = 8,
  MQ_RULE_MAX_ENUM = 0x7FFFFFFF
} mq_rule;

/* What the shape rule does with a layer whose cols (K) is smaller than the group size. */
typedef enum mq_shape_policy {
  MQ_SHAPE_POLICY_DEFAULT = 0,      /* = MQ_SHAPE_POLICY_INT8_ROWS */
  MQ_SHAPE_POLICY_INT8_ROWS = 1,    /* per-row INT8 */
  MQ_SHAPE_POLICY_INT4_PER_ROW = 2, /* INT4 with one group per row (group_size = cols) */
  MQ_SHAPE_POLICY_KEEP = 3,         /* keep the layer */
  MQ_SHAPE_POLICY_MAX_ENUM = 0x7FFFFFFF
} mq_shape_policy;

/* What a run does with its warnings (see mq_plan_run). */
typedef enum mq_accuracy_policy {
  MQ_ACCURACY_POLICY_WARN = 0, /* warnings go into the report and to the context's log callback */
  MQ_ACCURACY_POLICY_ERROR =
      1, /* as WARN, and a critical warning fails the run (MQ_ERR_ACCURACY) */
  MQ_ACCURACY_POLICY_IGNORE = 2, /* no warnings are recorded or logged */
  MQ_ACCURACY_POLICY_MAX_ENUM = 0x7FFFFFFF
} mq_accuracy_policy;

/* Bits of mq_plan_options.clear_defaults: which default rules (rule 4) to drop. */
#define MQ_CLEAR_DEFAULT_KINDS 0x1u   /* embedding, embedding_bag, layer_norm, batch_norm */
#define MQ_CLEAR_DEFAULT_LM_HEAD 0x2u /* names matching "lm_head" */
#define MQ_CLEAR_DEFAULT_SMALL 0x4u   /* fewer than 512 parameters */
#define MQ_CLEAR_DEFAULTS_ALL 0x7u

/* One layer of a model. An array of these describes the model: its stride is the first element's
 * struct_size, and every element must carry the same struct_size. */
typedef struct mq_layer_desc {
  uint32_t struct_size; /* sizeof(mq_layer_desc) */
  mq_layer_kind kind;
  /* The dotted module path, e.g. "model.layers.0.mlp.down_proj": NUL-terminated, 1 to 1023 bytes,
   * unique within the list. Copied by mq_plan_create. */
  const char* name;
  /* The weight as a rows x cols matrix: rows = N (out_features; a convolution's out_channels), cols
   * = K (in_features; a convolution's in_channels / groups * kernel elements; a norm's weight is
   * 1 x features). Both >= 1. */
  uint64_t rows;
  uint64_t cols;
  /* All parameters of the layer (weight plus bias and any others), >= rows * cols; 0 = rows * cols.
   * Parameters beyond the weight are kept as they are (float32) whatever the decision. */
  uint64_t param_count;
} mq_layer_desc;

/* Options of mq_plan_create. Set struct_size = sizeof(mq_plan_options); every other field may be
 * zero for its default. */
typedef struct mq_plan_options {
  uint32_t struct_size;
  uint32_t bits;       /* 4 (default, 0) or 8 */
  uint64_t group_size; /* INT4 group size, >= 1; 0 = 128. Ignored for bits 8. */
  mq_scheme scheme;    /* INT4 scheme (default symmetric); bits 8 is symmetric only */
  mq_shape_policy shape_policy;
  /* Rule 1: names or patterns of layers to keep (modules_to_not_convert). NULL = not set; non-NULL
   * with count 0 = set to empty. Each entry NUL-terminated, 1 to 1023 bytes. Copied. */
  const char* const* skip_names;
  uint64_t skip_name_count;
  /* Rule 2: kinds of layers to keep. NULL = not set; non-NULL with count 0 = set to empty. */
  const mq_layer_kind* skip_kinds;
  uint64_t skip_kind_count;
  /* Rule 3: keep layers with fewer parameters than this; 0 = not set. */
  uint64_t skip_param_threshold;
  uint32_t clear_defaults; /* MQ_CLEAR_DEFAULT_* bits; 0 = the defaults apply */
  mq_accuracy_policy accuracy_policy;
  /* A quantized layer whose weight SQNR is below sqnr_warning_db gets a warning, below
   * sqnr_critical_db a critical one. 0 = the defaults, 20 dB and 10 dB; -INFINITY disables the
   * check. Not NaN, and critical <= warning. */
  double sqnr_warning_db;
  double sqnr_critical_db;
  /* A run given calibration observers warns when one holds fewer samples than this; 0 = 50. */
  uint64_t min_calibration_samples;
} mq_plan_options;

typedef struct mq_plan mq_plan;

/* Evaluates the rules for every layer (no weights are needed: this is the dry run). `layers` holds
 * layer_count >= 1 descriptors (see mq_layer_desc for the stride); options may be NULL for all
 * defaults. A skip name that matches no layer becomes a plan warning
 * (MQ_WARNING_UNMATCHED_SKIP_NAME), also sent to the context's log callback unless the policy is
 * MQ_ACCURACY_POLICY_IGNORE. The plan copies everything it needs; it uses the context's allocator
 * and may outlive the context only if the allocator does. Errors: NULL pointers, bad enums or bits,
 * a name that is empty, too long or duplicated, a shape of zero or overflowing, param_count < rows
 * * cols, unknown clear_defaults bits, NaN or inverted thresholds. */
MQ_API mq_status mq_plan_create(mq_context* context, const mq_layer_desc* layers,
                                uint64_t layer_count, const mq_plan_options* options,
                                mq_plan** plan);

/* Destroys a plan (NULL is accepted). Reports made from it do not depend on it. */
MQ_API mq_status mq_plan_destroy(mq_plan* plan);

typedef struct mq_plan_info {
  uint32_t struct_size; /* set by the caller to sizeof(mq_plan_info) */
  uint32_t bits;
  uint64_t group_size;
  mq_scheme scheme;
  mq_shape_policy shape_policy; /* resolved: never MQ_SHAPE_POLICY_DEFAULT */
  uint64_t layer_count;
  uint64_t int4_count;
  uint64_t int8_count;
  uint64_t keep_count;
  uint64_t warning_count;
  /* The float32 bytes of all parameters, and what they take after the plan runs (codes, scales and
   * zero points of the quantized weights, everything else float32). */
  uint64_t bytes_before;
  uint64_t bytes_after;
  uint32_t clear_defaults;
  mq_accuracy_policy accuracy_policy;
  int32_t skip_names_set; /* 1 when skip_names was set (possibly to empty), 0 when not set */
  int32_t skip_kinds_set;
  uint64_t skip_name_count;
  uint64_t skip_kind_count;
  uint64_t skip_param_threshold; /* 0 = not set */
  double sqnr_warning_db;        /* resolved thresholds */
  double sqnr_critical_db;
  uint64_t min_calibration_samples;
} mq_plan_info;

/* Describes a plan. info->struct_size must be set; fields beyond it are not written. */
MQ_API mq_status mq_plan_get_info(const mq_plan* plan, mq_plan_info* info);

/* The plan for one layer. Strings are owned by the plan (valid until it is destroyed). */
typedef struct mq_plan_layer {
  uint32_t struct_size; /* set by the caller to sizeof(mq_plan_layer) */
  mq_layer_kind kind;
  const char* name;
  uint64_t rows;
  uint64_t cols;
  uint64_t param_count; /* resolved: never 0 */
  mq_decision decision;
  mq_rule rule;
  /* Why, in words: the skip name that matched, the kind, the threshold, "K=64 < group 128", ... */
  const char* rule_detail;
  mq_format format; /* MQ_FORMAT_INT4 or MQ_FORMAT_INT8_ROWS; 0 for a kept layer */
  mq_scheme scheme;
  uint64_t group_size; /* INT4: the group (cols for one group per row); INT8 rows: cols; kept: 0 */
  uint64_t bytes_before;
  uint64_t bytes_after;
} mq_plan_layer;

/* The plan of layer `index` (in the order given to mq_plan_create). MQ_ERR_INVALID_ARGUMENT for an
 * index out of range. */
MQ_API mq_status mq_plan_get_layer(const mq_plan* plan, uint64_t index, mq_plan_layer* layer);

/* The index of the layer called `name` (exact name, not a pattern); MQ_ERR_INVALID_ARGUMENT when
 * there is none. */
MQ_API mq_status mq_plan_find_layer(const mq_plan* plan, const char* name, uint64_t* index);

typedef enum mq_warning_kind {
  MQ_WARNING_UNMATCHED_SKIP_NAME = 1,     /* a skip name matches no layer (most often a typo) */
  MQ_WARNING_LOW_SQNR = 2,                /* a layer's SQNR is below sqnr_warning_db */
  MQ_WARNING_CRITICAL_SQNR = 3,           /* below sqnr_critical_db: critical */
  MQ_WARNING_NOTHING_SKIPPED = 4,         /* every layer is quantized, none kept */
  MQ_WARNING_FEW_CALIBRATION_SAMPLES = 5, /* an observer holds fewer than min_calibration_samples */
  MQ_WARNING_KIND_MAX_ENUM = 0x7FFFFFFF
} mq_warning_kind;

typedef struct mq_warning {
  uint32_t struct_size; /* set by the caller to sizeof(mq_warning) */
  mq_warning_kind kind;
  int32_t critical;     /* 1 when it fails a run under MQ_ACCURACY_POLICY_ERROR */
  uint32_t reserved0;   /* written as 0 */
  uint64_t layer_index; /* the layer concerned, or UINT64_MAX when none */
  const char* message;  /* owned by the plan or report */
} mq_warning;

/* Plan warning `index` (< mq_plan_info.warning_count). These are recorded whatever the policy. */
MQ_API mq_status mq_plan_get_warning(const mq_plan* plan, uint64_t index, mq_warning* warning);

/* Flags of the table functions. */
#define MQ_TABLE_NO_TIMES 0x1u /* leave out timings, so that the text is reproducible */

/* Writes the plan as a text table (one line per layer: index, name, kind, shape, parameters,
 * decision, format, rule and its detail; then the totals and the warnings), NUL-terminated.
 * *needed receives the size in bytes including the NUL. Call with buffer NULL and buffer_len 0 to
 * query it; a non-NULL buffer shorter than that fails with MQ_ERR_BUFFER_TOO_SMALL and is not
 * written. */
MQ_API mq_status mq_plan_format_table(const mq_plan* plan, uint32_t flags, char* buffer,
                                      uint64_t buffer_len, uint64_t* needed);

/* ---------------------------------------------------------------------------------------------------
 * Calibration observers: running per-channel min / max / absmax of activation batches.
 * -------------------------------------------------------------------------------------------------
 */

typedef struct mq_observer mq_observer;

/* Creates an observer of `channels` >= 1 channels, empty (mins +inf, maxs -inf, absmaxs 0, no
 * samples). Uses the context's allocator. An observer is not safe to update from two threads at
 * once: give each thread its own and merge them. */
MQ_API mq_status mq_observer_create(mq_context* context, uint64_t channels, mq_observer** observer);

/* Destroys an observer (NULL is accepted). */
MQ_API mq_status mq_observer_destroy(mq_observer* observer);

/* Adds a batch x [rows][channels] (row-major, x_len >= rows * channels, channels equal to the
 * observer's) to the statistics, on the context's threads. `samples` is how many calibration
 * samples the batch represents (for example sequences, when the rows are their tokens); 0 counts
 * each row as one. A non-finite value fails with MQ_ERR_NON_FINITE naming its row and column, and
 * leaves the observer unchanged. */
MQ_API mq_status mq_observer_observe(mq_context* context, mq_observer* observer, const float* x,
                                     uint64_t x_len, uint64_t rows, uint64_t channels,
                                     uint64_t samples);

/* Merges `source` into `target` (same channel count, distinct observers): the result equals one
 * observer that saw the batches of both. Sample and batch counts add. */
MQ_API mq_status mq_observer_merge(mq_observer* target, const mq_observer* source);

/* Empties an observer. */
MQ_API mq_status mq_observer_reset(mq_observer* observer);

typedef struct mq_observer_info {
  uint32_t struct_size; /* set by the caller to sizeof(mq_observer_info) */
  uint32_t reserved0;   /* written as 0 */
  uint64_t channels;
  uint64_t samples; /* calibration samples counted so far */
  uint64_t rows;    /* rows observed so far */
  uint64_t batches; /* successful mq_observer_observe calls so far (merges add theirs) */
} mq_observer_info;

MQ_API mq_status mq_observer_get_info(const mq_observer* observer, mq_observer_info* info);

/* Copies the per-channel statistics: each of mins, maxs, absmaxs may be NULL (skipped) but not all
 * three; each given one needs len >= channels. */
MQ_API mq_status mq_observer_read(const mq_observer* observer, float* mins, float* maxs,
                                  float* absmaxs, uint64_t len);

/* ---------------------------------------------------------------------------------------------------
 * Running a plan, and its report
 * -------------------------------------------------------------------------------------------------
 */

typedef enum mq_run_output {
  MQ_RUN_OUTPUT_PACKED = 0,    /* packed weights per quantized layer, runnable with mq_gemv */
  MQ_RUN_OUTPUT_CANONICAL = 1, /* canonical codes / scales / zero points, for saving */
  MQ_RUN_OUTPUT_NONE = 2,      /* only the report (accuracy and sizes) */
  MQ_RUN_OUTPUT_MAX_ENUM = 0x7FFFFFFF
} mq_run_output;

typedef struct mq_run_options {
  uint32_t struct_size;
  mq_run_output output;
  /* Calibration statistics, one observer per layer (entries may be NULL): NULL with count 0 for
   * none, or exactly layer_count entries. Their sample counts feed the calibration warning. */
  const mq_observer* const* observers;
  uint64_t observer_count;
} mq_run_options;

typedef struct mq_report mq_report;

/* Quantizes the layers the plan chose, in parallel on the context's executor (the host's
 * parallel-for or the built-in pool), measures each one's weight SQNR, checks the warnings and
 * applies the plan's accuracy policy. weights[i] is layer i's float32 weight, rows x cols
 * row-major, with weights_lens[i] >= rows * cols elements; it may be NULL (length 0) for a layer
 * the plan keeps, and is not read then. layer_count must equal the plan's. options may be NULL
 * (packed output, no calibration). The report and its outputs do not depend on the number of
 * threads. Under MQ_ACCURACY_POLICY_ERROR, a critical warning fails the run with MQ_ERR_ACCURACY,
 * whose message (mq_last_error_message) lists the critical warnings; no report is made then. Data
 * errors (a non-finite weight: MQ_ERR_NON_FINITE, naming the layer, row and column) and executor
 * failures also make no report. Peak memory: the canonical outputs of every quantized layer, plus
 * the packed ones for MQ_RUN_OUTPUT_PACKED. */
MQ_API mq_status mq_plan_run(mq_context* context, const mq_plan* plan, const float* const* weights,
                             const uint64_t* weights_lens, uint64_t layer_count,
                             const mq_run_options* options, mq_report** report);

/* Destroys a report and every output it still owns (NULL is accepted).
 * Thread safety: many threads may read a report at once (every mq_report_get_*, export and table
 * function); mq_report_take_packed and mq_report_destroy need exclusive access. Plans are immutable
 * once created and may be shared freely, also between concurrent runs. */
MQ_API mq_status mq_report_destroy(mq_report* report);

typedef struct mq_report_summary {
  uint32_t struct_size; /* set by the caller to sizeof(mq_report_summary) */
  mq_run_output output;
  uint64_t layer_count;
  uint64_t int4_count;
  uint64_t int8_count;
  uint64_t keep_count; /* layers skipped (kept as they are) */
  uint64_t bytes_before;
  uint64_t bytes_after;
  double compression; /* bytes_before / bytes_after */
  double min_sqnr_db; /* the lowest SQNR of a quantized layer; +INFINITY when none is quantized */
  uint64_t warning_count;
  uint64_t critical_count;
  double seconds;               /* wall time of the run */
  int32_t calibration_given;    /* 1 when observers were given */
  uint32_t reserved0;           /* written as 0 */
  uint64_t calibration_samples; /* the fewest samples of a given observer; 0 when none */
} mq_report_summary;

MQ_API mq_status mq_report_get_summary(const mq_report* report, mq_report_summary* summary);

/* Bits of mq_report_layer.flags */
#define MQ_REPORT_LAYER_LOW_SQNR 0x1u      /* below sqnr_warning_db */
#define MQ_REPORT_LAYER_CRITICAL_SQNR 0x2u /* below sqnr_critical_db */

typedef struct mq_report_layer {
  uint32_t struct_size; /* set by the caller to sizeof(mq_report_layer) */
  mq_layer_kind kind;
  const char* name; /* strings are owned by the report */
  uint64_t rows;
  uint64_t cols;
  uint64_t param_count;
  mq_decision decision;
  mq_rule rule;
  const char* rule_detail;
  mq_format format; /* 0 for a kept layer */
  mq_scheme scheme;
  uint64_t group_size;
  uint64_t bytes_before;
  uint64_t bytes_after;
  /* Weight SQNR, 10 log10(sum w^2 / sum (w - dequant(w))^2), in float64: +INFINITY for an exact
   * quantization (no noise, including an all-zero weight), NaN for a kept layer. */
  double sqnr_db;
  double seconds; /* thread time spent quantizing and measuring this layer */
  uint32_t flags; /* MQ_REPORT_LAYER_* */
  uint32_t reserved0;
  /* Element counts of the canonical buffers mq_report_export_layer needs (0 for a kept layer) */
  uint64_t codes_len;
  uint64_t scales_len;
  uint64_t zero_points_len;
  uint64_t packed_bytes;       /* memory of the packed weights (MQ_RUN_OUTPUT_PACKED), else 0 */
  const char* quantize_kernel; /* the kernel variants that ran (static strings); NULL when kept */
  const char* sqnr_kernel;
  const char* gemv_kernel; /* of the packed weights; NULL unless MQ_RUN_OUTPUT_PACKED */
} mq_report_layer;

MQ_API mq_status mq_report_get_layer(const mq_report* report, uint64_t index,
                                     mq_report_layer* layer);

/* Report warning `index` (< mq_report_summary.warning_count): the plan's warnings first, then the
 * run's, in layer order. */
MQ_API mq_status mq_report_get_warning(const mq_report* report, uint64_t index,
                                       mq_warning* warning);

/* The packed weights of quantized layer `index` (MQ_RUN_OUTPUT_PACKED), owned by the report: valid
 * until the report is destroyed. MQ_ERR_INVALID_ARGUMENT for a kept layer, another output, or
 * weights already taken. */
MQ_API mq_status mq_report_get_packed(const mq_report* report, uint64_t index,
                                      const mq_packed_weights** packed);

/* Takes the packed weights of layer `index` out of the report: the caller then owns them (destroy
 * with mq_packed_destroy) and they outlive the report. Same errors as mq_report_get_packed. */
MQ_API mq_status mq_report_take_packed(mq_report* report, uint64_t index,
                                       mq_packed_weights** packed);

/* Copies layer `index` in the canonical format (MQ_RUN_OUTPUT_CANONICAL or _PACKED, while not
 * taken): INT4 codes (uint8 nibbles) or INT8 codes (cast the pointer), scales, and for asymmetric
 * INT4 zero points (else NULL with length 0); the lengths needed are in mq_report_layer. */
MQ_API mq_status mq_report_export_layer(const mq_report* report, uint64_t index, uint8_t* codes,
                                        uint64_t codes_len, float* scales, uint64_t scales_len,
                                        uint8_t* zero_points, uint64_t zero_points_len);

/* Writes the report as a text table (per layer: decision, rule, format, SQNR, bytes before and
 * after, time; then the totals: the selected and skipped layer names, the compression, the
 * warnings), NUL-terminated. Same buffer contract as mq_plan_format_table. */
MQ_API mq_status mq_report_format_table(const mq_report* report, uint32_t flags, char* buffer,
                                        uint64_t buffer_len, uint64_t* needed);

/* Static lowercase names of the enums, for tools and bindings ("linear", "int8_rows",
 * "skip_name", "few_calibration_samples", ...). MQ_ERR_INVALID_ARGUMENT for an unknown value. */
MQ_API mq_status mq_layer_kind_name(mq_layer_kind kind, const char** name);
MQ_API mq_status mq_decision_name(mq_decision decision, const char** name);
MQ_API mq_status mq_rule_name(mq_rule rule, const char** name);
MQ_API mq_status mq_warning_kind_name(mq_warning_kind kind, const char** name);
/* The inverse of mq_layer_kind_name (exact, lowercase), for tools reading model descriptions. */
MQ_API mq_status mq_layer_kind_from_name(const char* name, mq_layer_kind* kind);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* MONOQUANT_MONOQUANT_SCHEDULER_H */
