// mq_model_write_quantized when things go wrong: bad arguments, a report that does not fit the
// source, the source as the destination, a missing directory, and a writer killed mid-write. In
// every case the destination keeps its previous contents and the source is untouched.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "model/model_test_util.h"

namespace {

using mq::test::CheckpointPlan;
using mq::test::OpenModel;
using mq::test::TempDir;

std::string file_contents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::set<std::string> directory_listing(const std::string& dir) {
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    names.insert(entry.path().filename().string());
  }
  return names;
}

// A source checkpoint on disk, an earlier output next to it, and a report to write.
class WriteFailure : public ::testing::Test {
 protected:
  void SetUp() override {
    source_bytes_ = mq::test::safetensors(mq::test::test_checkpoint());
    source_path_ = dir_.write("model.safetensors", source_bytes_);
    out_path_ = dir_.write("out.safetensors", "the previous output");
    ASSERT_EQ(mq_model_open(nullptr, source_path_.c_str(), &source_), MQ_OK);
    plan_ = std::make_unique<CheckpointPlan>(source_, nullptr);
    report_ = plan_->run(source_, MQ_RUN_OUTPUT_PACKED);
    ASSERT_NE(report_, nullptr);
  }
  void TearDown() override {
    mq_report_destroy(report_);
    plan_.reset();
    mq_model_close(source_);
    // Whatever failed, nothing was lost and nothing was left behind.
    EXPECT_EQ(file_contents(source_path_), source_bytes_);
    EXPECT_EQ(file_contents(out_path_), "the previous output");
    EXPECT_EQ(directory_listing(dir_.path()),
              (std::set<std::string>{"model.safetensors", "out.safetensors"}));
  }

  TempDir dir_;
  std::string source_bytes_, source_path_, out_path_;
  mq_model* source_ = nullptr;
  std::unique_ptr<CheckpointPlan> plan_;
  mq_report* report_ = nullptr;
};

TEST_F(WriteFailure, ArgumentsAreChecked) {
  const char* out = out_path_.c_str();
  MQ_EXPECT_FAILS(mq_model_write_quantized(nullptr, nullptr, report_, out, nullptr),
                  MQ_ERR_NULL_POINTER, "source");
  MQ_EXPECT_FAILS(mq_model_write_quantized(nullptr, source_, nullptr, out, nullptr),
                  MQ_ERR_NULL_POINTER, "report");
  MQ_EXPECT_FAILS(mq_model_write_quantized(nullptr, source_, report_, nullptr, nullptr),
                  MQ_ERR_NULL_POINTER, "path");
  mq_model_write_options o{};
  o.struct_size = sizeof o;
  o.reserved0 = 7;
  MQ_EXPECT_FAILS(mq_model_write_quantized(nullptr, source_, report_, out, &o),
                  MQ_ERR_INVALID_ARGUMENT, "reserved0");
  o.reserved0 = 0;
  o.struct_size = 2;
  MQ_EXPECT_FAILS(mq_model_write_quantized(nullptr, source_, report_, out, &o),
                  MQ_ERR_INVALID_ARGUMENT, "struct_size");
}

TEST_F(WriteFailure, TheSourceIsNeverTheDestinationUnderAnyName) {
  MQ_EXPECT_FAILS(
      mq_model_write_quantized(nullptr, source_, report_, source_path_.c_str(), nullptr),
      MQ_ERR_INVALID_ARGUMENT, "is the source file");
  const std::string other_name = dir_.path() + "/./model.safetensors";
  MQ_EXPECT_FAILS(mq_model_write_quantized(nullptr, source_, report_, other_name.c_str(), nullptr),
                  MQ_ERR_INVALID_ARGUMENT, "is the source file");
}

TEST_F(WriteFailure, MissingDirectoriesAndDirectoriesAreIoErrors) {
  const std::string missing = dir_.path() + "/no/such/dir/out.safetensors";
  MQ_EXPECT_FAILS(mq_model_write_quantized(nullptr, source_, report_, missing.c_str(), nullptr),
                  MQ_ERR_IO, "no/such/dir/out.safetensors");
  const std::string directory = dir_.path() + "/";
  MQ_EXPECT_FAILS(mq_model_write_quantized(nullptr, source_, report_, directory.c_str(), nullptr),
                  MQ_ERR_IO, "names a directory");
}

TEST_F(WriteFailure, AReportWithoutOutputsOrOfAnotherModelIsRefused) {
  mq_report* none = plan_->run(source_, MQ_RUN_OUTPUT_NONE);
  MQ_EXPECT_FAILS(mq_model_write_quantized(nullptr, source_, none, out_path_.c_str(), nullptr),
                  MQ_ERR_INVALID_ARGUMENT, "holds no quantized weights");
  mq_report_destroy(none);

  // A plan of layers the source does not have (same names, other shapes; or other names).
  for (const uint64_t rows : {48, 47}) {
    mq_layer_desc layer{};
    layer.struct_size = sizeof layer;
    layer.kind = MQ_LAYER_LINEAR;
    layer.name = rows == 48 ? "elsewhere.q_proj" : "model.layers.0.self_attn.q_proj";
    layer.rows = rows;
    layer.cols = 256;
    mq_plan* plan = nullptr;
    ASSERT_EQ(mq_plan_create(nullptr, &layer, 1, nullptr, &plan), MQ_OK);
    const std::vector<float> w = mq::test::normal_values(rows * 256, 3);
    const float* weights[] = {w.data()};
    const uint64_t lens[] = {w.size()};
    mq_report* other = nullptr;
    ASSERT_EQ(mq_plan_run(nullptr, plan, weights, lens, 1, nullptr, &other), MQ_OK);
    MQ_EXPECT_FAILS(mq_model_write_quantized(nullptr, source_, other, out_path_.c_str(), nullptr),
                    MQ_ERR_INVALID_ARGUMENT, "is not a layer of the source model");
    mq_report_destroy(other);
    mq_plan_destroy(plan);
  }
}

TEST_F(WriteFailure, TakenPackedWeightsCannotBeWritten) {
  uint64_t index = 0;
  ASSERT_EQ(mq_plan_find_layer(plan_->plan, "model.layers.0.mlp.up_proj", &index), MQ_OK);
  mq_packed_weights* taken = nullptr;
  ASSERT_EQ(mq_report_take_packed(report_, index, &taken), MQ_OK);
  MQ_EXPECT_FAILS(mq_model_write_quantized(nullptr, source_, report_, out_path_.c_str(), nullptr),
                  MQ_ERR_INVALID_ARGUMENT, "were taken");
  mq_packed_destroy(taken);
}

// The child quantizes and writes, and is killed (SIGKILL: no handler, no clean-up) after the
// first tensor of the data section.
TEST_F(WriteFailure, AWriterKilledMidWriteLeavesThePreviousOutput) {
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    mq_model_write_options o{};
    o.struct_size = sizeof o;
    o.progress = [](void*, uint64_t, uint64_t) { ::raise(SIGKILL); };
    mq_model_write_quantized(nullptr, source_, report_, out_path_.c_str(), &o);
    ::_exit(0);  // not reached
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
}

TEST(QuantizedFileNames, ASourceTensorWithANameTheOutputNeedsIsRefused) {
  TempDir dir;
  const std::string path =
      dir.write("m.safetensors",
                mq::test::safetensors({mq::test::float_tensor("w.weight", "F32", {8, 256}, 1),
                                       mq::test::float_tensor("w.weight.scales", "F32", {8}, 2)}));
  OpenModel m(path);
  CheckpointPlan plan(m.model, nullptr);
  mq_report* report = plan.run(m.model, MQ_RUN_OUTPUT_CANONICAL);
  const std::string out = dir.path() + "/out.safetensors";
  MQ_EXPECT_FAILS(mq_model_write_quantized(nullptr, m.model, report, out.c_str(), nullptr),
                  MQ_ERR_INVALID_ARGUMENT, "already has a tensor called 'w.weight.scales'");
  EXPECT_FALSE(std::filesystem::exists(out));
  mq_report_destroy(report);
}

}  // namespace
