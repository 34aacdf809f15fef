#include "demo_checkpoint.h"

#include <cstdio>
#include <random>
#include <vector>

#include "embedded_weights.h"
#include "exit_codes.h"
#include "safetensors_writer.h"
#include "tool_util.h"

namespace mq::tool {

namespace {

// Where a tensor's values come from.
enum class Values {
  kReal,      // an embedded trained matrix
  kStudentT,  // synthetic_weights: heavy-tailed, like a trained matrix
  kNorm,      // a norm's scale: around 1
  kBias,      // small values around 0
};

struct DemoTensor {
  const char* name;
  std::vector<uint64_t> shape;
  Values values;
  const char* matrix;  // kReal: the embedded matrix's name
};

constexpr uint64_t kHidden = 120;  // d_model of the PP-OCRv4 recognizer the head comes from
constexpr uint64_t kVocab = 6625;  // its character set: the CTC head's rows

// In file order. Real matrices keep the layout of their source where it says more than a matrix
// (the 1x1 convolutions as [out, in, 1, 1], the conv1d as [out, in, k]): the checkpoint's layer
// description flattens them back to rows x cols.
const std::vector<DemoTensor>& demo_tensors() {
  static const std::vector<DemoTensor> tensors = {
      {"model.embed_tokens.weight", {kVocab, kHidden}, Values::kStudentT, nullptr},
      {"model.layers.0.input_layernorm.weight", {kHidden}, Values::kNorm, nullptr},
      {"model.layers.0.self_attn.qkv_proj.weight",
       {360, kHidden},
       Values::kReal,
       "ppocr_rec_svtr0_qkv"},
      {"model.layers.0.self_attn.qkv_proj.bias", {360}, Values::kBias, nullptr},
      {"model.layers.0.post_attention_layernorm.weight", {kHidden}, Values::kNorm, nullptr},
      {"model.layers.0.mlp.router.weight", {4, kHidden}, Values::kStudentT, nullptr},
      {"model.layers.0.mlp.pw_conv.weight",
       {480, 480, 1, 1},
       Values::kReal,
       "ppocr_rec_pw_conv180"},
      {"model.layers.0.mlp.se_conv.weight",
       {120, 480, 1, 1},
       Values::kReal,
       "ppocr_rec_se_conv117"},
      {"model.layers.1.encoder.conv.weight", {128, 129, 3}, Values::kReal, "silero_v5_enc0_conv"},
      {"model.layers.1.encoder.conv.bias", {128}, Values::kBias, nullptr},
      {"model.layers.1.lstm.weight_ih", {512, 128}, Values::kReal, "silero_v5_lstm_w_ih"},
      {"model.layers.2.wakeword.fc1.weight", {32, 2400}, Values::kReal, "oww_hello_deepa_fc1"},
      {"model.layers.2.wakeword.fc1.bias", {32}, Values::kBias, nullptr},
      {"model.norm.weight", {kHidden}, Values::kNorm, nullptr},
      {"lm_head.weight", {kVocab, kHidden}, Values::kReal, "ppocr_rec_ctc_head"},
  };
  return tensors;
}

uint64_t element_count(const std::vector<uint64_t>& shape) {
  uint64_t n = 1;
  for (const uint64_t d : shape) n *= d;
  return n;
}

std::vector<float> synthetic_values(const DemoTensor& t, uint32_t seed) {
  const uint64_t n = element_count(t.shape);
  if (t.values == Values::kStudentT) return synthetic_weights(t.shape[0], n / t.shape[0], seed);
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  std::vector<float> v(n);
  for (float& x : v)
    x = t.values == Values::kNorm ? 1.0F + 0.05F * normal(rng) : 0.02F * normal(rng);
  return v;
}

const char* describe_values(const DemoTensor& t) {
  switch (t.values) {
    case Values::kReal: return find_embedded_matrix(t.matrix)->source;
    case Values::kStudentT: return "synthetic (Student-t)";
    case Values::kNorm: return "synthetic norm scale";
    case Values::kBias: return "synthetic bias";
  }
  return "";
}

}  // namespace

int write_demo_checkpoint(const char* command, const std::string& path) {
  std::vector<std::vector<float>> synthetic;  // owns the synthetic values while they are written
  synthetic.reserve(demo_tensors().size());
  std::vector<F32Tensor> tensors;
  uint32_t seed = 1;
  for (const DemoTensor& t : demo_tensors()) {
    const void* data = nullptr;
    if (t.values == Values::kReal) {
      const EmbeddedMatrix* m = find_embedded_matrix(t.matrix);
      if (m == nullptr || m->bytes != element_count(t.shape) * sizeof(float)) {
        std::fprintf(stderr, "%s: the built-in matrix '%s' does not have the shape of '%s'\n",
                     command, t.matrix, t.name);
        return kExitFailure;
      }
      data = m->data;
    } else {
      synthetic.push_back(synthetic_values(t, seed++));
      data = synthetic.back().data();
    }
    tensors.push_back({t.name, t.shape, data});
  }
  const std::string error = write_f32_safetensors(
      path, tensors,
      {{"format", "pt"},
       {"source",
        "monoquant demo: real matrices from tests/data/real-weights (PP-OCRv4, Silero "
        "VAD v5, openWakeWord; see its README.md) and synthetic tensors"}});
  if (!error.empty()) {
    std::fprintf(stderr, "%s: %s\n", command, error.c_str());
    return kExitIo;
  }
  return kExitOk;
}

void print_demo_checkpoint_contents() {
  for (const DemoTensor& t : demo_tensors()) {
    std::printf("  %-48s %-16s %s\n", t.name,
                format_shape(t.shape.data(), static_cast<uint32_t>(t.shape.size())).c_str(),
                describe_values(t));
  }
}

}  // namespace mq::tool
