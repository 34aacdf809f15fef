// monoquant_bench: every kernel benchmark in one Google Benchmark binary. Benchmarks are generated
// from the kernel lists, so a new variant is measured without anyone registering it.
//   monoquant_bench --benchmark_filter='gemv/int8/.*/4096x4096/.*/t1/stream'
#include <benchmark/benchmark.h>

namespace mq::bench {
void register_bandwidth_benchmarks();
void register_gemv_benchmarks();
void register_elementwise_benchmarks();
}  // namespace mq::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  mq::bench::register_bandwidth_benchmarks();
  mq::bench::register_gemv_benchmarks();
  mq::bench::register_elementwise_benchmarks();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
