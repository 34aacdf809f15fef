// Quantize a checkpoint -> mq_model_write_quantized -> mq_model_open -> mq_model_load_packed: the
// file records the plan and report, keeps every other tensor byte for byte, and its layers give
// the same codes on every ISA and the same GEMV as the in-memory result.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "model/model_test_util.h"

namespace {

using mq::test::CheckpointPlan;
using mq::test::OpenModel;
using mq::test::TempDir;

struct Canonical {
  std::vector<uint8_t> codes, zero_points;
  std::vector<float> scales;
  bool operator==(const Canonical& o) const {
    return codes == o.codes && zero_points == o.zero_points &&
           std::memcmp(scales.data(), o.scales.data(), scales.size() * sizeof(float)) == 0 &&
           scales.size() == o.scales.size();
  }
};

Canonical export_report_layer(const mq_report* report, uint64_t i) {
  mq_report_layer l{};
  l.struct_size = sizeof l;
  EXPECT_EQ(mq_report_get_layer(report, i, &l), MQ_OK);
  Canonical c;
  c.codes.resize(l.codes_len);
  c.scales.resize(l.scales_len);
  c.zero_points.resize(l.zero_points_len);
  EXPECT_EQ(mq_report_export_layer(
                report, i, c.codes.data(), c.codes.size(), c.scales.data(), c.scales.size(),
                c.zero_points.empty() ? nullptr : c.zero_points.data(), c.zero_points.size()),
            MQ_OK)
      << mq::test::last_error();
  return c;
}

Canonical export_packed(const mq_packed_weights* p) {
  mq_packed_info info{};
  info.struct_size = sizeof info;
  EXPECT_EQ(mq_packed_get_info(p, &info), MQ_OK);
  Canonical c;
  c.codes.resize(info.codes_len);
  c.scales.resize(info.scales_len);
  c.zero_points.resize(info.zero_points_len);
  EXPECT_EQ(mq_packed_export(p, c.codes.data(), c.codes.size(), c.scales.data(), c.scales.size(),
                             c.zero_points.empty() ? nullptr : c.zero_points.data(),
                             c.zero_points.size()),
            MQ_OK)
      << mq::test::last_error();
  return c;
}

std::vector<float> gemv(mq_context* c, const mq_packed_weights* p, uint64_t rows, uint64_t cols,
                        mq_compute_mode mode) {
  const std::vector<float> x = mq::test::normal_values(cols, 77);
  std::vector<float> y(rows);
  EXPECT_EQ(mq_gemv(c, p, mode, x.data(), x.size(), nullptr, 0, y.data(), y.size()), MQ_OK)
      << mq::test::last_error();
  return y;
}

std::vector<mq_isa> isas_of_this_cpu() {
  uint32_t count = 0;
  EXPECT_EQ(mq_isa_list(nullptr, 0, &count), MQ_OK);
  std::vector<mq_isa> isas(count);
  EXPECT_EQ(mq_isa_list(isas.data(), count, &count), MQ_OK);
  return isas;
}

std::string metadata(const mq_model* m, const char* key) {
  const char* value = nullptr;
  EXPECT_EQ(mq_model_find_metadata(m, key, &value), MQ_OK);
  return value == nullptr ? std::string("<absent>") : std::string(value);
}

std::string file_contents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class QuantizedRoundTrip : public ::testing::TestWithParam<mq_scheme> {};

TEST_P(QuantizedRoundTrip, TheFileGivesTheSameCodesOnEveryIsaAndTheInMemoryGemv) {
  const mq_scheme scheme = GetParam();
  TempDir dir;
  const std::string source_path = dir.write(
      "model.safetensors",
      mq::test::safetensors(mq::test::test_checkpoint(), {{"format", "pt"}, {"bits", "16"}}));
  const std::string out_path = dir.path() + "/model.int4.safetensors";
  OpenModel source(source_path);
  mq_plan_options options{};
  options.struct_size = sizeof options;
  options.scheme = scheme;
  CheckpointPlan plan(source.model, &options);
  mq_report* report = plan.run(source.model, MQ_RUN_OUTPUT_PACKED);
  ASSERT_NE(report, nullptr);
  ASSERT_EQ(mq_model_write_quantized(nullptr, source.model, report, out_path.c_str(), nullptr),
            MQ_OK)
      << mq::test::last_error();

  OpenModel out(out_path);
  mq_model_info info{};
  info.struct_size = sizeof info;
  ASSERT_EQ(mq_model_get_info(out.model, &info), MQ_OK);
  EXPECT_EQ(info.format_version, 1U);
  EXPECT_EQ(info.bits, 4U);
  EXPECT_EQ(info.group_size, 128U);
  EXPECT_EQ(info.scheme, scheme);
  ASSERT_EQ(info.layer_count, plan.layers.size());
  // Top-level keys as strings, the source's own entries kept unless redefined.
  EXPECT_EQ(metadata(out.model, "bits"), "4");
  EXPECT_EQ(metadata(out.model, "group_size"), "128");
  EXPECT_EQ(metadata(out.model, "format"), "pt");
  EXPECT_EQ(metadata(out.model, "monoquant.format"), "monoquant");
  EXPECT_NE(metadata(out.model, "monoquant.report").find("default_lm_head"), std::string::npos);
  EXPECT_NE(metadata(out.model, "monoquant.plan").find("\"group_size\":128"), std::string::npos);

  // Tensors that are not replaced are copied byte for byte.
  for (const char* name : {"model.embed_tokens.weight", "model.layers.0.input_layernorm.weight",
                           "model.layers.0.self_attn.q_proj.bias", "position_ids", "lm_head.weight",
                           "model.layers.0.tiny.weight"}) {
    EXPECT_EQ(mq::test::tensor_bytes(out.model, mq::test::tensor_index(out.model, name)),
              mq::test::tensor_bytes(source.model, mq::test::tensor_index(source.model, name)))
        << name;
  }

  const std::vector<mq_isa> isas = isas_of_this_cpu();
  int quantized = 0;
  for (uint64_t i = 0; i < info.layer_count; ++i) {
    mq_report_layer r{};
    r.struct_size = sizeof r;
    ASSERT_EQ(mq_report_get_layer(report, i, &r), MQ_OK);
    int32_t found = 0;
    uint64_t index = 0;
    ASSERT_EQ(mq_model_find_layer(out.model, r.name, &found, &index), MQ_OK);
    ASSERT_EQ(found, 1) << r.name;
    mq_model_layer l{};
    l.struct_size = sizeof l;
    ASSERT_EQ(mq_model_get_layer(out.model, index, &l), MQ_OK);
    EXPECT_STREQ(l.name, r.name);
    EXPECT_EQ(std::string(l.tensor_name), std::string(r.name) + ".weight");
    EXPECT_EQ(l.kind, r.kind);
    EXPECT_EQ(l.decision, r.decision);
    EXPECT_EQ(l.rule, r.rule);
    EXPECT_STREQ(l.rule_detail, r.rule_detail);
    EXPECT_EQ(l.rows, r.rows);
    EXPECT_EQ(l.cols, r.cols);
    if (r.decision == MQ_DECISION_KEEP) {
      EXPECT_TRUE(std::isnan(l.sqnr_db));
      EXPECT_NE(l.weight_tensor, MQ_NO_TENSOR);
      EXPECT_EQ(l.codes_tensor, MQ_NO_TENSOR);
      mq_packed_weights* p = nullptr;
      MQ_EXPECT_FAILS(mq_model_load_packed(nullptr, out.model, index, &p), MQ_ERR_INVALID_ARGUMENT,
                      "was kept");
      continue;
    }
    ++quantized;
    EXPECT_EQ(l.sqnr_db, r.sqnr_db);
    EXPECT_EQ(l.format, r.format);
    EXPECT_EQ(l.group_size, r.group_size);
    EXPECT_EQ(l.weight_tensor, MQ_NO_TENSOR);
    EXPECT_EQ(l.zero_points_tensor != MQ_NO_TENSOR,
              r.decision == MQ_DECISION_INT4 && scheme == MQ_SCHEME_ASYMMETRIC);
    const Canonical expected = export_report_layer(report, i);
    // The stored codes are the canonical bytes.
    EXPECT_EQ(mq::test::tensor_bytes(out.model, l.codes_tensor),
              std::string(expected.codes.begin(), expected.codes.end()));
    // The in-memory result: the report's packed weights under the default context.
    const mq_packed_weights* in_memory = nullptr;
    ASSERT_EQ(mq_report_get_packed(report, i, &in_memory), MQ_OK);
    mq_packed_weights* loaded = nullptr;
    ASSERT_EQ(mq_model_load_packed(nullptr, out.model, index, &loaded), MQ_OK)
        << mq::test::last_error();
    for (const mq_compute_mode mode : {MQ_COMPUTE_F32, MQ_COMPUTE_INT8}) {
      EXPECT_EQ(gemv(nullptr, loaded, l.rows, l.cols, mode),
                gemv(nullptr, in_memory, l.rows, l.cols, mode))
          << r.name;
    }
    mq_packed_destroy(loaded);
    // Every ISA: the same canonical codes back, and the GEMV of weights packed from memory.
    for (const mq_isa isa : isas) {
      mq_context_options co{};
      co.struct_size = sizeof co;
      co.isa = isa;
      mq_context* c = nullptr;
      ASSERT_EQ(mq_context_create(&co, &c), MQ_OK);
      ASSERT_EQ(mq_model_load_packed(c, out.model, index, &loaded), MQ_OK);
      EXPECT_TRUE(export_packed(loaded) == expected) << r.name << " isa " << isa;
      mq_packed_weights* from_memory = nullptr;
      if (r.decision == MQ_DECISION_INT4) {
        ASSERT_EQ(
            mq_packed_create_from_int4(
                c, expected.codes.data(), expected.codes.size(), expected.scales.data(),
                expected.scales.size(),
                expected.zero_points.empty() ? nullptr : expected.zero_points.data(),
                expected.zero_points.size(), l.rows, l.cols, l.group_size, l.scheme, &from_memory),
            MQ_OK);
      } else {
        ASSERT_EQ(
            mq_packed_create_from_int8_rows(
                c, reinterpret_cast<const int8_t*>(expected.codes.data()), expected.codes.size(),
                expected.scales.data(), expected.scales.size(), l.rows, l.cols, &from_memory),
            MQ_OK);
      }
      EXPECT_EQ(gemv(c, loaded, l.rows, l.cols, MQ_COMPUTE_F32),
                gemv(c, from_memory, l.rows, l.cols, MQ_COMPUTE_F32));
      mq_packed_destroy(from_memory);
      mq_packed_destroy(loaded);
      mq_context_destroy(c);
    }
  }
  EXPECT_EQ(quantized, 4);  // q_proj, up_proj (F16), down_proj (BF16): INT4; conv: INT8 rows

  // Written again from the same report, the file is the same bytes: no times, no randomness.
  const std::string again = dir.path() + "/again.safetensors";
  ASSERT_EQ(mq_model_write_quantized(nullptr, source.model, report, again.c_str(), nullptr), MQ_OK);
  EXPECT_EQ(file_contents(again), file_contents(out_path));
  mq_report_destroy(report);
}

INSTANTIATE_TEST_SUITE_P(Schemes, QuantizedRoundTrip,
                         ::testing::Values(MQ_SCHEME_SYMMETRIC, MQ_SCHEME_ASYMMETRIC));

TEST(QuantizedFile, PerRowInt8PlansStoreI8CodesAndCanonicalOutputsWriteToo) {
  TempDir dir;
  const std::string source_path =
      dir.write("model.safetensors", mq::test::safetensors(mq::test::test_checkpoint()));
  const std::string out_path = dir.path() + "/model.int8.safetensors";
  OpenModel source(source_path);
  mq_plan_options options{};
  options.struct_size = sizeof options;
  options.bits = 8;
  CheckpointPlan plan(source.model, &options);
  mq_report* report = plan.run(source.model, MQ_RUN_OUTPUT_CANONICAL);
  ASSERT_EQ(mq_model_write_quantized(nullptr, source.model, report, out_path.c_str(), nullptr),
            MQ_OK)
      << mq::test::last_error();
  OpenModel out(out_path);
  EXPECT_EQ(metadata(out.model, "bits"), "8");
  EXPECT_EQ(metadata(out.model, "group_size"), "-1");
  const mq_tensor_info codes = mq::test::tensor_info(
      out.model, mq::test::tensor_index(out.model, "model.layers.0.self_attn.q_proj.weight.codes"));
  EXPECT_EQ(codes.dtype, MQ_DTYPE_I8);
  EXPECT_EQ(codes.shape[0], 48U);
  EXPECT_EQ(codes.shape[1], 256U);
  const mq_tensor_info scales = mq::test::tensor_info(
      out.model,
      mq::test::tensor_index(out.model, "model.layers.0.self_attn.q_proj.weight.scales"));
  EXPECT_EQ(scales.dtype, MQ_DTYPE_F32);
  EXPECT_EQ(scales.shape[1], 1U);
  uint64_t index = 0;
  int32_t found = 0;
  ASSERT_EQ(mq_model_find_layer(out.model, "model.layers.0.self_attn.q_proj", &found, &index),
            MQ_OK);
  mq_packed_weights* p = nullptr;
  ASSERT_EQ(mq_model_load_packed(nullptr, out.model, index, &p), MQ_OK) << mq::test::last_error();
  const Canonical stored = export_packed(p);
  mq_packed_destroy(p);
  mq_report_layer r{};
  r.struct_size = sizeof r;
  uint64_t report_index = 0;
  ASSERT_EQ(mq_plan_find_layer(plan.plan, "model.layers.0.self_attn.q_proj", &report_index), MQ_OK);
  EXPECT_TRUE(stored == export_report_layer(report, report_index));
  mq_report_destroy(report);
}

TEST(QuantizedFile, ProgressReachesTheTotalOfTheDataSection) {
  TempDir dir;
  const std::string source_path =
      dir.write("model.safetensors", mq::test::safetensors(mq::test::test_checkpoint()));
  const std::string out_path = dir.path() + "/out.safetensors";
  OpenModel source(source_path);
  CheckpointPlan plan(source.model, nullptr);
  mq_report* report = plan.run(source.model, MQ_RUN_OUTPUT_CANONICAL);
  struct Seen {
    std::vector<uint64_t> done;
    uint64_t total = 0;
  } seen;
  mq_model_write_options o{};
  o.struct_size = sizeof o;
  o.progress = [](void* user, uint64_t done, uint64_t total) {
    auto* s = static_cast<Seen*>(user);
    s->done.push_back(done);
    s->total = total;
  };
  o.progress_user = &seen;
  ASSERT_EQ(mq_model_write_quantized(nullptr, source.model, report, out_path.c_str(), &o), MQ_OK);
  OpenModel out(out_path);
  mq_model_info info{};
  info.struct_size = sizeof info;
  ASSERT_EQ(mq_model_get_info(out.model, &info), MQ_OK);
  ASSERT_FALSE(seen.done.empty());
  EXPECT_EQ(seen.done.size(), 10U);  // one call per source tensor
  EXPECT_EQ(seen.done.back(), seen.total);
  EXPECT_EQ(seen.total, info.file_size - info.data_offset);
  mq_report_destroy(report);
}

}  // namespace
