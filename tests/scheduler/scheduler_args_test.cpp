// Every invalid argument of every scheduler entry point: the right status, a message that names the
// entry point and the problem, and nothing written to any output.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "monoquant/monoquant.h"
#include "scheduler/scheduler_fixture.h"

namespace mq::sched_test {
namespace {

// Checks a failing call: its status, and a message "<entry point>: ...<needle>...".
#define EXPECT_FAILS(call, status, entry, needle)                                       \
  do {                                                                                  \
    EXPECT_EQ((call), (status)) << #call;                                               \
    const std::string message_ = last_error();                                          \
    EXPECT_EQ(message_.rfind(std::string(entry) + ": ", 0), 0U) << message_;            \
    EXPECT_NE(message_.find(needle), std::string::npos) << #call << " -> " << message_; \
  } while (0)

// Output values a failing call must leave alone: addresses no call can return.
alignas(64) char g_sentinel[64];
mq_plan* const kSentinelPlan = reinterpret_cast<mq_plan*>(g_sentinel);
mq_report* const kSentinelReport = reinterpret_cast<mq_report*>(g_sentinel);
mq_observer* const kSentinelObserver = reinterpret_cast<mq_observer*>(g_sentinel);
mq_packed_weights* const kSentinelPacked = reinterpret_cast<mq_packed_weights*>(g_sentinel);

class PlanCreateArgs : public ::testing::Test {
 protected:
  std::vector<mq_layer_desc> d = descs(transformer_layers());
  mq_plan_options o = plan_options();
  mq_plan* plan = kSentinelPlan;

  void expect(mq_status status, const char* needle) {
    EXPECT_FAILS(mq_plan_create(nullptr, d.data(), d.size(), &o, &plan), status, "mq_plan_create",
                 needle);
    EXPECT_EQ(plan, kSentinelPlan);
    d = descs(transformer_layers());
    o = plan_options();
  }
};

TEST_F(PlanCreateArgs, Pointers) {
  EXPECT_FAILS(mq_plan_create(nullptr, nullptr, 3, &o, &plan), MQ_ERR_NULL_POINTER,
               "mq_plan_create", "layers is NULL");
  EXPECT_FAILS(mq_plan_create(nullptr, d.data(), d.size(), &o, nullptr), MQ_ERR_NULL_POINTER,
               "mq_plan_create", "plan is NULL");
  EXPECT_FAILS(mq_plan_create(nullptr, d.data(), 0, &o, &plan), MQ_ERR_INVALID_ARGUMENT,
               "mq_plan_create", "layer_count must be >= 1");
  EXPECT_EQ(plan, kSentinelPlan);
}

TEST_F(PlanCreateArgs, LayerDescriptors) {
  d[0].struct_size = 0;
  expect(MQ_ERR_INVALID_ARGUMENT, "layers[0].struct_size is 0");
  d[0].struct_size = 12;  // not a multiple of the struct's alignment
  expect(MQ_ERR_INVALID_ARGUMENT, "layers[0].struct_size is 12");
  d[3].struct_size = 32;
  expect(MQ_ERR_INVALID_ARGUMENT, "layers[3].struct_size is 32 but layers[0].struct_size is 40");
  d[2].name = nullptr;
  expect(MQ_ERR_NULL_POINTER, "layers[2] is NULL");
  d[2].name = "";
  expect(MQ_ERR_INVALID_ARGUMENT, "layers[2] is empty");
  const std::string long_name(1024, 'a');
  d[2].name = long_name.c_str();
  expect(MQ_ERR_INVALID_ARGUMENT, "layers[2] is longer than 1023 bytes");
  d[5].name = d[9].name;
  expect(MQ_ERR_INVALID_ARGUMENT,
         "layers[5] and layers[9] are both named 'model.layers.0.mlp.gate_proj'");
  d[4].kind = static_cast<mq_layer_kind>(0);
  expect(MQ_ERR_INVALID_ARGUMENT, "layers[4] ('model.layers.0.self_attn.v_proj'): kind 0");
  d[4].kind = static_cast<mq_layer_kind>(8);
  expect(MQ_ERR_INVALID_ARGUMENT, "kind 8 is not a mq_layer_kind");
  d[4].rows = 0;
  expect(MQ_ERR_INVALID_SHAPE, "rows and cols must be >= 1 (got 0 x 256)");
  d[4].cols = 0;
  expect(MQ_ERR_INVALID_SHAPE, "rows and cols must be >= 1");
  d[4].rows = uint64_t{1} << 40;
  d[4].cols = uint64_t{1} << 40;
  expect(MQ_ERR_INVALID_SHAPE, "overflows the address space");
  d[4].param_count = 100;
  expect(MQ_ERR_INVALID_ARGUMENT, "param_count 100 is less than rows * cols = 16384");
  d[4].param_count = UINT64_MAX;
  expect(MQ_ERR_INVALID_SHAPE, "param_count 18446744073709551615 overflows");
  // A larger struct from a newer caller: accepted when the unknown bytes are zero.
  struct Newer {
    mq_layer_desc d;
    uint64_t extra;
  };
  std::vector<Newer> newer(d.size());
  for (size_t i = 0; i < d.size(); ++i) {
    newer[i].d = d[i];
    newer[i].d.struct_size = sizeof(Newer);
    newer[i].extra = 0;
  }
  const auto* as_desc = reinterpret_cast<const mq_layer_desc*>(newer.data());
  ASSERT_EQ(mq_plan_create(nullptr, as_desc, newer.size(), &o, &plan), MQ_OK) << last_error();
  mq_plan_destroy(plan);
  plan = kSentinelPlan;
  newer[7].extra = 1;
  EXPECT_FAILS(mq_plan_create(nullptr, as_desc, newer.size(), &o, &plan), MQ_ERR_UNSUPPORTED,
               "mq_plan_create", "sets fields it does not know");
  EXPECT_EQ(plan, kSentinelPlan);
}

TEST_F(PlanCreateArgs, Options) {
  o.struct_size = 0;
  expect(MQ_ERR_INVALID_ARGUMENT, "struct_size 0 is too small");
  o.bits = 3;
  expect(MQ_ERR_INVALID_ARGUMENT, "bits is 3; it must be 4 or 8");
  o.bits = 8;
  o.scheme = MQ_SCHEME_ASYMMETRIC;
  expect(MQ_ERR_INVALID_ARGUMENT, "bits 8 (per-row INT8) is symmetric only");
  o.scheme = static_cast<mq_scheme>(2);
  expect(MQ_ERR_INVALID_ARGUMENT, "scheme 2 is not");
  o.shape_policy = static_cast<mq_shape_policy>(4);
  expect(MQ_ERR_INVALID_ARGUMENT, "shape_policy 4 is not a mq_shape_policy");
  o.skip_name_count = 2;
  expect(MQ_ERR_NULL_POINTER, "skip_names is NULL but skip_name_count is 2");
  const char* names[] = {"lm_head", nullptr, ""};
  o.skip_names = names;
  o.skip_name_count = 2;
  expect(MQ_ERR_NULL_POINTER, "skip_names[1] is NULL");
  names[1] = "";
  o.skip_names = names;
  o.skip_name_count = 2;
  expect(MQ_ERR_INVALID_ARGUMENT, "skip_names[1] is empty");
  names[1] = "ok";
  o.skip_kind_count = 1;
  expect(MQ_ERR_NULL_POINTER, "skip_kinds is NULL but skip_kind_count is 1");
  const mq_layer_kind kinds[] = {MQ_LAYER_LINEAR, static_cast<mq_layer_kind>(99)};
  o.skip_kinds = kinds;
  o.skip_kind_count = 2;
  expect(MQ_ERR_INVALID_ARGUMENT, "skip_kinds[1] is 99, not a mq_layer_kind");
  o.clear_defaults = 0x8;
  expect(MQ_ERR_INVALID_ARGUMENT, "clear_defaults 0x8 has unknown bits");
  o.accuracy_policy = static_cast<mq_accuracy_policy>(3);
  expect(MQ_ERR_INVALID_ARGUMENT, "accuracy_policy 3 is not");
  o.sqnr_warning_db = NAN;
  expect(MQ_ERR_INVALID_ARGUMENT, "must not be NaN");
  o.sqnr_critical_db = NAN;
  expect(MQ_ERR_INVALID_ARGUMENT, "must not be NaN");
  o.sqnr_warning_db = 5.0;  // below the default critical 10 dB
  expect(MQ_ERR_INVALID_ARGUMENT,
         "sqnr_critical_db (10 dB, the default) is above sqnr_warning_db (5 dB)");
  o.sqnr_warning_db = 15.0;
  o.sqnr_critical_db = 16.0;
  expect(MQ_ERR_INVALID_ARGUMENT, "sqnr_critical_db (16 dB) is above sqnr_warning_db (15 dB)");
}

TEST(PlanArgs, QueriesAndTables) {
  PlanHandle plan;
  const std::vector<mq_layer_desc> d = descs(transformer_layers());
  ASSERT_EQ(mq_plan_create(nullptr, d.data(), d.size(), nullptr, &plan.p), MQ_OK);
  EXPECT_EQ(mq_plan_destroy(nullptr), MQ_OK);

  mq_plan_info info{};
  std::memset(&info, 0xAB, sizeof(info));
  info.struct_size = 0;
  EXPECT_FAILS(mq_plan_get_info(plan.p, &info), MQ_ERR_INVALID_ARGUMENT, "mq_plan_get_info",
               "struct_size 0 is too small");
  EXPECT_EQ(info.bits, 0xABABABABU);
  EXPECT_FAILS(mq_plan_get_info(nullptr, &info), MQ_ERR_NULL_POINTER, "mq_plan_get_info",
               "plan is NULL");
  EXPECT_FAILS(mq_plan_get_info(plan.p, nullptr), MQ_ERR_NULL_POINTER, "mq_plan_get_info",
               "info is NULL");
  // An older, smaller struct is written only as far as it reaches.
  info.struct_size = 8;
  ASSERT_EQ(mq_plan_get_info(plan.p, &info), MQ_OK);
  EXPECT_EQ(info.bits, 4U);
  EXPECT_EQ(info.group_size, 0xABABABABABABABABULL);

  mq_plan_layer layer{};
  std::memset(&layer, 0xAB, sizeof(layer));
  layer.struct_size = sizeof(layer);
  EXPECT_FAILS(mq_plan_get_layer(plan.p, 14, &layer), MQ_ERR_INVALID_ARGUMENT, "mq_plan_get_layer",
               "index 14 is out of range (14 entries)");
  EXPECT_EQ(layer.rows, 0xABABABABABABABABULL);
  EXPECT_FAILS(mq_plan_get_layer(nullptr, 0, &layer), MQ_ERR_NULL_POINTER, "mq_plan_get_layer",
               "plan is NULL");
  EXPECT_FAILS(mq_plan_get_layer(plan.p, 0, nullptr), MQ_ERR_NULL_POINTER, "mq_plan_get_layer",
               "layer is NULL");

  uint64_t index = 77;
  EXPECT_FAILS(mq_plan_find_layer(nullptr, "lm_head", &index), MQ_ERR_NULL_POINTER,
               "mq_plan_find_layer", "plan is NULL");
  EXPECT_FAILS(mq_plan_find_layer(plan.p, nullptr, &index), MQ_ERR_NULL_POINTER,
               "mq_plan_find_layer", "name is NULL");
  EXPECT_FAILS(mq_plan_find_layer(plan.p, "lm_head", nullptr), MQ_ERR_NULL_POINTER,
               "mq_plan_find_layer", "index is NULL");
  EXPECT_EQ(index, 77U);

  mq_warning w{};
  w.struct_size = sizeof(w);
  w.message = "untouched";
  EXPECT_FAILS(mq_plan_get_warning(plan.p, 0, &w), MQ_ERR_INVALID_ARGUMENT, "mq_plan_get_warning",
               "index 0 is out of range (0 entries)");
  EXPECT_STREQ(w.message, "untouched");
  EXPECT_FAILS(mq_plan_get_warning(nullptr, 0, &w), MQ_ERR_NULL_POINTER, "mq_plan_get_warning",
               "plan is NULL");
  EXPECT_FAILS(mq_plan_get_warning(plan.p, 0, nullptr), MQ_ERR_NULL_POINTER, "mq_plan_get_warning",
               "warning is NULL");

  uint64_t needed = 5;
  char small[16];
  std::memset(small, 'x', sizeof(small));
  EXPECT_FAILS(mq_plan_format_table(nullptr, 0, nullptr, 0, &needed), MQ_ERR_NULL_POINTER,
               "mq_plan_format_table", "plan is NULL");
  EXPECT_FAILS(mq_plan_format_table(plan.p, 0, nullptr, 0, nullptr), MQ_ERR_NULL_POINTER,
               "mq_plan_format_table", "needed is NULL");
  EXPECT_FAILS(mq_plan_format_table(plan.p, 0x2, nullptr, 0, &needed), MQ_ERR_INVALID_ARGUMENT,
               "mq_plan_format_table", "flags 0x2 has unknown bits");
  EXPECT_FAILS(mq_plan_format_table(plan.p, 0, nullptr, 16, &needed), MQ_ERR_NULL_POINTER,
               "mq_plan_format_table", "buffer is NULL but buffer_len is 16");
  EXPECT_FAILS(mq_plan_format_table(plan.p, 0, small, sizeof(small), &needed),
               MQ_ERR_BUFFER_TOO_SMALL, "mq_plan_format_table", "buffer_len is 16 but the table");
  EXPECT_EQ(needed, 5U);
  for (const char ch : small) EXPECT_EQ(ch, 'x');
  ASSERT_EQ(mq_plan_format_table(plan.p, 0, nullptr, 0, &needed), MQ_OK);
  std::vector<char> exact(needed, 'x');
  ASSERT_EQ(mq_plan_format_table(plan.p, 0, exact.data(), exact.size(), &needed), MQ_OK);
  EXPECT_EQ(exact.back(), '\0');
  EXPECT_EQ(std::strlen(exact.data()) + 1, needed);
}

TEST(PlanArgs, EnumNames) {
  const char* name = "untouched";
  EXPECT_FAILS(mq_layer_kind_name(static_cast<mq_layer_kind>(0), &name), MQ_ERR_INVALID_ARGUMENT,
               "mq_layer_kind_name", "0 is not a mq_layer_kind");
  EXPECT_FAILS(mq_layer_kind_name(MQ_LAYER_LINEAR, nullptr), MQ_ERR_NULL_POINTER,
               "mq_layer_kind_name", "name is NULL");
  EXPECT_FAILS(mq_decision_name(static_cast<mq_decision>(4), &name), MQ_ERR_INVALID_ARGUMENT,
               "mq_decision_name", "4 is not a mq_decision");
  EXPECT_FAILS(mq_decision_name(MQ_DECISION_KEEP, nullptr), MQ_ERR_NULL_POINTER, "mq_decision_name",
               "name is NULL");
  EXPECT_FAILS(mq_rule_name(static_cast<mq_rule>(9), &name), MQ_ERR_INVALID_ARGUMENT,
               "mq_rule_name", "9 is not a mq_rule");
  EXPECT_FAILS(mq_rule_name(MQ_RULE_SHAPE, nullptr), MQ_ERR_NULL_POINTER, "mq_rule_name",
               "name is NULL");
  EXPECT_FAILS(mq_warning_kind_name(static_cast<mq_warning_kind>(0), &name),
               MQ_ERR_INVALID_ARGUMENT, "mq_warning_kind_name", "0 is not a mq_warning_kind");
  EXPECT_FAILS(mq_warning_kind_name(MQ_WARNING_LOW_SQNR, nullptr), MQ_ERR_NULL_POINTER,
               "mq_warning_kind_name", "name is NULL");
  EXPECT_STREQ(name, "untouched");
  mq_layer_kind kind = MQ_LAYER_OTHER;
  EXPECT_FAILS(mq_layer_kind_from_name("Linear", &kind), MQ_ERR_INVALID_ARGUMENT,
               "mq_layer_kind_from_name", "'Linear' is not a layer kind");
  EXPECT_FAILS(mq_layer_kind_from_name(nullptr, &kind), MQ_ERR_NULL_POINTER,
               "mq_layer_kind_from_name", "name is NULL");
  EXPECT_FAILS(mq_layer_kind_from_name("linear", nullptr), MQ_ERR_NULL_POINTER,
               "mq_layer_kind_from_name", "kind is NULL");
  EXPECT_EQ(kind, MQ_LAYER_OTHER);
}

TEST(ObserverArgs, EveryEntryPoint) {
  mq_observer* o = kSentinelObserver;
  EXPECT_FAILS(mq_observer_create(nullptr, 8, nullptr), MQ_ERR_NULL_POINTER, "mq_observer_create",
               "observer is NULL");
  EXPECT_FAILS(mq_observer_create(nullptr, 0, &o), MQ_ERR_INVALID_SHAPE, "mq_observer_create",
               "channels must be >= 1");
  EXPECT_FAILS(mq_observer_create(nullptr, UINT64_MAX / 2, &o), MQ_ERR_INVALID_SHAPE,
               "mq_observer_create", "overflow the address space");
  EXPECT_EQ(o, kSentinelObserver);
  EXPECT_EQ(mq_observer_destroy(nullptr), MQ_OK);

  ASSERT_EQ(mq_observer_create(nullptr, 8, &o), MQ_OK);
  mq_observer* other = nullptr;
  ASSERT_EQ(mq_observer_create(nullptr, 9, &other), MQ_OK);
  const std::vector<float> x(16, 1.0F);
  EXPECT_FAILS(mq_observer_observe(nullptr, nullptr, x.data(), 16, 2, 8, 0), MQ_ERR_NULL_POINTER,
               "mq_observer_observe", "observer is NULL");
  EXPECT_FAILS(mq_observer_observe(nullptr, o, nullptr, 16, 2, 8, 0), MQ_ERR_NULL_POINTER,
               "mq_observer_observe", "x is NULL");
  EXPECT_FAILS(mq_observer_observe(nullptr, o, x.data(), 16, 0, 8, 0), MQ_ERR_INVALID_SHAPE,
               "mq_observer_observe", "rows and cols must be >= 1");
  EXPECT_FAILS(mq_observer_observe(nullptr, o, x.data(), 16, 2, 4, 0), MQ_ERR_INVALID_SHAPE,
               "mq_observer_observe", "channels is 4 but the observer has 8");
  EXPECT_FAILS(mq_observer_observe(nullptr, o, x.data(), 15, 2, 8, 0), MQ_ERR_BUFFER_TOO_SMALL,
               "mq_observer_observe", "x_len is 15 but the shape needs 16");
  ASSERT_EQ(mq_observer_observe(nullptr, o, x.data(), 16, 2, 8, UINT64_MAX - 1), MQ_OK);
  EXPECT_FAILS(mq_observer_observe(nullptr, o, x.data(), 16, 2, 8, 0), MQ_ERR_INVALID_ARGUMENT,
               "mq_observer_observe", "sample count would overflow");

  mq_observer* twin = nullptr;
  ASSERT_EQ(mq_observer_create(nullptr, 8, &twin), MQ_OK);
  ASSERT_EQ(mq_observer_observe(nullptr, twin, x.data(), 16, 2, 8, 0), MQ_OK);
  EXPECT_FAILS(mq_observer_merge(nullptr, o), MQ_ERR_NULL_POINTER, "mq_observer_merge",
               "target is NULL");
  EXPECT_FAILS(mq_observer_merge(o, nullptr), MQ_ERR_NULL_POINTER, "mq_observer_merge",
               "source is NULL");
  EXPECT_FAILS(mq_observer_merge(o, o), MQ_ERR_INVALID_ARGUMENT, "mq_observer_merge",
               "target and source are the same observer");
  EXPECT_FAILS(mq_observer_merge(o, other), MQ_ERR_INVALID_SHAPE, "mq_observer_merge",
               "target has 8 channels but source has 9");
  EXPECT_FAILS(mq_observer_merge(o, twin), MQ_ERR_INVALID_ARGUMENT, "mq_observer_merge",
               "sample count would overflow");
  mq_observer_info info{};
  info.struct_size = sizeof(info);
  ASSERT_EQ(mq_observer_get_info(o, &info), MQ_OK);
  EXPECT_EQ(info.samples, UINT64_MAX - 1);  // the failed merge changed nothing
  EXPECT_EQ(info.batches, 1U);

  EXPECT_FAILS(mq_observer_reset(nullptr), MQ_ERR_NULL_POINTER, "mq_observer_reset",
               "observer is NULL");
  EXPECT_FAILS(mq_observer_get_info(nullptr, &info), MQ_ERR_NULL_POINTER, "mq_observer_get_info",
               "observer is NULL");
  EXPECT_FAILS(mq_observer_get_info(o, nullptr), MQ_ERR_NULL_POINTER, "mq_observer_get_info",
               "info is NULL");
  info.struct_size = 2;
  EXPECT_FAILS(mq_observer_get_info(o, &info), MQ_ERR_INVALID_ARGUMENT, "mq_observer_get_info",
               "struct_size 2 is too small");
  std::vector<float> out(8, 3.0F);
  EXPECT_FAILS(mq_observer_read(nullptr, out.data(), nullptr, nullptr, 8), MQ_ERR_NULL_POINTER,
               "mq_observer_read", "observer is NULL");
  EXPECT_FAILS(mq_observer_read(o, nullptr, nullptr, nullptr, 8), MQ_ERR_NULL_POINTER,
               "mq_observer_read", "all NULL");
  EXPECT_FAILS(mq_observer_read(o, out.data(), nullptr, out.data(), 7), MQ_ERR_BUFFER_TOO_SMALL,
               "mq_observer_read", "len is 7 but the observer has 8 channels");
  for (const float v : out) EXPECT_EQ(v, 3.0F);
  for (mq_observer* obs : {o, other, twin}) mq_observer_destroy(obs);
}

class RunArgs : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::vector<mq_layer_desc> d = descs(transformer_layers());
    mq_plan_options po = plan_options();
    po.accuracy_policy = MQ_ACCURACY_POLICY_IGNORE;
    ASSERT_EQ(mq_plan_create(nullptr, d.data(), d.size(), &po, &plan.p), MQ_OK);
    weights = make_weights(transformer_layers(), 4);
  }
  PlanHandle plan;
  std::vector<std::vector<float>> weights;
};

TEST_F(RunArgs, Run) {
  WeightPointers wp(weights);
  mq_report* report = kSentinelReport;
  mq_run_options ro{};
  ro.struct_size = sizeof(ro);
  const auto run = [&](const float* const* w, const uint64_t* lens, uint64_t count,
                       const mq_run_options* o) {
    return mq_plan_run(nullptr, plan.p, w, lens, count, o, &report);
  };
  EXPECT_FAILS(mq_plan_run(nullptr, nullptr, wp.data.data(), wp.lens.data(), 14, &ro, &report),
               MQ_ERR_NULL_POINTER, "mq_plan_run", "plan is NULL");
  EXPECT_FAILS(run(nullptr, wp.lens.data(), 14, &ro), MQ_ERR_NULL_POINTER, "mq_plan_run",
               "weights is NULL");
  EXPECT_FAILS(run(wp.data.data(), nullptr, 14, &ro), MQ_ERR_NULL_POINTER, "mq_plan_run",
               "weights_lens is NULL");
  EXPECT_FAILS(mq_plan_run(nullptr, plan.p, wp.data.data(), wp.lens.data(), 14, &ro, nullptr),
               MQ_ERR_NULL_POINTER, "mq_plan_run", "report is NULL");
  EXPECT_FAILS(run(wp.data.data(), wp.lens.data(), 13, &ro), MQ_ERR_INVALID_ARGUMENT, "mq_plan_run",
               "layer_count is 13 but the plan has 14 layers");
  ro.struct_size = 1;
  EXPECT_FAILS(run(wp.data.data(), wp.lens.data(), 14, &ro), MQ_ERR_INVALID_ARGUMENT, "mq_plan_run",
               "struct_size 1 is too small");
  ro.struct_size = sizeof(ro);
  ro.output = static_cast<mq_run_output>(3);
  EXPECT_FAILS(run(wp.data.data(), wp.lens.data(), 14, &ro), MQ_ERR_INVALID_ARGUMENT, "mq_plan_run",
               "output 3 is not a mq_run_output");
  ro.output = MQ_RUN_OUTPUT_PACKED;
  ro.observer_count = 14;
  EXPECT_FAILS(run(wp.data.data(), wp.lens.data(), 14, &ro), MQ_ERR_NULL_POINTER, "mq_plan_run",
               "observers is NULL but observer_count is 14");
  const std::vector<const mq_observer*> observers(3, nullptr);
  ro.observers = observers.data();
  ro.observer_count = 3;
  EXPECT_FAILS(run(wp.data.data(), wp.lens.data(), 14, &ro), MQ_ERR_INVALID_ARGUMENT, "mq_plan_run",
               "observer_count is 3; give one entry per layer (14");
  ro.observers = nullptr;
  ro.observer_count = 0;
  wp.data[9] = nullptr;
  EXPECT_FAILS(run(wp.data.data(), wp.lens.data(), 14, &ro), MQ_ERR_NULL_POINTER, "mq_plan_run",
               "weights[9] (layer 'model.layers.0.mlp.gate_proj', int4) is NULL");
  wp.data[9] = weights[9].data();
  wp.lens[11] -= 1;
  EXPECT_FAILS(run(wp.data.data(), wp.lens.data(), 14, &ro), MQ_ERR_BUFFER_TOO_SMALL, "mq_plan_run",
               "weights_lens[11] (layer 'model.layers.0.mlp.down_proj') is 180223 but the layer "
               "needs 180224");
  EXPECT_EQ(report, kSentinelReport);
}

TEST_F(RunArgs, ReportQueriesAndOutputs) {
  WeightPointers wp(weights);
  ReportHandle report;
  ASSERT_EQ(mq_plan_run(nullptr, plan.p, wp.data.data(), wp.lens.data(), 14, nullptr, &report.r),
            MQ_OK);
  EXPECT_EQ(mq_report_destroy(nullptr), MQ_OK);
  mq_report_summary s{};
  s.struct_size = 0;
  EXPECT_FAILS(mq_report_get_summary(report.r, &s), MQ_ERR_INVALID_ARGUMENT,
               "mq_report_get_summary", "struct_size 0 is too small");
  EXPECT_EQ(s.layer_count, 0U);
  EXPECT_FAILS(mq_report_get_summary(nullptr, &s), MQ_ERR_NULL_POINTER, "mq_report_get_summary",
               "report is NULL");
  EXPECT_FAILS(mq_report_get_summary(report.r, nullptr), MQ_ERR_NULL_POINTER,
               "mq_report_get_summary", "summary is NULL");

  mq_report_layer l{};
  l.struct_size = sizeof(l);
  EXPECT_FAILS(mq_report_get_layer(report.r, 14, &l), MQ_ERR_INVALID_ARGUMENT,
               "mq_report_get_layer", "index 14 is out of range (14 layers)");
  EXPECT_EQ(l.name, nullptr);
  EXPECT_FAILS(mq_report_get_layer(nullptr, 0, &l), MQ_ERR_NULL_POINTER, "mq_report_get_layer",
               "report is NULL");
  EXPECT_FAILS(mq_report_get_layer(report.r, 0, nullptr), MQ_ERR_NULL_POINTER,
               "mq_report_get_layer", "layer is NULL");

  mq_warning w{};
  w.struct_size = sizeof(w);
  EXPECT_FAILS(mq_report_get_warning(report.r, 0, &w), MQ_ERR_INVALID_ARGUMENT,
               "mq_report_get_warning", "index 0 is out of range (0 warnings)");
  EXPECT_FAILS(mq_report_get_warning(nullptr, 0, &w), MQ_ERR_NULL_POINTER, "mq_report_get_warning",
               "report is NULL");
  EXPECT_FAILS(mq_report_get_warning(report.r, 0, nullptr), MQ_ERR_NULL_POINTER,
               "mq_report_get_warning", "warning is NULL");

  const mq_packed_weights* pw = kSentinelPacked;
  mq_packed_weights* taken = kSentinelPacked;
  EXPECT_FAILS(mq_report_get_packed(report.r, 0, &pw), MQ_ERR_INVALID_ARGUMENT,
               "mq_report_get_packed", "layer 0 ('model.embed_tokens') was kept");
  EXPECT_FAILS(mq_report_get_packed(report.r, 99, &pw), MQ_ERR_INVALID_ARGUMENT,
               "mq_report_get_packed", "index 99 is out of range");
  EXPECT_FAILS(mq_report_get_packed(nullptr, 2, &pw), MQ_ERR_NULL_POINTER, "mq_report_get_packed",
               "report is NULL");
  EXPECT_FAILS(mq_report_get_packed(report.r, 2, nullptr), MQ_ERR_NULL_POINTER,
               "mq_report_get_packed", "packed is NULL");
  EXPECT_FAILS(mq_report_take_packed(report.r, 13, &taken), MQ_ERR_INVALID_ARGUMENT,
               "mq_report_take_packed", "layer 13 ('lm_head') was kept");
  EXPECT_FAILS(mq_report_take_packed(nullptr, 2, &taken), MQ_ERR_NULL_POINTER,
               "mq_report_take_packed", "report is NULL");
  EXPECT_FAILS(mq_report_take_packed(report.r, 2, nullptr), MQ_ERR_NULL_POINTER,
               "mq_report_take_packed", "packed is NULL");
  EXPECT_EQ(pw, kSentinelPacked);
  EXPECT_EQ(taken, kSentinelPacked);

  // Export of layer 2 (INT4 g128 symmetric, 256 x 256): 32768 code bytes, 512 scales.
  std::vector<uint8_t> codes(32768, 0xEE);
  std::vector<float> scales(512, -1.0F);
  uint8_t zps[4] = {7, 7, 7, 7};
  EXPECT_FAILS(
      mq_report_export_layer(nullptr, 2, codes.data(), 32768, scales.data(), 512, nullptr, 0),
      MQ_ERR_NULL_POINTER, "mq_report_export_layer", "report is NULL");
  EXPECT_FAILS(
      mq_report_export_layer(report.r, 14, codes.data(), 32768, scales.data(), 512, nullptr, 0),
      MQ_ERR_INVALID_ARGUMENT, "mq_report_export_layer", "index 14 is out of range");
  EXPECT_FAILS(
      mq_report_export_layer(report.r, 1, codes.data(), 32768, scales.data(), 512, nullptr, 0),
      MQ_ERR_INVALID_ARGUMENT, "mq_report_export_layer", "was kept");
  EXPECT_FAILS(mq_report_export_layer(report.r, 2, nullptr, 32768, scales.data(), 512, nullptr, 0),
               MQ_ERR_NULL_POINTER, "mq_report_export_layer", "codes is NULL");
  EXPECT_FAILS(mq_report_export_layer(report.r, 2, codes.data(), 32768, nullptr, 512, nullptr, 0),
               MQ_ERR_NULL_POINTER, "mq_report_export_layer", "scales is NULL");
  EXPECT_FAILS(
      mq_report_export_layer(report.r, 2, codes.data(), 32767, scales.data(), 512, nullptr, 0),
      MQ_ERR_BUFFER_TOO_SMALL, "mq_report_export_layer",
      "codes_len is 32767 but the shape needs 32768");
  EXPECT_FAILS(
      mq_report_export_layer(report.r, 2, codes.data(), 32768, scales.data(), 511, nullptr, 0),
      MQ_ERR_BUFFER_TOO_SMALL, "mq_report_export_layer", "scales_len is 511");
  EXPECT_FAILS(mq_report_export_layer(report.r, 2, codes.data(), 32768, scales.data(), 512, zps, 4),
               MQ_ERR_INVALID_ARGUMENT, "mq_report_export_layer",
               "zero_points must be NULL with zero_points_len 0 for the symmetric scheme");
  for (const uint8_t b : codes) ASSERT_EQ(b, 0xEE);
  for (const float v : scales) ASSERT_EQ(v, -1.0F);
  EXPECT_EQ(zps[0], 7);

  uint64_t needed = 3;
  char buffer[8] = "abcdefg";
  EXPECT_FAILS(mq_report_format_table(nullptr, 0, nullptr, 0, &needed), MQ_ERR_NULL_POINTER,
               "mq_report_format_table", "report is NULL");
  EXPECT_FAILS(mq_report_format_table(report.r, 0, nullptr, 0, nullptr), MQ_ERR_NULL_POINTER,
               "mq_report_format_table", "needed is NULL");
  EXPECT_FAILS(mq_report_format_table(report.r, 0x10, nullptr, 0, &needed), MQ_ERR_INVALID_ARGUMENT,
               "mq_report_format_table", "flags 0x10 has unknown bits");
  EXPECT_FAILS(mq_report_format_table(report.r, 0, buffer, sizeof(buffer), &needed),
               MQ_ERR_BUFFER_TOO_SMALL, "mq_report_format_table", "buffer_len is 8");
  EXPECT_STREQ(buffer, "abcdefg");
  EXPECT_EQ(needed, 3U);
}

// An asymmetric run needs zero points on export.
TEST(RunArgsAsymmetric, ExportNeedsZeroPoints) {
  const std::vector<Layer> layers = {{"proj", MQ_LAYER_LINEAR, 4, 256, 0}};
  const std::vector<mq_layer_desc> d = descs(layers);
  mq_plan_options po = plan_options();
  po.scheme = MQ_SCHEME_ASYMMETRIC;
  po.accuracy_policy = MQ_ACCURACY_POLICY_IGNORE;
  PlanHandle plan;
  ASSERT_EQ(mq_plan_create(nullptr, d.data(), 1, &po, &plan.p), MQ_OK);
  const std::vector<std::vector<float>> w = make_weights(layers, 8);
  WeightPointers wp(w);
  mq_run_options ro{};
  ro.struct_size = sizeof(ro);
  ro.output = MQ_RUN_OUTPUT_CANONICAL;
  ReportHandle report;
  ASSERT_EQ(mq_plan_run(nullptr, plan.p, wp.data.data(), wp.lens.data(), 1, &ro, &report.r), MQ_OK);
  std::vector<uint8_t> codes(512);
  std::vector<float> scales(8);
  std::vector<uint8_t> zps(8, 0xCC);
  EXPECT_FAILS(mq_report_export_layer(report.r, 0, codes.data(), 512, scales.data(), 8, nullptr, 0),
               MQ_ERR_NULL_POINTER, "mq_report_export_layer", "zero_points (required");
  EXPECT_FAILS(
      mq_report_export_layer(report.r, 0, codes.data(), 512, scales.data(), 8, zps.data(), 7),
      MQ_ERR_BUFFER_TOO_SMALL, "mq_report_export_layer", "zero_points_len is 7");
  for (const uint8_t z : zps) EXPECT_EQ(z, 0xCC);
  ASSERT_EQ(mq_report_export_layer(report.r, 0, codes.data(), 512, scales.data(), 8, zps.data(), 8),
            MQ_OK);
  for (const uint8_t z : zps) EXPECT_LE(z, 15);
  const mq_packed_weights* pw = nullptr;
  EXPECT_FAILS(mq_report_get_packed(report.r, 0, &pw), MQ_ERR_INVALID_ARGUMENT,
               "mq_report_get_packed", "not MQ_RUN_OUTPUT_PACKED");
}

}  // namespace
}  // namespace mq::sched_test
