// mq_model_describe_layers: which tensors of a checkpoint are layers, their names, shapes,
// parameter counts and kinds, the kind overrides, and the argument checks.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "model/model_test_util.h"

namespace {

using mq::test::float_tensor;
using mq::test::OpenModel;
using mq::test::TempDir;

struct Described {
  std::vector<mq_layer_desc> layers;
  std::vector<uint64_t> tensors;
  std::map<std::string, size_t> by_name;
};

Described describe(const mq_model* model, const mq_model_layer_options* options = nullptr) {
  Described d;
  uint64_t count = 0;
  EXPECT_EQ(mq_model_describe_layers(model, options, nullptr, nullptr, 0, &count), MQ_OK)
      << mq::test::last_error();
  d.layers.resize(count);
  d.tensors.resize(count);
  EXPECT_EQ(
      mq_model_describe_layers(model, options, d.layers.data(), d.tensors.data(), count, &count),
      MQ_OK)
      << mq::test::last_error();
  for (size_t i = 0; i < d.layers.size(); ++i) d.by_name[d.layers[i].name] = i;
  return d;
}

TEST(CheckpointLayers, NamesShapesParamsAndKindsFollowTheRules) {
  TempDir dir;
  const std::string path =
      dir.write("m.safetensors", mq::test::safetensors(mq::test::test_checkpoint()));
  OpenModel m(path);
  const Described d = describe(m.model);
  // Not layers: the 1-D norm, the bias, the integer tensor.
  ASSERT_EQ(d.layers.size(), 7U);
  const auto layer = [&](const std::string& name) -> const mq_layer_desc& {
    EXPECT_EQ(d.by_name.count(name), 1U) << name;
    return d.layers[d.by_name.at(name)];
  };
  EXPECT_EQ(layer("model.embed_tokens").kind, MQ_LAYER_EMBEDDING);
  const mq_layer_desc& q = layer("model.layers.0.self_attn.q_proj");
  EXPECT_EQ(q.kind, MQ_LAYER_LINEAR);
  EXPECT_EQ(q.rows, 48U);
  EXPECT_EQ(q.cols, 256U);
  EXPECT_EQ(q.param_count, 48U * 256U + 48U);  // the bias counts
  EXPECT_EQ(q.struct_size, sizeof(mq_layer_desc));
  const mq_layer_desc& conv = layer("model.layers.0.conv");
  EXPECT_EQ(conv.kind, MQ_LAYER_CONV);
  EXPECT_EQ(conv.rows, 16U);
  EXPECT_EQ(conv.cols, 36U);
  EXPECT_EQ(layer("model.layers.0.mlp.up_proj").kind, MQ_LAYER_LINEAR);    // F16
  EXPECT_EQ(layer("model.layers.0.mlp.down_proj").kind, MQ_LAYER_LINEAR);  // BF16
  EXPECT_EQ(layer("lm_head").kind, MQ_LAYER_LINEAR);
  // In tensor order, each with its weight tensor.
  for (size_t i = 0; i < d.layers.size(); ++i) {
    const mq_tensor_info t = mq::test::tensor_info(m.model, d.tensors[i]);
    EXPECT_EQ(std::string(t.name), std::string(d.layers[i].name) + ".weight");
    if (i > 0) {
      EXPECT_GT(d.tensors[i], d.tensors[i - 1]);
    }
  }
}

TEST(CheckpointLayers, NormsOtherNamesAndNameClashes) {
  TempDir dir;
  const std::string path =
      dir.write("m.safetensors",
                mq::test::safetensors({
                    float_tensor("encoder.final_norm.weight", "F32", {1, 16}, 1),  // 2-D norm
                    float_tensor("rotary", "F32", {4, 4}, 2),        // no ".weight": other
                    float_tensor("block", "BF16", {2, 3}, 3),        // a module called "block"
                    float_tensor("block.weight", "F32", {3, 2}, 4),  // ... and its weight
                    float_tensor("empty.weight", "F32", {0, 4}, 5),  // no elements
                    float_tensor(".weight", "F32", {2, 2}, 6),       // nothing left to strip
                }));
  OpenModel m(path);
  const Described d = describe(m.model);
  ASSERT_EQ(d.layers.size(), 5U);
  EXPECT_EQ(d.layers[d.by_name.at("encoder.final_norm")].kind, MQ_LAYER_LAYER_NORM);
  EXPECT_EQ(d.layers[d.by_name.at("rotary")].kind, MQ_LAYER_OTHER);
  EXPECT_EQ(d.layers[d.by_name.at("block")].rows, 2U);
  EXPECT_EQ(d.layers[d.by_name.at("block.weight")].rows, 3U);  // keeps its full name
  EXPECT_EQ(d.by_name.count(".weight"), 1U);
  EXPECT_EQ(d.by_name.count("empty"), 0U);
}

TEST(CheckpointLayers, KindOverridesMatchLikeSkipNamesAndTheFirstWins) {
  TempDir dir;
  const std::string path =
      dir.write("m.safetensors", mq::test::safetensors(mq::test::test_checkpoint()));
  OpenModel m(path);
  const char* names[] = {"q_proj", "model.layers.*", "lm_head"};
  const mq_layer_kind kinds[] = {MQ_LAYER_OTHER, MQ_LAYER_BATCH_NORM, MQ_LAYER_EMBEDDING};
  mq_model_layer_options o{};
  o.struct_size = sizeof o;
  o.kind_override_names = names;
  o.kind_override_kinds = kinds;
  o.kind_override_count = 3;
  const Described d = describe(m.model, &o);
  EXPECT_EQ(d.layers[d.by_name.at("model.layers.0.self_attn.q_proj")].kind, MQ_LAYER_OTHER);
  EXPECT_EQ(d.layers[d.by_name.at("model.layers.0.conv")].kind, MQ_LAYER_BATCH_NORM);
  EXPECT_EQ(d.layers[d.by_name.at("lm_head")].kind, MQ_LAYER_EMBEDDING);
  EXPECT_EQ(d.layers[d.by_name.at("model.embed_tokens")].kind, MQ_LAYER_EMBEDDING);
}

TEST(CheckpointLayers, ArgumentsAreChecked) {
  TempDir dir;
  const std::string path =
      dir.write("m.safetensors", mq::test::safetensors(mq::test::test_checkpoint()));
  OpenModel m(path);
  uint64_t count = 0;
  std::vector<mq_layer_desc> layers(7);
  MQ_EXPECT_FAILS(mq_model_describe_layers(nullptr, nullptr, nullptr, nullptr, 0, &count),
                  MQ_ERR_NULL_POINTER, "model");
  MQ_EXPECT_FAILS(mq_model_describe_layers(m.model, nullptr, nullptr, nullptr, 0, nullptr),
                  MQ_ERR_NULL_POINTER, "layer_count");
  MQ_EXPECT_FAILS(mq_model_describe_layers(m.model, nullptr, layers.data(), nullptr, 6, &count),
                  MQ_ERR_BUFFER_TOO_SMALL, "the model has 7 layers");
  const char* names[] = {"x", nullptr};
  const mq_layer_kind kinds[] = {MQ_LAYER_LINEAR, static_cast<mq_layer_kind>(99)};
  mq_model_layer_options o{};
  o.struct_size = sizeof o;
  o.kind_override_names = names;
  o.kind_override_kinds = kinds;
  o.kind_override_count = 2;
  MQ_EXPECT_FAILS(mq_model_describe_layers(m.model, &o, nullptr, nullptr, 0, &count),
                  MQ_ERR_NULL_POINTER, "kind_override_names[1]");
  names[1] = "y";
  MQ_EXPECT_FAILS(mq_model_describe_layers(m.model, &o, nullptr, nullptr, 0, &count),
                  MQ_ERR_INVALID_ARGUMENT, "kind_override_kinds[1]");
  o.kind_override_kinds = nullptr;
  MQ_EXPECT_FAILS(mq_model_describe_layers(m.model, &o, nullptr, nullptr, 0, &count),
                  MQ_ERR_NULL_POINTER, "kind_override_kinds");
  o = mq_model_layer_options{};
  o.struct_size = sizeof o;
  o.reserved0 = 1;
  MQ_EXPECT_FAILS(mq_model_describe_layers(m.model, &o, nullptr, nullptr, 0, &count),
                  MQ_ERR_INVALID_ARGUMENT, "reserved0");
}

}  // namespace
