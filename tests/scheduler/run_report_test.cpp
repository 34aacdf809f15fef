// Running plans through the public API: the report's figures (SQNR against a float64 computation,
// sizes), its outputs (packed weights that run with mq_gemv, canonical buffers), every warning kind
// triggered and not, the three accuracy policies, data and executor errors, and the independence of
// everything from the thread count.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "monoquant/monoquant.h"
#include "scheduler/scheduler_fixture.h"

namespace mq::sched_test {
namespace {

struct RunState {
  PlanHandle plan;
  ReportHandle report;
  std::vector<std::vector<float>> weights;
};

mq_status run_plan(mq_context* c, const std::vector<Layer>& layers, const mq_plan_options& po,
                   mq_run_output output, RunState* run, uint64_t seed = 1,
                   const std::vector<const mq_observer*>* observers = nullptr) {
  const std::vector<mq_layer_desc> d = descs(layers);
  EXPECT_EQ(mq_plan_create(c, d.data(), d.size(), &po, &run->plan.p), MQ_OK) << last_error();
  if (run->weights.empty()) run->weights = make_weights(layers, seed);
  WeightPointers wp(run->weights);
  mq_run_options ro{};
  ro.struct_size = sizeof(ro);
  ro.output = output;
  if (observers != nullptr) {
    ro.observers = observers->data();
    ro.observer_count = observers->size();
  }
  return mq_plan_run(c, run->plan.p, wp.data.data(), wp.lens.data(), layers.size(), &ro,
                     &run->report.r);
}

uint64_t bits_of(double v) {
  uint64_t bits = 0;
  std::memcpy(&bits, &v, sizeof(bits));
  return bits;
}

mq_report_summary summary(const mq_report* r) {
  mq_report_summary s{};
  s.struct_size = sizeof(s);
  EXPECT_EQ(mq_report_get_summary(r, &s), MQ_OK) << last_error();
  return s;
}

std::vector<mq_warning> warnings(const mq_report* r) {
  std::vector<mq_warning> out;
  const mq_report_summary s = summary(r);
  for (uint64_t i = 0; i < s.warning_count; ++i) {
    mq_warning w{};
    w.struct_size = sizeof(w);
    EXPECT_EQ(mq_report_get_warning(r, i, &w), MQ_OK);
    out.push_back(w);
  }
  return out;
}

size_t count_kind(const std::vector<mq_warning>& ws, mq_warning_kind kind) {
  size_t n = 0;
  for (const mq_warning& w : ws) n += w.kind == kind ? 1 : 0;
  return n;
}

// The canonical outputs of a quantized layer.
struct Canonical {
  std::vector<uint8_t> codes;
  std::vector<float> scales;
  std::vector<uint8_t> zero_points;
  bool operator==(const Canonical& o) const {
    return codes == o.codes && scales == o.scales && zero_points == o.zero_points;
  }
};

Canonical export_layer(const mq_report* r, uint64_t index) {
  const mq_report_layer l = report_layer(r, index);
  Canonical c;
  c.codes.resize(l.codes_len);
  c.scales.resize(l.scales_len);
  c.zero_points.resize(l.zero_points_len);
  EXPECT_EQ(mq_report_export_layer(
                r, index, c.codes.data(), c.codes.size(), c.scales.data(), c.scales.size(),
                l.zero_points_len ? c.zero_points.data() : nullptr, c.zero_points.size()),
            MQ_OK)
      << last_error();
  return c;
}

// 10 log10(sum w^2 / sum (w - dequant)^2) in float64 from the layer's canonical output, with
// the library's own dequantizers.
double sqnr_float64(const mq_report* r, uint64_t index, const std::vector<float>& w) {
  const mq_report_layer l = report_layer(r, index);
  const Canonical c = export_layer(r, index);
  std::vector<float> deq(w.size());
  if (l.decision == MQ_DECISION_INT4) {
    EXPECT_EQ(mq_dequantize_int4(
                  nullptr, c.codes.data(), c.codes.size(), c.scales.data(), c.scales.size(),
                  l.zero_points_len ? c.zero_points.data() : nullptr, c.zero_points.size(), l.rows,
                  l.cols, l.group_size, l.scheme, deq.data(), deq.size()),
              MQ_OK);
  } else {
    EXPECT_EQ(mq_dequantize_int8_rows(nullptr, reinterpret_cast<const int8_t*>(c.codes.data()),
                                      c.codes.size(), c.scales.data(), c.scales.size(), l.rows,
                                      l.cols, deq.data(), deq.size()),
              MQ_OK);
  }
  long double signal = 0, noise = 0;
  for (size_t i = 0; i < w.size(); ++i) {
    const long double e = static_cast<long double>(w[i]) - deq[i];
    signal += static_cast<long double>(w[i]) * w[i];
    noise += e * e;
  }
  return static_cast<double>(10.0L * std::log10(signal / noise));
}

TEST(SchedulerRun, SqnrMatchesFloat64AndSizesMatchThePlan) {
  for (const mq_scheme scheme : {MQ_SCHEME_SYMMETRIC, MQ_SCHEME_ASYMMETRIC}) {
    SCOPED_TRACE(scheme);
    ContextHandle ctx(make_context(2));
    RunState run;
    mq_plan_options po = plan_options();
    po.scheme = scheme;
    po.accuracy_policy = MQ_ACCURACY_POLICY_IGNORE;
    ASSERT_EQ(run_plan(ctx.c, transformer_layers(), po, MQ_RUN_OUTPUT_CANONICAL, &run), MQ_OK)
        << last_error();
    const mq_report_summary s = summary(run.report.r);
    EXPECT_EQ(s.layer_count, 14U);
    EXPECT_EQ(s.int4_count, 7U);
    EXPECT_EQ(s.int8_count, 1U);
    EXPECT_EQ(s.keep_count, 6U);
    EXPECT_EQ(s.output, MQ_RUN_OUTPUT_CANONICAL);
    double lowest = INFINITY;
    for (uint64_t i = 0; i < s.layer_count; ++i) {
      const mq_report_layer l = report_layer(run.report.r, i);
      const mq_plan_layer p = plan_layer(run.plan.p, i);
      EXPECT_STREQ(l.name, p.name);
      EXPECT_EQ(l.decision, p.decision);
      EXPECT_EQ(l.rule, p.rule);
      EXPECT_STREQ(l.rule_detail, p.rule_detail);
      EXPECT_EQ(l.bytes_before, p.bytes_before);
      EXPECT_EQ(l.bytes_after, p.bytes_after);
      EXPECT_EQ(l.packed_bytes, 0U);
      EXPECT_EQ(l.gemv_kernel, nullptr);
      if (l.decision == MQ_DECISION_KEEP) {
        EXPECT_TRUE(std::isnan(l.sqnr_db));
        EXPECT_EQ(l.codes_len, 0U);
        EXPECT_EQ(l.quantize_kernel, nullptr);
        continue;
      }
      const double expect = sqnr_float64(run.report.r, i, run.weights[i]);
      EXPECT_NEAR(l.sqnr_db, expect, 1e-9) << l.name;
      EXPECT_GT(l.sqnr_db, l.decision == MQ_DECISION_INT4 ? 12.0 : 35.0) << l.name;
      EXPECT_NE(l.quantize_kernel, nullptr);
      EXPECT_NE(l.sqnr_kernel, nullptr);
      EXPECT_GE(l.seconds, 0.0);
      lowest = std::min(lowest, l.sqnr_db);
      // The canonical lengths, and the size after = codes + scales + zero points + the rest.
      const uint64_t extra = (l.param_count - l.rows * l.cols) * 4;
      EXPECT_EQ(l.bytes_after, l.codes_len + 4 * l.scales_len + l.zero_points_len + extra);
    }
    EXPECT_EQ(s.min_sqnr_db, lowest);
    EXPECT_NEAR(s.compression, static_cast<double>(s.bytes_before) / s.bytes_after, 1e-12);
    EXPECT_EQ(s.warning_count, 0U);  // ignore policy
    EXPECT_GT(s.seconds, 0.0);
  }
}

// The canonical output is exactly what mq_quantize_int4 / mq_quantize_int8_rows make.
TEST(SchedulerRun, CanonicalOutputEqualsTheQuantizeEntryPoints) {
  ContextHandle ctx(make_context(2));
  RunState run;
  ASSERT_EQ(run_plan(ctx.c, transformer_layers(), plan_options(), MQ_RUN_OUTPUT_CANONICAL, &run),
            MQ_OK);
  for (uint64_t i : {2U, 6U, 11U}) {
    const mq_report_layer l = report_layer(run.report.r, i);
    const Canonical got = export_layer(run.report.r, i);
    Canonical want;
    want.codes.resize(l.codes_len);
    want.scales.resize(l.scales_len);
    if (l.decision == MQ_DECISION_INT4) {
      ASSERT_EQ(
          mq_quantize_int4(nullptr, run.weights[i].data(), run.weights[i].size(), l.rows, l.cols,
                           l.group_size, l.scheme, want.codes.data(), want.codes.size(),
                           want.scales.data(), want.scales.size(), nullptr, 0),
          MQ_OK);
    } else {
      ASSERT_EQ(mq_quantize_int8_rows(nullptr, run.weights[i].data(), run.weights[i].size(), l.rows,
                                      l.cols, reinterpret_cast<int8_t*>(want.codes.data()),
                                      want.codes.size(), want.scales.data(), want.scales.size()),
                MQ_OK);
    }
    EXPECT_TRUE(got == want) << l.name;
  }
}

// Packed outputs run with mq_gemv exactly like packed weights made directly from the same floats,
// can be taken out of the report, and export back to the canonical buffers.
TEST(SchedulerRun, PackedOutputsRunWithGemvAndCanBeTaken) {
  ContextHandle ctx(make_context(2));
  RunState packed_run, canonical_run;
  ASSERT_EQ(
      run_plan(ctx.c, transformer_layers(), plan_options(), MQ_RUN_OUTPUT_PACKED, &packed_run),
      MQ_OK);
  ASSERT_EQ(run_plan(ctx.c, transformer_layers(), plan_options(), MQ_RUN_OUTPUT_CANONICAL,
                     &canonical_run),
            MQ_OK);
  for (uint64_t i : {3U, 6U, 11U}) {
    const mq_report_layer l = report_layer(packed_run.report.r, i);
    ASSERT_NE(l.decision, MQ_DECISION_KEEP);
    EXPECT_GT(l.packed_bytes, 0U);
    EXPECT_NE(l.gemv_kernel, nullptr);
    EXPECT_TRUE(export_layer(packed_run.report.r, i) == export_layer(canonical_run.report.r, i));
    const mq_packed_weights* pw = nullptr;
    ASSERT_EQ(mq_report_get_packed(packed_run.report.r, i, &pw), MQ_OK);
    mq_pack_options o{};
    o.struct_size = sizeof(o);
    o.format = l.format;
    o.scheme = l.scheme;
    o.group_size = l.group_size;
    mq_packed_weights* direct = nullptr;
    ASSERT_EQ(mq_packed_create_from_f32(ctx.c, packed_run.weights[i].data(),
                                        packed_run.weights[i].size(), l.rows, l.cols, &o, &direct),
              MQ_OK)
        << last_error();
    const std::vector<float> x =
        test::random_floats(l.cols, test::Distribution::gaussian, test::test_seed(i));
    std::vector<float> y1(l.rows), y2(l.rows);
    ASSERT_EQ(
        mq_gemv(ctx.c, pw, MQ_COMPUTE_F32, x.data(), x.size(), nullptr, 0, y1.data(), y1.size()),
        MQ_OK);
    ASSERT_EQ(mq_gemv(ctx.c, direct, MQ_COMPUTE_F32, x.data(), x.size(), nullptr, 0, y2.data(),
                      y2.size()),
              MQ_OK);
    EXPECT_EQ(std::memcmp(y1.data(), y2.data(), y1.size() * sizeof(float)), 0) << l.name;
    mq_packed_destroy(direct);
  }
  // Taking: the caller owns the weights, which outlive the report.
  mq_packed_weights* taken = nullptr;
  ASSERT_EQ(mq_report_take_packed(packed_run.report.r, 2, &taken), MQ_OK);
  const mq_packed_weights* again = nullptr;
  EXPECT_EQ(mq_report_take_packed(packed_run.report.r, 2, &taken), MQ_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(mq_report_get_packed(packed_run.report.r, 2, &again), MQ_ERR_INVALID_ARGUMENT);
  EXPECT_NE(last_error().find("were taken"), std::string::npos);
  EXPECT_EQ(report_layer(packed_run.report.r, 2).packed_bytes, 0U);
  mq_report_destroy(packed_run.report.r);
  packed_run.report.r = nullptr;
  mq_packed_info info{};
  info.struct_size = sizeof(info);
  ASSERT_EQ(mq_packed_get_info(taken, &info), MQ_OK);
  EXPECT_EQ(info.rows, 256U);
  std::vector<float> x(256, 1.0F), y(256);
  EXPECT_EQ(mq_gemv(ctx.c, taken, MQ_COMPUTE_F32, x.data(), 256, nullptr, 0, y.data(), 256), MQ_OK);
  mq_packed_destroy(taken);
}

TEST(SchedulerRun, OutputNoneKeepsOnlyTheReport) {
  RunState run;
  ASSERT_EQ(run_plan(nullptr, transformer_layers(), plan_options(), MQ_RUN_OUTPUT_NONE, &run),
            MQ_OK);
  const mq_report_layer l = report_layer(run.report.r, 2);
  EXPECT_GT(l.sqnr_db, 10.0);
  uint8_t codes[1];
  float scales[1];
  EXPECT_EQ(mq_report_export_layer(run.report.r, 2, codes, 1, scales, 1, nullptr, 0),
            MQ_ERR_INVALID_ARGUMENT);
  EXPECT_NE(last_error().find("MQ_RUN_OUTPUT_NONE"), std::string::npos);
  const mq_packed_weights* pw = nullptr;
  EXPECT_EQ(mq_report_get_packed(run.report.r, 2, &pw), MQ_ERR_INVALID_ARGUMENT);
}

// Same report, same outputs with 1, 2 and 4 pool threads and with a host executor.
TEST(SchedulerRun, ResultsDoNotDependOnTheThreads) {
  HostExecutor host;
  struct Setup {
    uint32_t threads;
    HostExecutor* host;
  };
  const Setup setups[] = {{1, nullptr}, {2, nullptr}, {4, nullptr}, {0, &host}};
  // A layer list with big layers, so that each is cut into several work items.
  std::vector<Layer> layers = transformer_layers();
  layers.push_back({"model.layers.1.mlp.down_proj", MQ_LAYER_LINEAR, 512, 2816, 0});
  layers.push_back({"model.layers.1.mlp.up_proj", MQ_LAYER_LINEAR, 2816, 512, 0});
  const std::vector<std::vector<float>> weights = make_weights(layers, 42);
  std::string first_table;
  std::vector<mq_report_layer> first_layers;
  std::vector<Canonical> first_outputs;
  for (const Setup& s : setups) {
    SCOPED_TRACE(s.threads);
    ContextHandle ctx(make_context(s.threads, s.host));
    RunState run;
    run.weights = weights;
    mq_plan_options po = plan_options();
    po.scheme = MQ_SCHEME_ASYMMETRIC;
    ASSERT_EQ(run_plan(ctx.c, layers, po, MQ_RUN_OUTPUT_PACKED, &run), MQ_OK) << last_error();
    const std::string table = report_table(run.report.r, MQ_TABLE_NO_TIMES);
    if (first_table.empty()) {
      first_table = table;
      for (uint64_t i = 0; i < layers.size(); ++i) {
        first_layers.push_back(report_layer(run.report.r, i));
        if (first_layers.back().decision != MQ_DECISION_KEEP) {
          first_outputs.push_back(export_layer(run.report.r, i));
        }
      }
      continue;
    }
    EXPECT_EQ(table, first_table);
    size_t q = 0;
    for (uint64_t i = 0; i < layers.size(); ++i) {
      const mq_report_layer l = report_layer(run.report.r, i);
      const mq_report_layer& f = first_layers[i];
      // Bit-identical SQNR (NaN for kept layers).
      EXPECT_EQ(bits_of(l.sqnr_db), bits_of(f.sqnr_db)) << l.name;
      EXPECT_EQ(l.flags, f.flags);
      EXPECT_EQ(l.bytes_after, f.bytes_after);
      EXPECT_EQ(l.packed_bytes, f.packed_bytes);
      if (l.decision != MQ_DECISION_KEEP) {
        EXPECT_TRUE(export_layer(run.report.r, i) == first_outputs[q++]) << l.name;
      }
    }
  }
  EXPECT_GT(host.calls.load(), 0U);
}

TEST(SchedulerRun, LowAndCriticalSqnrWarnings) {
  ContextHandle ctx(make_context(2));
  // Not triggered: INT4 of Laplace weights is about 16 dB, INT8 about 42 dB.
  {
    RunState run;
    mq_plan_options po = plan_options();
    po.sqnr_warning_db = 14.0;
    po.sqnr_critical_db = 5.0;
    ASSERT_EQ(run_plan(ctx.c, transformer_layers(), po, MQ_RUN_OUTPUT_NONE, &run), MQ_OK);
    EXPECT_EQ(summary(run.report.r).warning_count, 0U);
    EXPECT_EQ(report_layer(run.report.r, 2).flags, 0U);
  }
  // Warning for the INT4 layers (< 30 dB), not the INT8 one; critical nowhere.
  {
    RunState run;
    mq_plan_options po = plan_options();
    po.sqnr_warning_db = 30.0;
    ASSERT_EQ(run_plan(ctx.c, transformer_layers(), po, MQ_RUN_OUTPUT_NONE, &run), MQ_OK);
    const std::vector<mq_warning> ws = warnings(run.report.r);
    EXPECT_EQ(count_kind(ws, MQ_WARNING_LOW_SQNR), 7U);
    EXPECT_EQ(count_kind(ws, MQ_WARNING_CRITICAL_SQNR), 0U);
    EXPECT_EQ(ws[0].layer_index, 2U);
    EXPECT_EQ(ws[0].critical, 0);
    const std::string msg = ws[0].message;
    EXPECT_EQ(msg.rfind("layer 2 ('model.layers.0.self_attn.q_proj'): weight SQNR ", 0), 0U) << msg;
    EXPECT_NE(msg.find("dB is below the warning threshold of 30 dB (int4 g128 sym)"),
              std::string::npos)
        << msg;
    EXPECT_EQ(report_layer(run.report.r, 2).flags, MQ_REPORT_LAYER_LOW_SQNR);
    EXPECT_EQ(report_layer(run.report.r, 6).flags, 0U);
    EXPECT_EQ(summary(run.report.r).critical_count, 0U);
  }
  // Critical for the INT4 layers (< 25 dB), a plain warning for none (INT8 is above 30).
  {
    RunState run;
    mq_plan_options po = plan_options();
    po.sqnr_warning_db = 30.0;
    po.sqnr_critical_db = 25.0;
    ASSERT_EQ(run_plan(ctx.c, transformer_layers(), po, MQ_RUN_OUTPUT_NONE, &run), MQ_OK);
    const std::vector<mq_warning> ws = warnings(run.report.r);
    EXPECT_EQ(count_kind(ws, MQ_WARNING_CRITICAL_SQNR), 7U);
    EXPECT_EQ(count_kind(ws, MQ_WARNING_LOW_SQNR), 0U);
    EXPECT_EQ(ws[0].critical, 1);
    EXPECT_EQ(summary(run.report.r).critical_count, 7U);
    EXPECT_EQ(report_layer(run.report.r, 9).flags,
              MQ_REPORT_LAYER_LOW_SQNR | MQ_REPORT_LAYER_CRITICAL_SQNR);
  }
  // A genuinely bad layer under the default thresholds: one large value per group and the rest
  // below half a step, so everything but the outlier rounds to zero (SQNR about 7.6 dB).
  {
    std::vector<Layer> layers = {{"bad", MQ_LAYER_LINEAR, 8, 256, 0},
                                 {"lm_head", MQ_LAYER_LINEAR, 8, 256, 0}};
    RunState run;
    run.weights = {test::random_floats(8 * 256, test::Distribution::uniform, 5),
                   test::random_floats(8 * 256, test::Distribution::uniform, 6)};
    for (size_t i = 0; i < run.weights[0].size(); ++i) {
      run.weights[0][i] = i % 128 == 0 ? 7.0F : 0.49F * run.weights[0][i];
    }
    ASSERT_EQ(run_plan(ctx.c, layers, plan_options(), MQ_RUN_OUTPUT_NONE, &run), MQ_OK);
    const mq_report_layer l = report_layer(run.report.r, 0);
    EXPECT_LT(l.sqnr_db, 10.0);
    EXPECT_GT(l.sqnr_db, 5.0);
    const std::vector<mq_warning> ws = warnings(run.report.r);
    ASSERT_EQ(ws.size(), 1U);
    EXPECT_EQ(ws[0].kind, MQ_WARNING_CRITICAL_SQNR);
    EXPECT_NE(std::string(ws[0].message).find("below the critical threshold of 10 dB"),
              std::string::npos);
  }
  // -INFINITY disables a check.
  {
    RunState run;
    mq_plan_options po = plan_options();
    po.sqnr_warning_db = -INFINITY;
    po.sqnr_critical_db = -INFINITY;
    ASSERT_EQ(run_plan(ctx.c, transformer_layers(), po, MQ_RUN_OUTPUT_NONE, &run), MQ_OK);
    EXPECT_EQ(summary(run.report.r).warning_count, 0U);
  }
}

TEST(SchedulerRun, NothingSkippedWarning) {
  const std::vector<Layer> linears = {{"a.q_proj", MQ_LAYER_LINEAR, 64, 256, 0},
                                      {"a.k_proj", MQ_LAYER_LINEAR, 64, 256, 0}};
  mq_plan_options po = plan_options();
  po.sqnr_warning_db = -INFINITY;
  po.sqnr_critical_db = -INFINITY;
  {
    RunState run;
    ASSERT_EQ(run_plan(nullptr, linears, po, MQ_RUN_OUTPUT_NONE, &run), MQ_OK);
    const std::vector<mq_warning> ws = warnings(run.report.r);
    ASSERT_EQ(ws.size(), 1U);
    EXPECT_EQ(ws[0].kind, MQ_WARNING_NOTHING_SKIPPED);
    EXPECT_EQ(ws[0].layer_index, UINT64_MAX);
    EXPECT_STREQ(ws[0].message,
                 "every layer is quantized (2 of 2), none kept: embeddings, norms and the output "
                 "head usually lose the most accuracy; check the skip rules");
  }
  {  // One layer kept: no warning.
    RunState run;
    const char* names[] = {"k_proj"};
    po.skip_names = names;
    po.skip_name_count = 1;
    ASSERT_EQ(run_plan(nullptr, linears, po, MQ_RUN_OUTPUT_NONE, &run), MQ_OK);
    EXPECT_EQ(summary(run.report.r).warning_count, 0U);
  }
}

TEST(SchedulerRun, FewCalibrationSamplesWarning) {
  const std::vector<Layer>& layers = transformer_layers();
  mq_plan_options po = plan_options();
  po.sqnr_warning_db = -INFINITY;
  po.sqnr_critical_db = -INFINITY;
  mq_observer* q_obs = nullptr;
  mq_observer* up_obs = nullptr;
  ASSERT_EQ(mq_observer_create(nullptr, 256, &q_obs), MQ_OK);
  ASSERT_EQ(mq_observer_create(nullptr, 256, &up_obs), MQ_OK);
  const std::vector<float> acts =
      test::random_floats(64 * 256, test::Distribution::gaussian, test::test_seed());
  ASSERT_EQ(mq_observer_observe(nullptr, q_obs, acts.data(), acts.size(), 64, 256, 0), MQ_OK);
  ASSERT_EQ(mq_observer_observe(nullptr, up_obs, acts.data(), acts.size(), 64, 256, 12), MQ_OK);
  std::vector<const mq_observer*> observers(layers.size(), nullptr);
  observers[2] = q_obs;
  observers[10] = up_obs;
  {  // 64 samples and 12 samples: one layer below 50.
    RunState run;
    ASSERT_EQ(run_plan(nullptr, layers, po, MQ_RUN_OUTPUT_NONE, &run, 1, &observers), MQ_OK)
        << last_error();
    const std::vector<mq_warning> ws = warnings(run.report.r);
    ASSERT_EQ(ws.size(), 1U);
    EXPECT_EQ(ws[0].kind, MQ_WARNING_FEW_CALIBRATION_SAMPLES);
    EXPECT_EQ(ws[0].layer_index, 10U);
    EXPECT_STREQ(ws[0].message,
                 "calibration statistics of 1 layer hold fewer than 50 samples (fewest: 12, layer "
                 "10 'model.layers.0.mlp.up_proj'); the activation ranges may not be "
                 "representative");
    const mq_report_summary s = summary(run.report.r);
    EXPECT_EQ(s.calibration_given, 1);
    EXPECT_EQ(s.calibration_samples, 12U);
  }
  {  // Enough samples: no warning. Without observers: no warning either.
    ASSERT_EQ(mq_observer_observe(nullptr, up_obs, acts.data(), acts.size(), 64, 256, 40), MQ_OK);
    RunState run;
    ASSERT_EQ(run_plan(nullptr, layers, po, MQ_RUN_OUTPUT_NONE, &run, 1, &observers), MQ_OK);
    EXPECT_EQ(summary(run.report.r).warning_count, 0U);
    EXPECT_EQ(summary(run.report.r).calibration_samples, 52U);
    RunState none;
    ASSERT_EQ(run_plan(nullptr, layers, po, MQ_RUN_OUTPUT_NONE, &none), MQ_OK);
    EXPECT_EQ(summary(none.report.r).calibration_given, 0);
    EXPECT_EQ(summary(none.report.r).warning_count, 0U);
  }
  {  // The threshold is configurable.
    po.min_calibration_samples = 100;
    RunState run;
    ASSERT_EQ(run_plan(nullptr, layers, po, MQ_RUN_OUTPUT_NONE, &run, 1, &observers), MQ_OK);
    const std::vector<mq_warning> ws = warnings(run.report.r);
    ASSERT_EQ(ws.size(), 1U);
    EXPECT_NE(std::string(ws[0].message).find("2 layers hold fewer than 100 samples"),
              std::string::npos)
        << ws[0].message;
  }
  {  // A linear layer's observer must have its input width.
    std::vector<const mq_observer*> wrong(layers.size(), nullptr);
    mq_observer* narrow = nullptr;
    ASSERT_EQ(mq_observer_create(nullptr, 64, &narrow), MQ_OK);
    wrong[2] = narrow;
    RunState run;
    EXPECT_EQ(run_plan(nullptr, layers, po, MQ_RUN_OUTPUT_NONE, &run, 1, &wrong),
              MQ_ERR_INVALID_SHAPE);
    EXPECT_EQ(run.report.r, nullptr);
    mq_observer_destroy(narrow);
  }
  mq_observer_destroy(q_obs);
  mq_observer_destroy(up_obs);
}

// warn: in the report and the log; ignore: silent; error: MQ_ERR_ACCURACY with the critical
// messages, and no report.
TEST(SchedulerRun, AccuracyPolicies) {
  LogSink sink;
  ContextHandle ctx(make_context(2, nullptr, &LogSink::log, &sink));
  mq_plan_options po = plan_options();
  po.sqnr_warning_db = 30.0;
  po.sqnr_critical_db = 16.0;  // some INT4 layers of Laplace weights fall below, some not
  const char* names[] = {"no_such_layer"};
  po.skip_names = names;
  po.skip_name_count = 1;

  po.accuracy_policy = MQ_ACCURACY_POLICY_WARN;
  RunState warn;
  ASSERT_EQ(run_plan(ctx.c, transformer_layers(), po, MQ_RUN_OUTPUT_NONE, &warn), MQ_OK);
  const std::vector<mq_warning> ws = warnings(warn.report.r);
  const mq_report_summary s = summary(warn.report.r);
  ASSERT_GT(s.critical_count, 0U);
  ASSERT_LT(s.critical_count, 7U);
  EXPECT_EQ(ws.size(), 1 + 7U);  // the plan's unmatched name, then one per INT4 layer
  EXPECT_EQ(ws[0].kind, MQ_WARNING_UNMATCHED_SKIP_NAME);
  // The log got the plan's warning (at plan creation) and the run's, critical ones as errors.
  ASSERT_EQ(sink.lines.size(), ws.size());
  size_t errors = 0;
  for (size_t i = 0; i < ws.size(); ++i) {
    EXPECT_EQ(sink.lines[i].second, ws[i].message);
    errors += sink.lines[i].first == MQ_LOG_ERROR ? 1 : 0;
  }
  EXPECT_EQ(errors, s.critical_count);
  const std::string table = report_table(warn.report.r);
  EXPECT_NE(table.find("CRITICAL: layer"), std::string::npos);

  po.accuracy_policy = MQ_ACCURACY_POLICY_IGNORE;
  sink.lines.clear();
  RunState ignore;
  ASSERT_EQ(run_plan(ctx.c, transformer_layers(), po, MQ_RUN_OUTPUT_NONE, &ignore), MQ_OK);
  EXPECT_EQ(summary(ignore.report.r).warning_count, 0U);
  EXPECT_EQ(summary(ignore.report.r).critical_count, 0U);
  EXPECT_TRUE(sink.lines.empty());
  // The per-layer figures and flags are still there.
  for (uint64_t i = 0; i < 14; ++i) {
    EXPECT_EQ(report_layer(ignore.report.r, i).flags, report_layer(warn.report.r, i).flags);
  }

  po.accuracy_policy = MQ_ACCURACY_POLICY_ERROR;
  sink.lines.clear();
  RunState error;
  ASSERT_EQ(run_plan(ctx.c, transformer_layers(), po, MQ_RUN_OUTPUT_PACKED, &error),
            MQ_ERR_ACCURACY);
  EXPECT_EQ(error.report.r, nullptr);
  const std::string message = last_error();
  EXPECT_EQ(
      message.rfind(
          "mq_plan_run: " + std::to_string(s.critical_count) + " critical accuracy warning", 0),
      0U)
      << message;
  for (const mq_warning& w : ws) {
    if (w.critical) {
      EXPECT_NE(message.find(w.message), std::string::npos) << message;
    } else {
      EXPECT_EQ(message.find(w.message), std::string::npos) << message;
    }
  }
  EXPECT_FALSE(sink.lines.empty());  // the warnings were logged before the run failed

  // Under error, warnings that are not critical do not fail the run.
  po.sqnr_critical_db = 5.0;
  RunState mild;
  ASSERT_EQ(run_plan(ctx.c, transformer_layers(), po, MQ_RUN_OUTPUT_NONE, &mild), MQ_OK);
  EXPECT_EQ(summary(mild.report.r).warning_count, 8U);
}

TEST(SchedulerRun, TooManyCriticalMessagesAreSummarised) {
  std::vector<Layer> layers;
  std::vector<std::string> names;
  layers.reserve(41);
  names.reserve(40);
  for (int i = 0; i < 40; ++i) names.push_back("model.layers." + std::to_string(i) + ".mlp.proj");
  for (const std::string& n : names) layers.push_back({n.c_str(), MQ_LAYER_LINEAR, 4, 256, 0});
  layers.push_back({"lm_head", MQ_LAYER_LINEAR, 4, 256, 0});
  mq_plan_options po = plan_options();
  po.accuracy_policy = MQ_ACCURACY_POLICY_ERROR;
  po.sqnr_warning_db = 90.0;
  po.sqnr_critical_db = 90.0;
  RunState run;
  ASSERT_EQ(run_plan(nullptr, layers, po, MQ_RUN_OUTPUT_NONE, &run), MQ_ERR_ACCURACY);
  const std::string message = last_error();
  EXPECT_EQ(message.rfind("mq_plan_run: 40 critical accuracy warnings: layer 0 (", 0), 0U);
  EXPECT_NE(message.find(" more"), std::string::npos) << message;
  EXPECT_LT(message.size(), 1000U);
}

TEST(SchedulerRun, NonFiniteWeightNamesLayerRowAndColumn) {
  for (const uint32_t threads : {1U, 3U}) {
    ContextHandle ctx(make_context(threads));
    RunState run;
    run.weights = make_weights(transformer_layers(), 3);
    run.weights[11][5 * 704 + 130] = NAN;
    run.weights[11][200 * 704 + 1] = INFINITY;   // later: not the one reported
    run.weights[10][600 * 256 + 7] = -INFINITY;  // an earlier layer: reported first
    EXPECT_EQ(run_plan(ctx.c, transformer_layers(), plan_options(), MQ_RUN_OUTPUT_PACKED, &run),
              MQ_ERR_NON_FINITE);
    EXPECT_EQ(run.report.r, nullptr);
    EXPECT_EQ(last_error(),
              "mq_plan_run: layer 10 ('model.layers.0.mlp.up_proj'): weight at row 600, column 7 "
              "is -inf; weights must be finite");
    // A non-finite weight of a kept layer is never read.
    run.weights[10][600 * 256 + 7] = 0.0F;
    run.weights[11][5 * 704 + 130] = 0.0F;
    run.weights[11][200 * 704 + 1] = 0.0F;
    run.weights[13][0] = NAN;  // lm_head, kept
    run.plan.p = (mq_plan_destroy(run.plan.p), nullptr);
    EXPECT_EQ(run_plan(ctx.c, transformer_layers(), plan_options(), MQ_RUN_OUTPUT_NONE, &run),
              MQ_OK);
  }
}

TEST(SchedulerRun, HostExecutorFailureFailsTheRun) {
  HostExecutor host;
  host.fail_with = -3;
  ContextHandle ctx(make_context(0, &host));
  RunState run;
  EXPECT_EQ(run_plan(ctx.c, transformer_layers(), plan_options(), MQ_RUN_OUTPUT_PACKED, &run),
            MQ_ERR_CALLBACK_FAILED);
  EXPECT_EQ(last_error(), "mq_plan_run: the host executor returned -3");
  EXPECT_EQ(run.report.r, nullptr);
}

// Kept layers may be passed as NULL; quantized ones may not.
TEST(SchedulerRun, KeptLayersNeedNoWeights) {
  RunState run;
  run.weights = make_weights(transformer_layers(), 9);
  PlanHandle& plan = run.plan;
  const std::vector<mq_layer_desc> d = descs(transformer_layers());
  ASSERT_EQ(mq_plan_create(nullptr, d.data(), d.size(), nullptr, &plan.p), MQ_OK);
  WeightPointers wp(run.weights);
  for (size_t i : {0, 1, 7, 8, 12, 13}) {
    wp.data[i] = nullptr;
    wp.lens[i] = 0;
  }
  ASSERT_EQ(mq_plan_run(nullptr, plan.p, wp.data.data(), wp.lens.data(), d.size(), nullptr,
                        &run.report.r),
            MQ_OK)
      << last_error();
  EXPECT_EQ(summary(run.report.r).output, MQ_RUN_OUTPUT_PACKED);
}

// A plan that keeps everything runs, reads no weights and reports no SQNR.
TEST(SchedulerRun, PlanKeepingEverything) {
  const std::vector<mq_layer_desc> d = descs(transformer_layers());
  mq_plan_options po = plan_options();
  const char* all[] = {"*"};
  po.skip_names = all;
  po.skip_name_count = 1;
  PlanHandle plan;
  ASSERT_EQ(mq_plan_create(nullptr, d.data(), d.size(), &po, &plan.p), MQ_OK);
  const std::vector<const float*> weights(d.size(), nullptr);
  const std::vector<uint64_t> lens(d.size(), 0);
  ReportHandle report;
  ASSERT_EQ(mq_plan_run(nullptr, plan.p, weights.data(), lens.data(), d.size(), nullptr, &report.r),
            MQ_OK)
      << last_error();
  const mq_report_summary s = summary(report.r);
  EXPECT_EQ(s.keep_count, d.size());
  EXPECT_EQ(s.bytes_before, s.bytes_after);
  EXPECT_EQ(s.compression, 1.0);
  EXPECT_EQ(s.min_sqnr_db, INFINITY);
  EXPECT_EQ(s.warning_count, 0U);
  const std::string table = report_table(report.r, MQ_TABLE_NO_TIMES);
  EXPECT_NE(table.find("selected for quantization (0):\n"), std::string::npos) << table;
  EXPECT_EQ(table.find("lowest SQNR"), std::string::npos);
}

// The run report of the realistic list (the one quoted in docs/scheduler.md).
TEST(SchedulerRun, ReportTable) {
  ContextHandle ctx(make_context(2));
  RunState run;
  ASSERT_EQ(run_plan(ctx.c, transformer_layers(), plan_options(), MQ_RUN_OUTPUT_PACKED, &run),
            MQ_OK);
  const std::string table = report_table(run.report.r, MQ_TABLE_NO_TIMES);
  EXPECT_EQ(table.find(" ms"), std::string::npos);
  EXPECT_NE(table.find("selected for quantization (8): model.layers.0.self_attn.q_proj,"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("skipped, kept as they are (6): model.embed_tokens,"), std::string::npos);
  EXPECT_NE(table.find("size: 4.7 MiB -> 2.3 MiB (4936704 -> 2445312 bytes, 2.02x smaller)"),
            std::string::npos);
  EXPECT_NE(table.find("warnings (7):"), std::string::npos) << table;  // INT4 < 20 dB
  const std::string timed = report_table(run.report.r);
  EXPECT_NE(timed.find("time: "), std::string::npos);
  // Set MQ_PRINT_TABLES to see both tables (they are quoted in docs/scheduler.md).
  if (std::getenv("MQ_PRINT_TABLES") != nullptr) {  // NOLINT(concurrency-mt-unsafe): no threads yet
    std::printf("%s\n%s\n", plan_table(run.plan.p).c_str(), timed.c_str());
  }
}

}  // namespace
}  // namespace mq::sched_test
