/* Quantizes a row, runs a GEMV and opens a (missing) model file through an installed monoquant;
 * exits 0 on success. */
#include <monoquant/monoquant.h>
#include <stdio.h>

int main(void) {
  float w[4] = {7.0f, -7.0f, 3.5f, 0.0f};
  float x[4] = {1.0f, 1.0f, 1.0f, 1.0f};
  float y[1] = {0.0f};
  mq_packed_weights* packed = NULL;
  if (mq_packed_create_from_f32(NULL, w, 4, 1, 4, NULL, &packed) != MQ_OK) return 1;
  if (mq_gemv(NULL, packed, MQ_COMPUTE_F32, x, 4, NULL, 0, y, 1) != MQ_OK) return 1;
  mq_packed_destroy(packed);
  /* The model reader pulls simdjson into a static link: a missing file must fail cleanly. */
  mq_model* model = NULL;
  if (mq_model_open(NULL, "/nonexistent/monoquant/consumer.safetensors", &model) != MQ_ERR_IO)
    return 1;
  printf("installed monoquant: y = %g\n", (double)y[0]);
  return y[0] == 4.0f ? 0 : 1;
}
