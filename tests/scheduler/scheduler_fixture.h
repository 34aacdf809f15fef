// Shared pieces of the scheduler's public-API tests: a realistic small-transformer layer list,
// seeded weights for it, contexts with a host executor, and small helpers. Only the public header.
#ifndef MONOQUANT_TESTS_SCHEDULER_SCHEDULER_FIXTURE_H
#define MONOQUANT_TESTS_SCHEDULER_SCHEDULER_FIXTURE_H

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "monoquant/monoquant.h"
#include "support/random_data.h"

namespace mq::sched_test {

struct Layer {
  const char* name;
  mq_layer_kind kind;
  uint64_t rows;
  uint64_t cols;
  uint64_t params;  // 0 = rows * cols
};

// A LLaMA-style decoder block with its embeddings, norms and head, plus a tiny router (256
// parameters) and a projection whose K (64) is below the default group size (128). down_proj has
// K = 704, so its last group of every row is short (704 = 5 * 128 + 64).
inline const std::vector<Layer>& transformer_layers() {
  static const std::vector<Layer> layers = {
      {"model.embed_tokens", MQ_LAYER_EMBEDDING, 1000, 256, 0},
      {"model.layers.0.input_layernorm", MQ_LAYER_LAYER_NORM, 1, 256, 0},
      {"model.layers.0.self_attn.q_proj", MQ_LAYER_LINEAR, 256, 256, 0},
      {"model.layers.0.self_attn.k_proj", MQ_LAYER_LINEAR, 64, 256, 0},
      {"model.layers.0.self_attn.v_proj", MQ_LAYER_LINEAR, 64, 256, 0},
      {"model.layers.0.self_attn.o_proj", MQ_LAYER_LINEAR, 256, 256, 0},
      {"model.layers.0.self_attn.rel_pos_proj", MQ_LAYER_LINEAR, 256, 64, 256 * 64 + 256},
      {"model.layers.0.post_attention_layernorm", MQ_LAYER_LAYER_NORM, 1, 256, 0},
      {"model.layers.0.mlp.router", MQ_LAYER_LINEAR, 4, 64, 0},
      {"model.layers.0.mlp.gate_proj", MQ_LAYER_LINEAR, 704, 256, 0},
      {"model.layers.0.mlp.up_proj", MQ_LAYER_LINEAR, 704, 256, 0},
      {"model.layers.0.mlp.down_proj", MQ_LAYER_LINEAR, 256, 704, 0},
      {"model.norm", MQ_LAYER_LAYER_NORM, 1, 256, 0},
      {"lm_head", MQ_LAYER_LINEAR, 1000, 256, 0},
  };
  return layers;
}

inline std::vector<mq_layer_desc> descs(const std::vector<Layer>& layers) {
  std::vector<mq_layer_desc> d;
  for (const Layer& l : layers) {
    mq_layer_desc x{};
    x.struct_size = sizeof(mq_layer_desc);
    x.kind = l.kind;
    x.name = l.name;
    x.rows = l.rows;
    x.cols = l.cols;
    x.param_count = l.params;
    d.push_back(x);
  }
  return d;
}

inline mq_plan_options plan_options() {
  mq_plan_options o{};
  o.struct_size = sizeof(mq_plan_options);
  return o;
}

// Seeded weights for every layer (Laplace, the heavy-tailed shape of trained weights).
inline std::vector<std::vector<float>> make_weights(const std::vector<Layer>& layers,
                                                    uint64_t seed) {
  std::vector<std::vector<float>> w;
  for (size_t i = 0; i < layers.size(); ++i) {
    w.push_back(test::random_floats(layers[i].rows * layers[i].cols, test::Distribution::laplace,
                                    seed + i * 7919));
  }
  return w;
}

struct WeightPointers {
  std::vector<const float*> data;
  std::vector<uint64_t> lens;
  explicit WeightPointers(const std::vector<std::vector<float>>& w) {
    for (const auto& v : w) {
      data.push_back(v.data());
      lens.push_back(v.size());
    }
  }
};

inline std::string last_error() {
  const char* message = nullptr;
  mq_last_error_message(&message);
  return message;
}

// A host executor: runs the tasks on `threads` std::threads (spawned per call), in an interleaved
// order, so that nothing may depend on task order or thread identity.
struct HostExecutor {
  uint32_t threads = 3;
  std::atomic<uint64_t> calls{0};
  int32_t fail_with = 0;  // nonzero: report a failure without running anything

  static int32_t run(void* user, uint64_t count, mq_task_fn task, void* task_context) {
    auto* self = static_cast<HostExecutor*>(user);
    self->calls.fetch_add(1);
    if (self->fail_with != 0) return self->fail_with;
    std::atomic<uint64_t> next{0};
    std::vector<std::thread> pool;
    for (uint32_t t = 0; t < self->threads; ++t) {
      pool.emplace_back([&] {
        for (uint64_t i = next.fetch_add(1); i < count; i = next.fetch_add(1)) {
          task(task_context, count - 1 - i);  // last first
        }
      });
    }
    for (std::thread& t : pool) t.join();
    return 0;
  }
};

// A context with the built-in pool of `threads` threads (0 = a host executor given by `host`).
inline mq_context* make_context(uint32_t threads, HostExecutor* host = nullptr,
                                mq_log_fn log = nullptr, void* log_user = nullptr) {
  mq_context_options o{};
  o.struct_size = sizeof(o);
  o.num_threads = threads;
  o.log_fn = log;
  o.log_user = log_user;
  if (host != nullptr) {
    o.parallel_for_fn = &HostExecutor::run;
    o.executor_user = host;
    o.executor_threads = host->threads;
  }
  mq_context* c = nullptr;
  EXPECT_EQ(mq_context_create(&o, &c), MQ_OK) << last_error();
  return c;
}

struct LogSink {
  std::vector<std::pair<mq_log_level, std::string>> lines;
  static void log(void* user, mq_log_level level, const char* message) {
    static_cast<LogSink*>(user)->lines.emplace_back(level, message);
  }
};

inline std::string plan_table(const mq_plan* plan, uint32_t flags = 0) {
  uint64_t needed = 0;
  EXPECT_EQ(mq_plan_format_table(plan, flags, nullptr, 0, &needed), MQ_OK) << last_error();
  std::string text(needed, '\0');
  EXPECT_EQ(mq_plan_format_table(plan, flags, text.data(), needed, &needed), MQ_OK);
  text.resize(needed - 1);
  return text;
}

inline std::string report_table(const mq_report* report, uint32_t flags = 0) {
  uint64_t needed = 0;
  EXPECT_EQ(mq_report_format_table(report, flags, nullptr, 0, &needed), MQ_OK) << last_error();
  std::string text(needed, '\0');
  EXPECT_EQ(mq_report_format_table(report, flags, text.data(), needed, &needed), MQ_OK);
  text.resize(needed - 1);
  return text;
}

inline mq_plan_layer plan_layer(const mq_plan* plan, uint64_t index) {
  mq_plan_layer l{};
  l.struct_size = sizeof(l);
  EXPECT_EQ(mq_plan_get_layer(plan, index, &l), MQ_OK) << last_error();
  return l;
}

inline mq_report_layer report_layer(const mq_report* report, uint64_t index) {
  mq_report_layer l{};
  l.struct_size = sizeof(l);
  EXPECT_EQ(mq_report_get_layer(report, index, &l), MQ_OK) << last_error();
  return l;
}

// Owners that destroy their handle at scope exit.
struct PlanHandle {
  mq_plan* p = nullptr;
  PlanHandle() = default;
  PlanHandle(const PlanHandle&) = delete;
  PlanHandle& operator=(const PlanHandle&) = delete;
  ~PlanHandle() { mq_plan_destroy(p); }
};
struct ReportHandle {
  mq_report* r = nullptr;
  ReportHandle() = default;
  ReportHandle(const ReportHandle&) = delete;
  ReportHandle& operator=(const ReportHandle&) = delete;
  ~ReportHandle() { mq_report_destroy(r); }
};
struct ContextHandle {
  mq_context* c = nullptr;
  explicit ContextHandle(mq_context* context) : c(context) {}
  ContextHandle(const ContextHandle&) = delete;
  ContextHandle& operator=(const ContextHandle&) = delete;
  ~ContextHandle() { mq_context_destroy(c); }
};

}  // namespace mq::sched_test

#endif
