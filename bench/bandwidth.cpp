#include "bandwidth.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <thread>
#include <tuple>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
#elif defined(__aarch64__)
#include <arm_neon.h>
#endif

namespace mq::bench {
namespace {

// ---- the widest streaming loops this CPU runs (target attributes: this is the benchmark, not the
// library, so per-function targets are enough) ----
#if defined(__x86_64__)
__attribute__((target("avx512f"))) uint64_t read_avx512(const uint8_t* p, size_t n) {
  __m512i a0 = _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0;
  for (size_t i = 0; i + 256 <= n; i += 256) {
    a0 = _mm512_xor_si512(a0, _mm512_load_si512(p + i));
    a1 = _mm512_xor_si512(a1, _mm512_load_si512(p + i + 64));
    a2 = _mm512_xor_si512(a2, _mm512_load_si512(p + i + 128));
    a3 = _mm512_xor_si512(a3, _mm512_load_si512(p + i + 192));
  }
  const __m512i x = _mm512_xor_si512(_mm512_xor_si512(a0, a1), _mm512_xor_si512(a2, a3));
  alignas(64) uint64_t lanes[8];
  _mm512_store_si512(lanes, x);  // (_mm512_reduce_* trips a GCC 12 -Wuninitialized false positive)
  return lanes[0] ^ lanes[7];
}
__attribute__((target("avx2"))) uint64_t read_avx2(const uint8_t* p, size_t n) {
  __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
  for (size_t i = 0; i + 128 <= n; i += 128) {
    a0 = _mm256_xor_si256(a0, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + i)));
    a1 = _mm256_xor_si256(a1, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + i + 32)));
    a2 = _mm256_xor_si256(a2, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + i + 64)));
    a3 = _mm256_xor_si256(a3, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + i + 96)));
  }
  const __m256i x = _mm256_xor_si256(_mm256_xor_si256(a0, a1), _mm256_xor_si256(a2, a3));
  return static_cast<uint64_t>(_mm256_extract_epi64(x, 0) ^ _mm256_extract_epi64(x, 3));
}
__attribute__((target("avx512f"))) void write_avx512(uint8_t* p, size_t n, bool nontemporal) {
  const __m512i v = _mm512_set1_epi32(0x3F800000);
  if (nontemporal) {
    for (size_t i = 0; i + 64 <= n; i += 64)
      _mm512_stream_si512(reinterpret_cast<__m512i*>(p + i), v);
    _mm_sfence();
  } else {
    for (size_t i = 0; i + 64 <= n; i += 64) _mm512_store_si512(p + i, v);
  }
}
__attribute__((target("avx2"))) void write_avx2(uint8_t* p, size_t n, bool nontemporal) {
  const __m256i v = _mm256_set1_epi32(0x3F800000);
  if (nontemporal) {
    for (size_t i = 0; i + 32 <= n; i += 32)
      _mm256_stream_si256(reinterpret_cast<__m256i*>(p + i), v);
    _mm_sfence();
  } else {
    for (size_t i = 0; i + 32 <= n; i += 32)
      _mm256_store_si256(reinterpret_cast<__m256i*>(p + i), v);
  }
}
#endif

uint64_t read_generic(const uint8_t* p, size_t n) {
  uint64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  for (size_t i = 0; i + 32 <= n; i += 32) {
    uint64_t v[4];
    std::memcpy(v, p + i, 32);
    a0 ^= v[0];
    a1 ^= v[1];
    a2 ^= v[2];
    a3 ^= v[3];
  }
  return a0 ^ a1 ^ a2 ^ a3;
}

uint64_t read_best(const uint8_t* p, size_t n) {
#if defined(__x86_64__)
  if (__builtin_cpu_supports("avx512f")) return read_avx512(p, n);
  if (__builtin_cpu_supports("avx2")) return read_avx2(p, n);
#endif
  return read_generic(p, n);
}

void write_best(uint8_t* p, size_t n, bool nontemporal) {
#if defined(__x86_64__)
  if (__builtin_cpu_supports("avx512f")) return write_avx512(p, n, nontemporal);
  if (__builtin_cpu_supports("avx2")) return write_avx2(p, n, nontemporal);
#endif
  (void)nontemporal;
  std::memset(p, 1, n);
}

// The buffer a ceiling is measured on: from memory for streamed operands, otherwise the operand's
// own footprint (rounded to whole pages). Rounding up to a power of two would be wrong: a 24 MiB
// matrix that fits in the cache would be judged against a 32 MiB buffer that does not.
size_t footprint_class(size_t bytes) {
  if (bytes >= kStreamBytes) return kStreamBytes * 2;
  constexpr size_t kPage = 4096;
  return (bytes + kPage - 1) / kPage * kPage;
}

volatile uint64_t g_sink;

double measure(Traffic traffic, size_t bytes, int threads, bool nontemporal) {
  const size_t per_thread = (bytes / static_cast<size_t>(threads)) & ~size_t{255};
  void* memory = nullptr;
  if (posix_memalign(&memory, 4096, per_thread * static_cast<size_t>(threads)) != 0) return 0;
  auto* base = static_cast<uint8_t*>(memory);
  std::memset(base, 1, per_thread * static_cast<size_t>(threads));  // fault every page in
  // About 1 GiB of traffic per repetition, so that one lasts several milliseconds even in L1.
  const size_t passes = std::max<size_t>(1, (size_t{1} << 30) / (per_thread * threads));
  std::vector<double> rates;
  for (int rep = 0; rep < 7; ++rep) {
    // Threads are started first and released together by `go`, so thread creation is not timed;
    // a repetition lasts from the release until the last thread is done.
    std::atomic<bool> go{false};
    std::vector<std::chrono::steady_clock::time_point> ends(static_cast<size_t>(threads));
    std::vector<std::thread> workers;
    workers.reserve(static_cast<size_t>(threads));
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&, t] {
        while (!go.load(std::memory_order_acquire)) {
        }
        uint8_t* p = base + static_cast<size_t>(t) * per_thread;
        uint64_t acc = 0;
        for (size_t pass = 0; pass < passes; ++pass) {
          if (traffic == Traffic::read) {
            acc ^= read_best(p, per_thread);
          } else {
            write_best(p, per_thread, nontemporal);
          }
        }
        g_sink = acc;
        ends[static_cast<size_t>(t)] = std::chrono::steady_clock::now();
      });
    }
    const auto start = std::chrono::steady_clock::now();
    go.store(true, std::memory_order_release);
    for (std::thread& w : workers) w.join();
    const auto last = *std::max_element(ends.begin(), ends.end());
    const double seconds = std::chrono::duration<double>(last - start).count();
    rates.push_back(static_cast<double>(per_thread) * threads * passes / seconds);
  }
  std::free(memory);
  std::sort(rates.begin(), rates.end());
  return rates[rates.size() / 2];
}

}  // namespace

double bandwidth(Traffic traffic, size_t footprint_bytes, int threads) {
  // A measurement is reused for a few seconds only: on a shared machine the bandwidth drifts, and a
  // ceiling taken minutes before a kernel ran would turn the drift into the ratio.
  constexpr double kMaxAgeSeconds = 3.0;
  struct Entry {
    double rate;
    std::chrono::steady_clock::time_point when;
  };
  static std::mutex mutex;
  static std::map<std::tuple<int, size_t, int>, Entry> cache;
  const size_t bytes = footprint_class(footprint_bytes);
  const auto key = std::make_tuple(static_cast<int>(traffic), bytes, threads);
  const std::lock_guard<std::mutex> lock(mutex);
  const auto now = std::chrono::steady_clock::now();
  const auto it = cache.find(key);
  if (it != cache.end() &&
      std::chrono::duration<double>(now - it->second.when).count() < kMaxAgeSeconds) {
    return it->second.rate;
  }
  double rate = measure(traffic, bytes, threads, false);
  // A write ceiling is the better of plain and non-temporal stores: a kernel may use either.
  if (traffic == Traffic::write) rate = std::max(rate, measure(traffic, bytes, threads, true));
  cache[key] = {rate, std::chrono::steady_clock::now()};
  return rate;
}

}  // namespace mq::bench
