// The plan's rules through the public API: each rule alone and in combination, the defaults on,
// cleared and beside lists set to empty, name patterns, and the exact decision and rule for every
// layer of a realistic small transformer.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "monoquant/monoquant.h"
#include "scheduler/scheduler_fixture.h"

namespace mq::sched_test {
namespace {

struct Expect {
  mq_decision decision;
  mq_rule rule;
  uint64_t group;  // INT4 group / INT8 cols; 0 when kept
};

constexpr mq_decision KEEP = MQ_DECISION_KEEP;
constexpr mq_decision INT4 = MQ_DECISION_INT4;
constexpr mq_decision INT8 = MQ_DECISION_INT8_ROWS;

void make_plan(const std::vector<Layer>& layers, const mq_plan_options& o, PlanHandle* plan) {
  const std::vector<mq_layer_desc> d = descs(layers);
  ASSERT_EQ(mq_plan_create(nullptr, d.data(), d.size(), &o, &plan->p), MQ_OK) << last_error();
}

// Checks every layer's decision, rule and group against `expect` (one entry per layer).
void expect_plan(const std::vector<Layer>& layers, const mq_plan_options& o,
                 const std::vector<Expect>& expect) {
  ASSERT_EQ(layers.size(), expect.size());
  PlanHandle plan;
  make_plan(layers, o, &plan);
  if (plan.p == nullptr) return;
  for (size_t i = 0; i < layers.size(); ++i) {
    const mq_plan_layer l = plan_layer(plan.p, i);
    const char* want_rule = nullptr;
    const char* got_rule = nullptr;
    mq_rule_name(expect[i].rule, &want_rule);
    mq_rule_name(l.rule, &got_rule);
    EXPECT_EQ(l.decision, expect[i].decision) << layers[i].name;
    EXPECT_STREQ(got_rule, want_rule) << layers[i].name;
    EXPECT_EQ(l.group_size, expect[i].group) << layers[i].name;
    EXPECT_STREQ(l.name, layers[i].name);
    EXPECT_EQ(l.format, expect[i].decision == INT4   ? MQ_FORMAT_INT4
                        : expect[i].decision == INT8 ? MQ_FORMAT_INT8_ROWS
                                                     : static_cast<mq_format>(0))
        << layers[i].name;
  }
}

// The realistic list under the defaults (INT4, group 128).
const std::vector<Expect>& default_expectation() {
  static const std::vector<Expect> e = {
      {KEEP, MQ_RULE_DEFAULT_KIND, 0},     // embed_tokens
      {KEEP, MQ_RULE_DEFAULT_KIND, 0},     // input_layernorm
      {INT4, MQ_RULE_QUANTIZE, 128},       // q_proj
      {INT4, MQ_RULE_QUANTIZE, 128},       // k_proj
      {INT4, MQ_RULE_QUANTIZE, 128},       // v_proj
      {INT4, MQ_RULE_QUANTIZE, 128},       // o_proj
      {INT8, MQ_RULE_SHAPE, 64},           // rel_pos_proj: K = 64 < 128
      {KEEP, MQ_RULE_DEFAULT_KIND, 0},     // post_attention_layernorm
      {KEEP, MQ_RULE_DEFAULT_SMALL, 0},    // router: 256 parameters
      {INT4, MQ_RULE_QUANTIZE, 128},       // gate_proj
      {INT4, MQ_RULE_QUANTIZE, 128},       // up_proj
      {INT4, MQ_RULE_QUANTIZE, 128},       // down_proj
      {KEEP, MQ_RULE_DEFAULT_KIND, 0},     // model.norm
      {KEEP, MQ_RULE_DEFAULT_LM_HEAD, 0},  // lm_head
  };
  return e;
}

TEST(PlanRules, RealisticTransformerUnderTheDefaults) {
  expect_plan(transformer_layers(), plan_options(), default_expectation());
  PlanHandle plan;
  make_plan(transformer_layers(), plan_options(), &plan);
  mq_plan_info info{};
  info.struct_size = sizeof(info);
  ASSERT_EQ(mq_plan_get_info(plan.p, &info), MQ_OK);
  EXPECT_EQ(info.layer_count, 14U);
  EXPECT_EQ(info.int4_count, 7U);
  EXPECT_EQ(info.int8_count, 1U);
  EXPECT_EQ(info.keep_count, 6U);
  EXPECT_EQ(info.warning_count, 0U);
  EXPECT_EQ(info.bits, 4U);
  EXPECT_EQ(info.group_size, 128U);
  EXPECT_EQ(info.shape_policy, MQ_SHAPE_POLICY_INT8_ROWS);
  EXPECT_EQ(info.skip_names_set, 0);
  EXPECT_EQ(info.skip_kinds_set, 0);
  EXPECT_EQ(info.sqnr_warning_db, 20.0);
  EXPECT_EQ(info.sqnr_critical_db, 10.0);
  EXPECT_EQ(info.min_calibration_samples, 50U);
  // Sizes: q_proj 256x256 INT4 g128 = codes 256*128 + scales 256*2*4; rel_pos_proj INT8 rows with
  // a bias of 256 floats = codes 256*64 + scales 256*4 + bias 256*4.
  const mq_plan_layer q = plan_layer(plan.p, 2);
  EXPECT_EQ(q.bytes_before, 256U * 256 * 4);
  EXPECT_EQ(q.bytes_after, 256U * 128 + 256 * 2 * 4);
  const mq_plan_layer rel = plan_layer(plan.p, 6);
  EXPECT_EQ(rel.param_count, 256U * 64 + 256);
  EXPECT_EQ(rel.bytes_before, (256U * 64 + 256) * 4);
  EXPECT_EQ(rel.bytes_after, 256U * 64 + 256 * 4 + 256 * 4);
  EXPECT_STREQ(rel.rule_detail, "K=64 < group 128: int8 per-row");
  const mq_plan_layer emb = plan_layer(plan.p, 0);
  EXPECT_EQ(emb.bytes_after, emb.bytes_before);
  EXPECT_STREQ(emb.rule_detail, "default: keep embedding");
  EXPECT_STREQ(plan_layer(plan.p, 13).rule_detail, "default: keep lm_head");
  EXPECT_STREQ(plan_layer(plan.p, 8).rule_detail, "default: 256 params < 512");
  uint64_t before = 0, after = 0;
  for (uint64_t i = 0; i < info.layer_count; ++i) {
    before += plan_layer(plan.p, i).bytes_before;
    after += plan_layer(plan.p, i).bytes_after;
  }
  EXPECT_EQ(info.bytes_before, before);
  EXPECT_EQ(info.bytes_after, after);
}

TEST(PlanRules, AllDefaultsCleared) {
  mq_plan_options o = plan_options();
  o.clear_defaults = MQ_CLEAR_DEFAULTS_ALL;
  expect_plan(transformer_layers(), o,
              {{INT4, MQ_RULE_QUANTIZE, 128},
               {INT4, MQ_RULE_QUANTIZE, 128},  // a 1 x 256 norm, quantized when asked
               {INT4, MQ_RULE_QUANTIZE, 128},
               {INT4, MQ_RULE_QUANTIZE, 128},
               {INT4, MQ_RULE_QUANTIZE, 128},
               {INT4, MQ_RULE_QUANTIZE, 128},
               {INT8, MQ_RULE_SHAPE, 64},
               {INT4, MQ_RULE_QUANTIZE, 128},
               {INT8, MQ_RULE_SHAPE, 64},  // router: no longer "small", K = 64 < 128
               {INT4, MQ_RULE_QUANTIZE, 128},
               {INT4, MQ_RULE_QUANTIZE, 128},
               {INT4, MQ_RULE_QUANTIZE, 128},
               {INT4, MQ_RULE_QUANTIZE, 128},
               {INT4, MQ_RULE_QUANTIZE, 128}});
}

// Each default cleared alone: the next rule in order takes over.
TEST(PlanRules, EachDefaultClearedAlone) {
  const std::vector<Expect>& e = default_expectation();
  mq_plan_options o = plan_options();
  o.clear_defaults = MQ_CLEAR_DEFAULT_KINDS;
  std::vector<Expect> kinds = e;
  kinds[0] = {INT4, MQ_RULE_QUANTIZE, 128};     // embedding 1000 x 256
  kinds[1] = {KEEP, MQ_RULE_DEFAULT_SMALL, 0};  // norms have 256 parameters
  kinds[7] = {KEEP, MQ_RULE_DEFAULT_SMALL, 0};
  kinds[12] = {KEEP, MQ_RULE_DEFAULT_SMALL, 0};
  expect_plan(transformer_layers(), o, kinds);

  o.clear_defaults = MQ_CLEAR_DEFAULT_LM_HEAD;
  std::vector<Expect> head = e;
  head[13] = {INT4, MQ_RULE_QUANTIZE, 128};
  expect_plan(transformer_layers(), o, head);

  o.clear_defaults = MQ_CLEAR_DEFAULT_SMALL;
  std::vector<Expect> small = e;
  small[8] = {INT8, MQ_RULE_SHAPE, 64};
  expect_plan(transformer_layers(), o, small);
}

// Lists set to empty match nothing and keep the defaults; the plan records "set" versus "not set".
TEST(PlanRules, ListsSetToEmptyKeepTheDefaultsButAreRecorded) {
  const char* const no_names[] = {nullptr};
  const mq_layer_kind no_kinds[] = {MQ_LAYER_LINEAR};
  mq_plan_options o = plan_options();
  o.skip_names = no_names;
  o.skip_name_count = 0;
  o.skip_kinds = no_kinds;
  o.skip_kind_count = 0;
  expect_plan(transformer_layers(), o, default_expectation());
  PlanHandle set, unset;
  make_plan(transformer_layers(), o, &set);
  make_plan(transformer_layers(), plan_options(), &unset);
  mq_plan_info a{}, b{};
  a.struct_size = b.struct_size = sizeof(mq_plan_info);
  ASSERT_EQ(mq_plan_get_info(set.p, &a), MQ_OK);
  ASSERT_EQ(mq_plan_get_info(unset.p, &b), MQ_OK);
  EXPECT_EQ(a.skip_names_set, 1);
  EXPECT_EQ(a.skip_kinds_set, 1);
  EXPECT_EQ(a.skip_name_count, 0U);
  EXPECT_EQ(b.skip_names_set, 0);
  EXPECT_EQ(b.skip_kinds_set, 0);
  EXPECT_EQ(a.warning_count, 0U);
  const std::string with = plan_table(set.p);
  const std::string without = plan_table(unset.p);
  EXPECT_NE(with.find("skip_names []; skip_kinds []"), std::string::npos) << with;
  EXPECT_NE(without.find("skip_names not set; skip_kinds not set"), std::string::npos) << without;

  // Set to empty beside cleared defaults: everything is quantized.
  o.clear_defaults = MQ_CLEAR_DEFAULTS_ALL;
  PlanHandle cleared;
  make_plan(transformer_layers(), o, &cleared);
  mq_plan_info c{};
  c.struct_size = sizeof(c);
  ASSERT_EQ(mq_plan_get_info(cleared.p, &c), MQ_OK);
  EXPECT_EQ(c.keep_count, 0U);
}

TEST(PlanRules, SkipNamesExactSuffixAndGlob) {
  struct Case {
    const char* pattern;
    std::vector<size_t> kept;  // layers decided by MQ_RULE_SKIP_NAME
  };
  const Case cases[] = {
      {"model.layers.0.mlp.down_proj", {11}},
      {"down_proj", {11}},
      {"mlp.down_proj", {11}},
      {"0.mlp.down_proj", {11}},
      {"*.self_attn.*", {2, 3, 4, 5, 6}},
      {"*_proj", {2, 3, 4, 5, 6, 9, 10, 11}},
      {"layers.?.mlp.*", {8, 9, 10, 11}},
      {"?_proj", {2, 3, 4, 5}},  // q, k, v, o
      {"*norm*", {1, 7, 12}},    // names beat the default kinds (rule 1 before rule 4)
      {"embed_tokens", {0}},
      {"lm_head", {13}},  // the user's rule decides before the default one
      {"*", {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.pattern);
    mq_plan_options o = plan_options();
    const char* names[] = {c.pattern};
    o.skip_names = names;
    o.skip_name_count = 1;
    PlanHandle plan;
    make_plan(transformer_layers(), o, &plan);
    std::vector<size_t> kept;
    for (size_t i = 0; i < transformer_layers().size(); ++i) {
      const mq_plan_layer l = plan_layer(plan.p, i);
      if (l.rule == MQ_RULE_SKIP_NAME) {
        EXPECT_EQ(l.decision, KEEP);
        EXPECT_EQ(std::string(l.rule_detail), std::string("skip_names '") + c.pattern + "'");
        kept.push_back(i);
      }
    }
    EXPECT_EQ(kept, c.kept);
    mq_plan_info info{};
    info.struct_size = sizeof(info);
    ASSERT_EQ(mq_plan_get_info(plan.p, &info), MQ_OK);
    EXPECT_EQ(info.warning_count, 0U);
  }
}

// What the docs promise about matching, on names built for it.
TEST(PlanRules, NamePatternSemantics) {
  const std::vector<Layer> layers = {
      {"lm_head", MQ_LAYER_LINEAR, 64, 128, 0},
      {"model.lm_head", MQ_LAYER_LINEAR, 64, 128, 0},
      {"model.lm_head_bias", MQ_LAYER_LINEAR, 64, 128, 0},
      {"xlm_head", MQ_LAYER_LINEAR, 64, 128, 0},
      {"lm_head.proj", MQ_LAYER_LINEAR, 64, 128, 0},
      {"model.layers.12.mlp.up", MQ_LAYER_LINEAR, 64, 128, 0},
      {"model.layers.1.mlp.up", MQ_LAYER_LINEAR, 64, 128, 0},
      {"model.layers.123.mlp.up", MQ_LAYER_LINEAR, 64, 128, 0},
      {"attn.q", MQ_LAYER_LINEAR, 64, 128, 0},
      {"model.attn.q", MQ_LAYER_LINEAR, 64, 128, 0},
  };
  struct Case {
    const char* pattern;
    std::vector<size_t> kept;
  };
  const Case cases[] = {
      {"lm_head", {0, 1}},             // whole name or dotted suffix, nothing else
      {"layers.1?.mlp.*", {5}},        // '?' is exactly one character
      {"layers.1*.mlp.*", {5, 6, 7}},  // '*' any run, possibly empty
      {"*.attn.*", {9}},               // "attn.q" has no leading component
      {"attn.*", {8, 9}},              // a glob also matches a dotted suffix
      {"q", {8, 9}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.pattern);
    mq_plan_options o = plan_options();
    o.clear_defaults = MQ_CLEAR_DEFAULTS_ALL;  // so that lm_head is not kept by its default
    const char* names[] = {c.pattern};
    o.skip_names = names;
    o.skip_name_count = 1;
    PlanHandle plan;
    make_plan(layers, o, &plan);
    std::vector<size_t> kept;
    for (size_t i = 0; i < layers.size(); ++i) {
      if (plan_layer(plan.p, i).rule == MQ_RULE_SKIP_NAME) kept.push_back(i);
    }
    EXPECT_EQ(kept, c.kept);
  }
  // The lm_head default uses the same matching.
  PlanHandle plan;
  make_plan(layers, plan_options(), &plan);
  std::vector<size_t> heads;
  for (size_t i = 0; i < layers.size(); ++i) {
    if (plan_layer(plan.p, i).rule == MQ_RULE_DEFAULT_LM_HEAD) heads.push_back(i);
  }
  EXPECT_EQ(heads, (std::vector<size_t>{0, 1}));
}

TEST(PlanRules, UnmatchedSkipNameWarnsWithAHint) {
  LogSink sink;
  ContextHandle ctx(make_context(1, nullptr, &LogSink::log, &sink));
  mq_plan_options o = plan_options();
  const char* names[] = {"gate_pro", "*.attention.*", "down_proj", "mlp.gate"};
  o.skip_names = names;
  o.skip_name_count = 4;
  const std::vector<mq_layer_desc> d = descs(transformer_layers());
  PlanHandle plan;
  ASSERT_EQ(mq_plan_create(ctx.c, d.data(), d.size(), &o, &plan.p), MQ_OK) << last_error();
  mq_plan_info info{};
  info.struct_size = sizeof(info);
  ASSERT_EQ(mq_plan_get_info(plan.p, &info), MQ_OK);
  ASSERT_EQ(info.warning_count, 3U);
  const char* expect[] = {
      "skip name 'gate_pro' matches no layer (it occurs inside 'model.layers.0.mlp.gate_proj', "
      "but a name matches whole dotted components only; write '*gate_pro*' to match inside one)",
      "skip name '*.attention.*' matches no layer",
      "skip name 'mlp.gate' matches no layer (it occurs inside 'model.layers.0.mlp.gate_proj', "
      "but a name matches whole dotted components only; write '*mlp.gate*' to match inside one)"};
  for (uint64_t i = 0; i < 3; ++i) {
    mq_warning w{};
    w.struct_size = sizeof(w);
    ASSERT_EQ(mq_plan_get_warning(plan.p, i, &w), MQ_OK);
    EXPECT_EQ(w.kind, MQ_WARNING_UNMATCHED_SKIP_NAME);
    EXPECT_EQ(w.critical, 0);
    EXPECT_EQ(w.layer_index, UINT64_MAX);
    EXPECT_STREQ(w.message, expect[i]);
  }
  // Sent to the log callback (policy warn), and shown in the table.
  ASSERT_EQ(sink.lines.size(), 3U);
  EXPECT_EQ(sink.lines[1].first, MQ_LOG_WARNING);
  EXPECT_EQ(sink.lines[1].second, expect[1]);
  EXPECT_NE(plan_table(plan.p).find(expect[1]), std::string::npos);
  // A name that matches gives no warning; under the ignore policy the warning is recorded in the
  // plan but not logged.
  o.accuracy_policy = MQ_ACCURACY_POLICY_IGNORE;
  PlanHandle quiet;
  sink.lines.clear();
  ASSERT_EQ(mq_plan_create(ctx.c, d.data(), d.size(), &o, &quiet.p), MQ_OK);
  ASSERT_EQ(mq_plan_get_info(quiet.p, &info), MQ_OK);
  EXPECT_EQ(info.warning_count, 3U);
  EXPECT_TRUE(sink.lines.empty());
}

TEST(PlanRules, SkipKinds) {
  mq_plan_options o = plan_options();
  const mq_layer_kind linear[] = {MQ_LAYER_LINEAR};
  o.skip_kinds = linear;
  o.skip_kind_count = 1;
  std::vector<Expect> e = default_expectation();
  for (size_t i : {2, 3, 4, 5, 6, 8, 9, 10, 11, 13}) e[i] = {KEEP, MQ_RULE_SKIP_KIND, 0};
  expect_plan(transformer_layers(), o, e);
  // A kind rule decides before the default kinds.
  const mq_layer_kind embedding[] = {MQ_LAYER_EMBEDDING, MQ_LAYER_LAYER_NORM};
  o.skip_kinds = embedding;
  o.skip_kind_count = 2;
  e = default_expectation();
  for (size_t i : {0, 1, 7, 12}) e[i] = {KEEP, MQ_RULE_SKIP_KIND, 0};
  expect_plan(transformer_layers(), o, e);
  PlanHandle plan;
  make_plan(transformer_layers(), o, &plan);
  EXPECT_STREQ(plan_layer(plan.p, 0).rule_detail, "skip_kinds embedding");
}

TEST(PlanRules, ParamThreshold) {
  mq_plan_options o = plan_options();
  o.skip_param_threshold = 65537;  // keeps q/k/v/o (65536 and 16384), rel_pos, router, norms
  std::vector<Expect> e = default_expectation();
  for (size_t i : {1, 2, 3, 4, 5, 6, 7, 8, 12}) e[i] = {KEEP, MQ_RULE_PARAM_THRESHOLD, 0};
  expect_plan(transformer_layers(), o, e);
  PlanHandle plan;
  make_plan(transformer_layers(), o, &plan);
  EXPECT_STREQ(plan_layer(plan.p, 2).rule_detail, "65536 params < skip_param_threshold 65537");
  // The threshold is strict: a layer with exactly that many parameters is quantized.
  o.skip_param_threshold = 65536;
  e = default_expectation();
  for (size_t i : {1, 3, 4, 6, 7, 8, 12}) e[i] = {KEEP, MQ_RULE_PARAM_THRESHOLD, 0};
  expect_plan(transformer_layers(), o, e);
}

TEST(PlanRules, ShapePolicies) {
  mq_plan_options o = plan_options();
  std::vector<Expect> e = default_expectation();
  o.shape_policy = MQ_SHAPE_POLICY_INT4_PER_ROW;
  e[6] = {INT4, MQ_RULE_SHAPE, 64};
  expect_plan(transformer_layers(), o, e);
  o.shape_policy = MQ_SHAPE_POLICY_KEEP;
  e[6] = {KEEP, MQ_RULE_SHAPE, 0};
  expect_plan(transformer_layers(), o, e);
  o.shape_policy = MQ_SHAPE_POLICY_INT8_ROWS;
  e[6] = {INT8, MQ_RULE_SHAPE, 64};
  expect_plan(transformer_layers(), o, e);
  // K equal to the group is not "smaller": one group per row, the ordinary rule.
  o = plan_options();
  o.group_size = 64;
  e = default_expectation();
  for (size_t i : {2, 3, 4, 5, 9, 10, 11}) e[i].group = 64;
  e[6] = {INT4, MQ_RULE_QUANTIZE, 64};
  expect_plan(transformer_layers(), o, e);
  // A group wider than every K sends every quantized layer to the shape rule.
  o.group_size = 1024;
  e = default_expectation();
  for (size_t i : {2, 3, 4, 5, 6, 9, 10, 11}) {
    e[i] = {INT8, MQ_RULE_SHAPE, transformer_layers()[i].cols};
  }
  expect_plan(transformer_layers(), o, e);
}

TEST(PlanRules, EightBitsHasNoShapeRule) {
  mq_plan_options o = plan_options();
  o.bits = 8;
  std::vector<Expect> e = default_expectation();
  for (size_t i : {2, 3, 4, 5, 6, 9, 10, 11}) {
    e[i] = {INT8, MQ_RULE_QUANTIZE, transformer_layers()[i].cols};
  }
  expect_plan(transformer_layers(), o, e);
}

TEST(PlanRules, AsymmetricSchemeIsCarried) {
  mq_plan_options o = plan_options();
  o.scheme = MQ_SCHEME_ASYMMETRIC;
  PlanHandle plan;
  make_plan(transformer_layers(), o, &plan);
  const mq_plan_layer q = plan_layer(plan.p, 2);
  EXPECT_EQ(q.scheme, MQ_SCHEME_ASYMMETRIC);
  EXPECT_EQ(q.bytes_after, 256U * 128 + 256 * 2 * 4 + 256 * 2);  // plus one zero point per group
  EXPECT_EQ(plan_layer(plan.p, 6).scheme, MQ_SCHEME_SYMMETRIC);  // INT8 rows are symmetric
}

// Rules together: the first that matches decides, in the documented order.
TEST(PlanRules, RulesInCombinationFollowTheOrder) {
  mq_plan_options o = plan_options();
  const char* names[] = {"model.layers.0.mlp.router", "o_proj", "*layernorm"};
  const mq_layer_kind kinds[] = {MQ_LAYER_LAYER_NORM, MQ_LAYER_EMBEDDING};
  o.skip_names = names;
  o.skip_name_count = 3;
  o.skip_kinds = kinds;
  o.skip_kind_count = 2;
  o.skip_param_threshold = 20000;
  o.clear_defaults = MQ_CLEAR_DEFAULT_LM_HEAD;
  o.shape_policy = MQ_SHAPE_POLICY_INT4_PER_ROW;
  expect_plan(transformer_layers(), o,
              {{KEEP, MQ_RULE_SKIP_KIND, 0},        // embedding: kind before the default
               {KEEP, MQ_RULE_SKIP_NAME, 0},        // "*layernorm": name before kind
               {INT4, MQ_RULE_QUANTIZE, 128},       // q_proj: 65536 params
               {KEEP, MQ_RULE_PARAM_THRESHOLD, 0},  // k_proj: 16384 < 20000
               {KEEP, MQ_RULE_PARAM_THRESHOLD, 0},  // v_proj
               {KEEP, MQ_RULE_SKIP_NAME, 0},        // o_proj by name
               {KEEP, MQ_RULE_PARAM_THRESHOLD, 0},  // rel_pos: threshold before shape
               {KEEP, MQ_RULE_SKIP_NAME, 0},        // post_attention_layernorm
               {KEEP, MQ_RULE_SKIP_NAME, 0},        // router by its exact name
               {INT4, MQ_RULE_QUANTIZE, 128},       // gate_proj
               {INT4, MQ_RULE_QUANTIZE, 128},       // up_proj
               {INT4, MQ_RULE_QUANTIZE, 128},       // down_proj
               {KEEP, MQ_RULE_SKIP_KIND, 0},        // model.norm: kind (no name match)
               {INT4, MQ_RULE_QUANTIZE, 128}});     // lm_head: its default cleared
  // The same lists with every default cleared and the threshold off.
  o.skip_param_threshold = 0;
  o.clear_defaults = MQ_CLEAR_DEFAULTS_ALL;
  o.shape_policy = MQ_SHAPE_POLICY_KEEP;
  expect_plan(transformer_layers(), o,
              {{KEEP, MQ_RULE_SKIP_KIND, 0},
               {KEEP, MQ_RULE_SKIP_NAME, 0},
               {INT4, MQ_RULE_QUANTIZE, 128},
               {INT4, MQ_RULE_QUANTIZE, 128},
               {INT4, MQ_RULE_QUANTIZE, 128},
               {KEEP, MQ_RULE_SKIP_NAME, 0},
               {KEEP, MQ_RULE_SHAPE, 0},
               {KEEP, MQ_RULE_SKIP_NAME, 0},
               {KEEP, MQ_RULE_SKIP_NAME, 0},
               {INT4, MQ_RULE_QUANTIZE, 128},
               {INT4, MQ_RULE_QUANTIZE, 128},
               {INT4, MQ_RULE_QUANTIZE, 128},
               {KEEP, MQ_RULE_SKIP_KIND, 0},
               {INT4, MQ_RULE_QUANTIZE, 128}});
}

TEST(PlanRules, FindLayerAndNames) {
  PlanHandle plan;
  make_plan(transformer_layers(), plan_options(), &plan);
  uint64_t index = 99;
  ASSERT_EQ(mq_plan_find_layer(plan.p, "model.layers.0.mlp.up_proj", &index), MQ_OK);
  EXPECT_EQ(index, 10U);
  index = 99;
  EXPECT_EQ(mq_plan_find_layer(plan.p, "up_proj", &index), MQ_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(index, 99U);
  EXPECT_EQ(last_error(), "mq_plan_find_layer: no layer is named 'up_proj'");
  const char* name = nullptr;
  for (int k = MQ_LAYER_LINEAR; k <= MQ_LAYER_OTHER; ++k) {
    ASSERT_EQ(mq_layer_kind_name(static_cast<mq_layer_kind>(k), &name), MQ_OK);
    mq_layer_kind back = MQ_LAYER_KIND_MAX_ENUM;
    ASSERT_EQ(mq_layer_kind_from_name(name, &back), MQ_OK);
    EXPECT_EQ(back, k);
  }
  ASSERT_EQ(mq_rule_name(MQ_RULE_DEFAULT_LM_HEAD, &name), MQ_OK);
  EXPECT_STREQ(name, "default_lm_head");
  ASSERT_EQ(mq_decision_name(MQ_DECISION_INT8_ROWS, &name), MQ_OK);
  EXPECT_STREQ(name, "int8_rows");
  ASSERT_EQ(mq_warning_kind_name(MQ_WARNING_FEW_CALIBRATION_SAMPLES, &name), MQ_OK);
  EXPECT_STREQ(name, "few_calibration_samples");
}

TEST(PlanRules, EnumValuesArePinned) {
  EXPECT_EQ(MQ_LAYER_LINEAR, 1);
  EXPECT_EQ(MQ_LAYER_OTHER, 7);
  EXPECT_EQ(MQ_DECISION_INT4, 1);
  EXPECT_EQ(MQ_DECISION_KEEP, 3);
  EXPECT_EQ(MQ_RULE_SKIP_NAME, 1);
  EXPECT_EQ(MQ_RULE_QUANTIZE, 8);
  EXPECT_EQ(MQ_SHAPE_POLICY_KEEP, 3);
  EXPECT_EQ(MQ_ACCURACY_POLICY_IGNORE, 2);
  EXPECT_EQ(MQ_WARNING_FEW_CALIBRATION_SAMPLES, 5);
  EXPECT_EQ(MQ_RUN_OUTPUT_NONE, 2);
  EXPECT_EQ(sizeof(mq_layer_desc), 40U);
  EXPECT_EQ(sizeof(mq_plan_options), 96U);
  EXPECT_EQ(sizeof(mq_plan_layer), 88U);
  EXPECT_EQ(sizeof(mq_report_layer), 168U);
  EXPECT_EQ(sizeof(mq_report_summary), 112U);
  EXPECT_EQ(sizeof(mq_warning), 32U);
}

// The dry-run table of the realistic list, pinned: it is what `monoquant plan` prints.
TEST(PlanRules, DryRunTable) {
  PlanHandle plan;
  make_plan(transformer_layers(), plan_options(), &plan);
  const std::string table = plan_table(plan.p, MQ_TABLE_NO_TIMES);
  EXPECT_EQ(table.substr(0, table.find('\n')),
            "monoquant plan: 14 layers: 7 int4, 1 int8 per-row, 6 kept");
  EXPECT_NE(table.find("   6  model.layers.0.self_attn.rel_pos_proj    linear        256x64   "
                       "16640  int8_rows  int8 rows      shape            K=64 < group 128: int8 "
                       "per-row\n"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("size: 4.7 MiB -> 2.3 MiB (4936704 -> 2445312 bytes, 2.02x smaller)"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("warnings: none"), std::string::npos);
}

}  // namespace
}  // namespace mq::sched_test
