/* The public header compiles as C99 with -Wall -Wextra -pedantic -Werror, and a C program can use
 * it: this file is built that way and run by ctest. The layout checks pin the LP64 ABI of the
 * public structs (a reordered or resized field breaks every FFI binding). */
#include <monoquant/monoquant.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define MQ_STATIC_CHECK(name, cond) typedef char mq_check_##name[(cond) ? 1 : -1]

MQ_STATIC_CHECK(status_is_32_bits, sizeof(mq_status) == 4);
MQ_STATIC_CHECK(isa_is_32_bits, sizeof(mq_isa) == 4);
#if defined(__LP64__)
MQ_STATIC_CHECK(context_options_size, sizeof(mq_context_options) == 80);
MQ_STATIC_CHECK(context_options_alloc, offsetof(mq_context_options, alloc_fn) == 16);
MQ_STATIC_CHECK(context_options_executor_threads,
                offsetof(mq_context_options, executor_threads) == 56);
MQ_STATIC_CHECK(context_options_log_user, offsetof(mq_context_options, log_user) == 72);
MQ_STATIC_CHECK(pack_options_size, sizeof(mq_pack_options) == 24);
MQ_STATIC_CHECK(pack_options_group, offsetof(mq_pack_options, group_size) == 16);
MQ_STATIC_CHECK(packed_info_size, sizeof(mq_packed_info) == 80);
MQ_STATIC_CHECK(packed_info_rows, offsetof(mq_packed_info, rows) == 16);
MQ_STATIC_CHECK(packed_info_kernel_name, offsetof(mq_packed_info, kernel_name) == 72);
MQ_STATIC_CHECK(model_info_size, sizeof(mq_model_info) == 80);
MQ_STATIC_CHECK(model_info_layer_count, offsetof(mq_model_info, layer_count) == 72);
MQ_STATIC_CHECK(model_layer_size, sizeof(mq_model_layer) == 112);
MQ_STATIC_CHECK(model_layer_sqnr, offsetof(mq_model_layer, sqnr_db) == 72);
MQ_STATIC_CHECK(model_layer_options_size, sizeof(mq_model_layer_options) == 32);
MQ_STATIC_CHECK(model_write_options_size, sizeof(mq_model_write_options) == 24);
MQ_STATIC_CHECK(model_info_tensor_count, offsetof(mq_model_info, tensor_count) == 8);
MQ_STATIC_CHECK(model_info_data_offset, offsetof(mq_model_info, data_offset) == 40);
MQ_STATIC_CHECK(tensor_info_size, sizeof(mq_tensor_info) == 112);
MQ_STATIC_CHECK(tensor_info_name, offsetof(mq_tensor_info, name) == 8);
MQ_STATIC_CHECK(tensor_info_shape, offsetof(mq_tensor_info, shape) == 24);
MQ_STATIC_CHECK(tensor_info_file_offset, offsetof(mq_tensor_info, file_offset) == 104);
#endif
MQ_STATIC_CHECK(dtype_is_32_bits, sizeof(mq_dtype) == 4);

static int failures = 0;
#define CHECK(cond)                                              \
  do {                                                           \
    if (!(cond)) {                                               \
      fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                \
    }                                                            \
  } while (0)

int main(void) {
  uint32_t major = 0, minor = 0, patch = 0, abi = 0;
  float w[6] = {7.0f, -3.5f, 0.5f, -7.0f, 2.5f, 1.0f};
  uint8_t codes[3] = {0, 0, 0};
  float scales[1] = {0.0f};
  float x[6] = {1, 1, 1, 1, 1, 1};
  float y[1] = {0.0f};
  const char* message = NULL;
  mq_packed_weights* packed = NULL;
  mq_pack_options options;
  mq_model* model = NULL;

  CHECK(mq_get_version(&major, &minor, &patch) == MQ_OK);
  CHECK(major == MQ_VERSION_MAJOR && minor == MQ_VERSION_MINOR && patch == MQ_VERSION_PATCH);
  CHECK(mq_get_abi_version(&abi) == MQ_OK && abi == MQ_ABI_VERSION);
  CHECK(mq_quantize_int4(NULL, w, 6, 1, 6, 6, MQ_SCHEME_SYMMETRIC, codes, 3, scales, 1, NULL, 0) ==
        MQ_OK);
  CHECK(codes[0] == 0xC7 && codes[1] == 0x90 && codes[2] == 0x12 && scales[0] == 1.0f);
  CHECK(mq_quantize_int4(NULL, NULL, 6, 1, 6, 6, MQ_SCHEME_SYMMETRIC, codes, 3, scales, 1, NULL,
                         0) == MQ_ERR_NULL_POINTER);
  CHECK(mq_last_error_message(&message) == MQ_OK && strstr(message, "weights is NULL") != NULL);

  memset(&options, 0, sizeof(options));
  options.struct_size = sizeof(options);
  options.group_size = 6;
  CHECK(mq_packed_create_from_f32(NULL, w, 6, 1, 6, &options, &packed) == MQ_OK);
  CHECK(mq_gemv(NULL, packed, MQ_COMPUTE_F32, x, 6, NULL, 0, y, 1) == MQ_OK);
  CHECK(y[0] == 7.0f - 4.0f + 0.0f - 7.0f + 2.0f + 1.0f);
  CHECK(mq_packed_destroy(packed) == MQ_OK);
  CHECK(mq_dtype_name(MQ_DTYPE_BF16, &message) == MQ_OK && strcmp(message, "BF16") == 0);
  CHECK(mq_model_open(NULL, "/nonexistent/model.safetensors", &model) == MQ_ERR_IO &&
        model == NULL);
  if (failures == 0) printf("C99 client: all checks passed\n");
  return failures == 0 ? 0 : 1;
}
