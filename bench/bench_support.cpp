#include "bench_support.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>

namespace mq::bench {

const std::vector<MatrixSize>& llm_shapes() {
  static const std::vector<MatrixSize> shapes = {
      {4096, 4096}, {11008, 4096}, {4096, 11008}, {14336, 4096}, {1024, 1024}};
  return shapes;
}

std::string bench_name(const BenchId& id) {
  std::ostringstream o;
  o << id.family << "/" << id.mode << "/" << id.isa << "/" << id.size.rows << "x" << id.size.cols;
  if (id.group != 0) o << "/g" << id.group;
  if (id.batch != 0) o << "/m" << id.batch;
  o << "/t" << id.threads << "/" << (id.stream ? "stream" : "cached");
  return o.str();
}

size_t copies_for(size_t bytes, bool stream) {
  if (!stream) return 1;
  const size_t n = (kStreamBytes + bytes - 1) / bytes;
  return n < 2 ? 2 : n;
}

Measurement::Measurement(Traffic traffic, size_t footprint, bool stream, int threads)
    : ceiling_(traffic, threads, footprint, stream) {
  if (stream) SampledCeiling::warm_stream_buffer();
  start_ = std::chrono::steady_clock::now();
}

double Measurement::work_seconds() const {
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  return wall - excluded_seconds_;
}

void Measurement::after_iteration(benchmark::State& state) {
  const double work = work_seconds();
  // A short probe run samples once, at the end; otherwise the timer is paused only for a slice.
  if (work < SampledCeiling::kIntervalSeconds || !ceiling_.due(work)) return;
  state.PauseTiming();
  excluded_seconds_ += ceiling_.sample(work);
  state.ResumeTiming();
}

void Measurement::set_counters(benchmark::State& state, double bytes_per_iteration) {
  const double seconds = work_seconds();
  const double rate = bytes_per_iteration * static_cast<double>(state.iterations()) / seconds;
  const double ceiling = ceiling_.rate();
  state.counters["bytes_per_second"] = rate;
  state.counters["GBps"] = rate / 1e9;
  state.counters["ceiling_GBps"] = ceiling / 1e9;
  state.counters["ceiling_ratio"] = rate / ceiling;
}

void check(mq_status status, const char* what) {
  if (status == MQ_OK) return;
  const char* message = "";
  mq_last_error_message(&message);
  std::fprintf(stderr, "monoquant_bench: %s failed: %s\n", what, message);
  std::exit(1);  // NOLINT(concurrency-mt-unsafe): the benchmark's setup, on one thread
}

mq_context* make_context(kernels::Isa isa, int threads) {
  mq_context_options o{};
  o.struct_size = sizeof(o);
  o.isa = static_cast<mq_isa>(isa);
  o.num_threads = static_cast<uint32_t>(threads);
  mq_context* c = nullptr;
  check(mq_context_create(&o, &c), "mq_context_create");
  return c;
}

bool selects(kernels::Isa isa, mq_kernel_family family, size_t cols, size_t group,
             const char* name) {
  mq_context* c = make_context(isa, 1);
  const char* chosen = "";
  check(mq_context_kernel_name(c, family, cols, group, &chosen), "mq_context_kernel_name");
  mq_context_destroy(c);
  return std::string(chosen) == name;
}

AlignedBytes::AlignedBytes(size_t bytes) : data_(nullptr), size_(bytes) {
  void* p = nullptr;
  if (posix_memalign(&p, 64, bytes == 0 ? 64 : bytes) != 0) {
    std::fprintf(stderr, "monoquant_bench: cannot allocate %zu bytes\n", bytes);
    std::exit(1);  // NOLINT(concurrency-mt-unsafe): the benchmark's setup, on one thread
  }
  data_ = static_cast<uint8_t*>(p);
  std::memset(data_, 1, bytes);  // fault every page in before timing
}

AlignedBytes::~AlignedBytes() { std::free(data_); }

std::vector<float> bench_weights(size_t n, uint32_t seed) {
  std::vector<float> v(n);
  uint32_t s = seed * 2654435761U + 1;
  for (float& x : v) {
    float sum = 0;
    for (int i = 0; i < 4; ++i) {
      s ^= s << 13;
      s ^= s >> 17;
      s ^= s << 5;
      sum += static_cast<float>(s >> 8) * (1.0F / 16777216.0F);
    }
    x = (sum - 2.0F) * 1.7F;
  }
  return v;
}

}  // namespace mq::bench
