#include "capi/model/checkpoint_layers.h"

#include <algorithm>

namespace mq::capi {
namespace {

namespace mf = model_file;

constexpr std::string_view kWeightSuffix = ".weight";
constexpr std::string_view kBiasSuffix = ".bias";

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool contains(std::string_view s, std::string_view part) {
  return s.find(part) != std::string_view::npos;
}

// A layer's weight: fp32 or one of the 16-bit float types read as fp32, a matrix or more, not
// empty (the scheduler takes no zero shapes; an empty tensor is copied like any other).
bool is_layer_tensor(const mf::SafetensorsTable& table, const mf::TensorEntry& t) {
  const bool float_type =
      t.dtype == mf::Dtype::f32 || t.dtype == mf::Dtype::f16 || t.dtype == mf::Dtype::bf16;
  return float_type && t.rank >= 2 && t.elements > 0 && !ends_with(table.name(t), kBiasSuffix);
}

mq_layer_kind default_kind(std::string_view tensor_name, uint32_t rank) {
  if (contains(tensor_name, "embed")) return MQ_LAYER_EMBEDDING;
  if (contains(tensor_name, "norm")) return MQ_LAYER_LAYER_NORM;
  if (rank >= 3) return MQ_LAYER_CONV;
  if (ends_with(tensor_name, kWeightSuffix)) return MQ_LAYER_LINEAR;
  return MQ_LAYER_OTHER;
}

// The elements of the tensor called exactly `name`, or 0.
uint64_t elements_of(const mf::SafetensorsTable& table, std::string_view name) {
  const size_t i = table.find_tensor(name);
  return i < table.tensors.size() ? table.tensors[i].elements : 0;
}

}  // namespace

const CheckpointLayer* CheckpointLayers::find(std::string_view wanted) const {
  const auto it = std::lower_bound(
      by_name.begin(), by_name.end(), wanted,
      [&](size_t i, std::string_view w) { return std::string_view(name(layers[i])) < w; });
  if (it == by_name.end() || std::string_view(name(layers[*it])) != wanted) return nullptr;
  return &layers[*it];
}

void find_checkpoint_layers(const mf::SafetensorsTable& table, CheckpointLayers* out) {
  for (size_t i = 0; i < table.tensors.size(); ++i) {
    const mf::TensorEntry& t = table.tensors[i];
    if (!is_layer_tensor(table, t)) continue;
    const std::string_view tensor_name = table.name(t);
    std::string_view name = tensor_name;
    if (ends_with(name, kWeightSuffix)) {
      const std::string_view module = name.substr(0, name.size() - kWeightSuffix.size());
      // Another tensor already called like the module keeps the full names apart.
      if (!module.empty() && table.find_tensor(module) == table.tensors.size()) name = module;
    }
    CheckpointLayer l{};
    l.tensor = i;
    l.name_offset = out->text.size();
    l.name_size = name.size();
    out->text.insert(out->text.end(), name.begin(), name.end());
    out->text.push_back('\0');
    l.rows = t.shape[0];
    l.cols = 1;
    for (uint32_t d = 1; d < t.rank; ++d) l.cols *= t.shape[d];  // fits: elements fit 64 bits
    const std::string bias = std::string(name) + std::string(kBiasSuffix);
    l.params = t.elements + elements_of(table, bias);
    l.kind = default_kind(tensor_name, t.rank);
    out->layers.push_back(l);
  }
  out->by_name.resize(out->layers.size());
  for (size_t i = 0; i < out->by_name.size(); ++i) out->by_name[i] = i;
  std::sort(out->by_name.begin(), out->by_name.end(), [&](size_t a, size_t b) {
    return std::string_view(out->name(out->layers[a])) <
           std::string_view(out->name(out->layers[b]));
  });
}

}  // namespace mq::capi
