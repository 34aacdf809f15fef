// The bandwidth ceilings themselves, as benchmarks, so that every run's output shows the figures
// its ratios were divided by.
#include "bench_support.h"

namespace mq::bench {

void register_bandwidth_benchmarks() {
  const std::vector<std::pair<const char*, size_t>> sizes = {{"1MiB", size_t{1} << 20},
                                                             {"8MiB", size_t{8} << 20},
                                                             {"32MiB", size_t{32} << 20},
                                                             {"stream", kStreamBytes}};
  for (const Traffic traffic : {Traffic::read, Traffic::write}) {
    for (const auto& [label, bytes] : sizes) {
      for (const int threads : {1, 2}) {
        const std::string name = std::string("bandwidth/") +
                                 (traffic == Traffic::read ? "read/" : "write/") + label + "/t" +
                                 std::to_string(threads);
        const size_t b = bytes;
        benchmark::RegisterBenchmark(name.c_str(), [=](benchmark::State& state) {
          double rate = 0;
          for (auto _ : state) rate = bandwidth(traffic, b, threads);
          state.counters["GBps"] = rate / 1e9;
        })->Iterations(1);
      }
    }
  }
}

}  // namespace mq::bench
