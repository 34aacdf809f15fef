// `monoquant bench`: GEMV speed on packed INT4 weights (group 128, both compute modes) at a few
// model shapes, against the streaming read bandwidth the tool measures in the same run. "stream"
// rotates distinct copies of the weights over at least 256 MiB, so they come from memory; "cached"
// reuses one copy. A GEMV reads its packed weights once, so streaming GB/s near the read bandwidth
// (ratio near 1) means the kernel runs at the memory's speed. The bench/ binary (Google Benchmark)
// holds the full set; this is the quick look from the tool.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "commands.h"
#include "context_options.h"
#include "exit_codes.h"
#include "handles.h"
#include "read_bandwidth.h"
#include "tool_util.h"

namespace {

constexpr const char* kCommand = "monoquant bench";
constexpr uint64_t kGroup = 128;
constexpr uint64_t kMiB = uint64_t{1} << 20;

struct Shape {
  uint64_t rows;
  uint64_t cols;
};

struct BenchSettings {
  std::vector<Shape> shapes;
  uint64_t stream_bytes;  // the rotated copies cover at least this much
  double seconds_per_case;
  int bandwidth_passes;
};

BenchSettings settings_for(bool quick) {
  if (quick) return {{{1024, 1024}}, 16 * kMiB, 0.02, 2};
  return {{{4096, 4096}, {11008, 4096}}, 256 * kMiB, 0.5, 3};
}

// Canonical INT4 weights of any content (a GEMV's speed does not depend on the values): codes from
// a xorshift generator, scales in a small range. Quantizing real floats would cost seconds.
struct CanonicalInt4 {
  std::vector<uint8_t> codes;
  std::vector<float> scales;
};

CanonicalInt4 arbitrary_int4(const Shape& s) {
  CanonicalInt4 w;
  uint64_t codes_len = 0, scales_len = 0;
  mq_int4_buffer_sizes(s.rows, s.cols, kGroup, &codes_len, &scales_len, nullptr);
  w.codes.resize(codes_len);
  w.scales.resize(scales_len);
  uint64_t state = 0x9E3779B97F4A7C15ULL;
  for (uint8_t& c : w.codes) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    c = static_cast<uint8_t>(state >> 24);
  }
  for (size_t i = 0; i < w.scales.size(); ++i) w.scales[i] = 0.001F + 0.0001F * (i % 64);
  return w;
}

// Makes `copies` packed copies of the weights. Returns the exit code.
int pack_copies(mq_context* context, const Shape& s, const CanonicalInt4& w, uint64_t copies,
                std::vector<mq::tool::PackedPtr>* packed) {
  for (uint64_t i = 0; i < copies; ++i) {
    mq_packed_weights* p = nullptr;
    const mq_status status = mq_packed_create_from_int4(
        context, w.codes.data(), w.codes.size(), w.scales.data(), w.scales.size(), nullptr, 0,
        s.rows, s.cols, kGroup, MQ_SCHEME_SYMMETRIC, &p);
    if (status != MQ_OK) return mq::tool::fail(kCommand, status);
    packed->emplace_back(p);
  }
  return mq::tool::kExitOk;
}

// GEMVs per second, rotating over `count` of the copies until `seconds` have passed (after one
// untimed call per copy used, so that no first-touch cost is timed).
double gemvs_per_second(mq_context* context, const std::vector<mq::tool::PackedPtr>& packed,
                        size_t count, mq_compute_mode mode, const std::vector<float>& x,
                        std::vector<float>* y, double seconds) {
  for (size_t i = 0; i < count; ++i) {
    mq_gemv(context, packed[i].get(), mode, x.data(), x.size(), nullptr, 0, y->data(), y->size());
  }
  uint64_t calls = 0;
  const auto start = std::chrono::steady_clock::now();
  double elapsed = 0.0;
  do {
    mq_gemv(context, packed[calls % count].get(), mode, x.data(), x.size(), nullptr, 0, y->data(),
            y->size());
    ++calls;
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  } while (elapsed < seconds);
  return static_cast<double>(calls) / elapsed;
}

int bench_shape(mq_context* context, const Shape& s, const BenchSettings& settings,
                double read_bytes_per_second) {
  const CanonicalInt4 w = arbitrary_int4(s);
  std::vector<mq::tool::PackedPtr> packed;
  int code = pack_copies(context, s, w, 1, &packed);
  if (code != mq::tool::kExitOk) return code;
  mq_packed_info info{};
  info.struct_size = sizeof(info);
  const mq_status status = mq_packed_get_info(packed[0].get(), &info);
  if (status != MQ_OK) return mq::tool::fail(kCommand, status);
  const uint64_t copies =
      std::max<uint64_t>(2, (settings.stream_bytes + info.packed_bytes - 1) / info.packed_bytes);
  code = pack_copies(context, s, w, copies - 1, &packed);
  if (code != mq::tool::kExitOk) return code;

  std::vector<float> x(s.cols), y(s.rows);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i % 17) * 0.125F - 1.0F;
  const std::string shape = std::to_string(s.rows) + "x" + std::to_string(s.cols);
  for (const mq_compute_mode mode : {MQ_COMPUTE_F32, MQ_COMPUTE_INT8}) {
    const char* kernel = "?";
    mq_context_kernel_name(context, MQ_KERNEL_GEMV, s.cols, kGroup, &kernel);
    for (const bool stream : {true, false}) {
      const double rate = gemvs_per_second(context, packed, stream ? packed.size() : 1, mode, x, &y,
                                           settings.seconds_per_case);
      const double bytes_per_second = rate * static_cast<double>(info.packed_bytes);
      std::printf("  %-11s int4 g%-4llu %-5s %-7s %-12s %10.1f %8.2f %7.2f\n", shape.c_str(),
                  static_cast<unsigned long long>(kGroup), mode == MQ_COMPUTE_F32 ? "f32" : "int8",
                  stream ? "stream" : "cached", kernel, 1e6 / rate, bytes_per_second / 1e9,
                  bytes_per_second / read_bytes_per_second);
    }
  }
  return mq::tool::kExitOk;
}

}  // namespace

int run_bench_command(int argc, char** argv) {
  CLI::App app{
      "GEMV speed on packed INT4 weights against the read bandwidth measured in the same run",
      "monoquant bench"};
  app.footer(mq::tool::exit_code_help());
  bool quick = false;
  mq::tool::ContextSettings context_settings;
  app.add_flag("--quick", quick, "one small shape over 16 MiB, briefly: proves it runs (tests)");
  mq::tool::add_context_options(app, &context_settings);
  int exit_code = 0;
  if (!mq::tool::parse_command_line(app, argc, argv, &exit_code)) return exit_code;
  mq::tool::ContextPtr context;
  exit_code = mq::tool::create_context(kCommand, context_settings, &context);
  if (exit_code != mq::tool::kExitOk) return exit_code;

  const BenchSettings settings = settings_for(quick);
  // The read loop runs on as many threads as the GEMVs (0 = one per CPU, as the pool does).
  const uint32_t threads = context_settings.threads != 0
                               ? context_settings.threads
                               : std::max(1U, std::thread::hardware_concurrency());
  const double read =
      mq::tool::measure_read_bandwidth(settings.stream_bytes, threads, settings.bandwidth_passes);
  std::printf(
      "read bandwidth: %.2f GB/s (streaming read of %s, best of %d passes, %u thread(s))\n\n",
      read / 1e9, mq::tool::format_bytes(settings.stream_bytes).c_str(), settings.bandwidth_passes,
      threads);
  std::printf("  %-11s %-10s %-5s %-7s %-12s %10s %8s %7s\n", "gemv", "format", "mode", "weights",
              "kernel", "us/call", "GB/s", "ratio");
  for (const Shape& s : settings.shapes) {
    exit_code = bench_shape(context.get(), s, settings, read);
    if (exit_code != mq::tool::kExitOk) return exit_code;
  }
  std::printf(
      "\nGB/s counts the packed weights' bytes (codes and scales) a GEMV reads; ratio = GB/s / "
      "read "
      "bandwidth. stream: distinct copies over %s (from memory); cached: one copy.\n",
      mq::tool::format_bytes(settings.stream_bytes).c_str());
  return mq::tool::kExitOk;
}
