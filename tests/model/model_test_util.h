// Helpers for the model-file tests: an open model closed at the end of the scope, a small
// checkpoint with one tensor of every kind the layer rules tell apart, and its quantization.
#ifndef MONOQUANT_TESTS_MODEL_MODEL_TEST_UTIL_H
#define MONOQUANT_TESTS_MODEL_MODEL_TEST_UTIL_H

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "api/api_test_util.h"
#include "model/safetensors_file.h"
#include "monoquant/monoquant.h"

namespace mq::test {

// Opens a file and closes it at the end of the scope.
struct OpenModel {
  explicit OpenModel(const std::string& path, mq_context* context = nullptr) {
    status = mq_model_open(context, path.c_str(), &model);
    EXPECT_EQ(status, MQ_OK) << mq::test::last_error();
  }
  ~OpenModel() { EXPECT_EQ(mq_model_close(model), MQ_OK); }
  OpenModel(const OpenModel&) = delete;
  OpenModel& operator=(const OpenModel&) = delete;
  mq_model* model = nullptr;
  mq_status status;
};

inline mq_tensor_info tensor_info(const mq_model* model, uint64_t index) {
  mq_tensor_info info{};
  info.struct_size = sizeof info;
  EXPECT_EQ(mq_model_get_tensor(model, index, &info), MQ_OK) << mq::test::last_error();
  return info;
}

inline std::string tensor_bytes(const mq_model* model, uint64_t index) {
  const void* data = nullptr;
  uint64_t bytes = 0;
  EXPECT_EQ(mq_model_tensor_data(model, index, &data, &bytes), MQ_OK) << mq::test::last_error();
  return bytes == 0 ? std::string() : std::string(static_cast<const char*>(data), bytes);
}

inline uint64_t tensor_index(const mq_model* model, const std::string& name) {
  int32_t found = 0;
  uint64_t index = UINT64_MAX;
  EXPECT_EQ(mq_model_find_tensor(model, name.c_str(), &found, &index), MQ_OK);
  EXPECT_EQ(found, 1) << name;
  return index;
}

inline std::vector<float> normal_values(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0F, 0.05F);
  std::vector<float> v(n);
  for (float& x : v) x = normal(rng);
  return v;
}

// fp32 -> BF16 and F16, rounding to nearest even (finite inputs; no NaN handling needed here).
inline uint16_t to_bf16_bits(float f) {
  uint32_t x = 0;
  std::memcpy(&x, &f, 4);
  return static_cast<uint16_t>((x + 0x7FFFU + ((x >> 16) & 1U)) >> 16);
}

inline uint16_t to_f16_bits(float f) {
  uint32_t x = 0;
  std::memcpy(&x, &f, 4);
  const uint32_t sign = (x >> 16) & 0x8000U;
  x &= 0x7FFFFFFFU;
  if (x >= 0x477FF000U) return static_cast<uint16_t>(sign | 0x7C00U);  // rounds to infinity
  if (x < 0x38800000U) {  // below F16's smallest normal: a multiple of 2^-24, rounded to even
    return static_cast<uint16_t>(sign |
                                 static_cast<uint32_t>(std::nearbyint(std::fabs(f) * 16777216.0F)));
  }
  uint32_t h = (((x >> 23) - 112U) << 10) | ((x & 0x7FFFFFU) >> 13);
  const uint32_t rest = x & 0x1FFFU;
  if (rest > 0x1000U || (rest == 0x1000U && (h & 1U) != 0)) ++h;
  return static_cast<uint16_t>(sign | h);
}

// Raw bytes of `values` in a float dtype ("F32", "F16", "BF16"; the 16-bit ones round to nearest
// even).
inline std::string float_bytes(const std::vector<float>& values, const std::string& dtype) {
  if (dtype == "F32") return bytes_of(values);
  std::vector<uint16_t> half(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    half[i] = dtype == "F16" ? to_f16_bits(values[i]) : to_bf16_bits(values[i]);
  }
  return bytes_of(half);
}

inline TensorSpec float_tensor(const std::string& name, const std::string& dtype,
                               const std::vector<uint64_t>& shape, uint32_t seed) {
  uint64_t n = 1;
  for (const uint64_t d : shape) n *= d;
  return {name, dtype, shape, float_bytes(normal_values(n, seed), dtype)};
}

// A checkpoint whose plan (default options) has every decision and rule kind: INT4 (F32, F16 and
// BF16 weights, K a multiple of the group and not), per-row INT8 for a convolution with K < 128,
// kept embedding, lm_head and small layer; and tensors that are not layers (a norm, a bias, an
// integer tensor).
inline std::vector<TensorSpec> test_checkpoint() {
  return {
      float_tensor("model.embed_tokens.weight", "F32", {64, 32}, 1),
      float_tensor("model.layers.0.input_layernorm.weight", "F32", {32}, 2),
      float_tensor("model.layers.0.self_attn.q_proj.weight", "F32", {48, 256}, 3),
      float_tensor("model.layers.0.self_attn.q_proj.bias", "F32", {48}, 4),
      float_tensor("model.layers.0.mlp.up_proj.weight", "F16", {40, 160}, 5),
      float_tensor("model.layers.0.mlp.down_proj.weight", "BF16", {32, 200}, 6),
      float_tensor("model.layers.0.conv.weight", "F32", {16, 4, 3, 3}, 7),
      float_tensor("model.layers.0.tiny.weight", "F32", {4, 8}, 8),
      {"position_ids", "I64", {3}, bytes_of(std::vector<int64_t>{0, 1, 2})},
      float_tensor("lm_head.weight", "F32", {64, 32}, 9),
  };
}

// The layers of an open checkpoint, their weight tensors, and a plan of them.
struct CheckpointPlan {
  CheckpointPlan(const mq_model* model, const mq_plan_options* options) {
    uint64_t count = 0;
    EXPECT_EQ(mq_model_describe_layers(model, nullptr, nullptr, nullptr, 0, &count), MQ_OK)
        << mq::test::last_error();
    layers.resize(count);
    tensors.resize(count);
    EXPECT_EQ(
        mq_model_describe_layers(model, nullptr, layers.data(), tensors.data(), count, &count),
        MQ_OK)
        << mq::test::last_error();
    EXPECT_EQ(mq_plan_create(nullptr, layers.data(), count, options, &plan), MQ_OK)
        << mq::test::last_error();
  }
  ~CheckpointPlan() { mq_plan_destroy(plan); }
  CheckpointPlan(const CheckpointPlan&) = delete;
  CheckpointPlan& operator=(const CheckpointPlan&) = delete;

  // Runs the plan on the model's weights, read as fp32.
  mq_report* run(const mq_model* model, mq_run_output output) const {
    std::vector<std::vector<float>> weights(layers.size());
    std::vector<const float*> pointers(layers.size());
    std::vector<uint64_t> lens(layers.size());
    for (size_t i = 0; i < layers.size(); ++i) {
      weights[i].resize(layers[i].rows * layers[i].cols);
      EXPECT_EQ(mq_model_read_f32(nullptr, model, tensors[i], weights[i].data(), weights[i].size()),
                MQ_OK)
          << mq::test::last_error();
      pointers[i] = weights[i].data();
      lens[i] = weights[i].size();
    }
    mq_run_options run{};
    run.struct_size = sizeof run;
    run.output = output;
    mq_report* report = nullptr;
    EXPECT_EQ(
        mq_plan_run(nullptr, plan, pointers.data(), lens.data(), layers.size(), &run, &report),
        MQ_OK)
        << mq::test::last_error();
    return report;
  }

  std::vector<mq_layer_desc> layers;
  std::vector<uint64_t> tensors;
  mq_plan* plan = nullptr;
};

}  // namespace mq::test

#endif
