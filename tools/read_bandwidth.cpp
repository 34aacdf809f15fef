#include "read_bandwidth.h"

#include <algorithm>
#include <chrono>
#include <thread>
#include <vector>

namespace mq::tool {

namespace {

// Four independent sums, so that the loop is bound by the loads, not by one addition chain.
uint64_t sum_words(const uint64_t* words, uint64_t count) {
  uint64_t a = 0, b = 0, c = 0, d = 0;
  uint64_t i = 0;
  for (; i + 4 <= count; i += 4) {
    a += words[i];
    b += words[i + 1];
    c += words[i + 2];
    d += words[i + 3];
  }
  for (; i < count; ++i) a += words[i];
  return a + b + c + d;
}

}  // namespace

double measure_read_bandwidth(uint64_t bytes, uint32_t threads, int passes) {
  const uint64_t words = std::max<uint64_t>(bytes / sizeof(uint64_t), 1);
  threads = std::max<uint32_t>(threads, 1);
  // Written once so that every page is committed before anything is timed.
  std::vector<uint64_t> buffer(words);
  for (uint64_t i = 0; i < words; ++i) buffer[i] = i;
  std::vector<uint64_t> sums(threads);
  const uint64_t slice = (words + threads - 1) / threads;
  double best = 0.0;
  for (int pass = 0; pass < passes; ++pass) {
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    for (uint32_t t = 1; t < threads; ++t) {
      const uint64_t begin = std::min<uint64_t>(t * slice, words);
      const uint64_t end = std::min<uint64_t>(begin + slice, words);
      pool.emplace_back([&, t, begin, end] { sums[t] += sum_words(&buffer[begin], end - begin); });
    }
    sums[0] += sum_words(buffer.data(), std::min<uint64_t>(slice, words));
    for (std::thread& th : pool) th.join();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    best = std::max(best, static_cast<double>(words * sizeof(uint64_t)) / seconds);
  }
  // The sums feed a volatile store: the compiler must perform every read.
  volatile uint64_t sink = 0;
  for (const uint64_t s : sums) sink = sink + s;
  return best;
}

}  // namespace mq::tool
