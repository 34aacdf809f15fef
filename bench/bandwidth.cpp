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
// Reads walk two halves of the range at once: one core streamed 3-5% faster from memory that way
// than with one stream (measured side by side; software prefetching of either kind did not help).
#if defined(__x86_64__)
__attribute__((target("avx512f"))) uint64_t read_avx512(const uint8_t* p, size_t n) {
  __m512i a0 = _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0;
  const size_t half = n / 2 / 128 * 128;
  const uint8_t* q = p + half;
  for (size_t i = 0; i < half; i += 128) {
    a0 = _mm512_xor_si512(a0, _mm512_load_si512(p + i));
    a1 = _mm512_xor_si512(a1, _mm512_load_si512(p + i + 64));
    a2 = _mm512_xor_si512(a2, _mm512_load_si512(q + i));
    a3 = _mm512_xor_si512(a3, _mm512_load_si512(q + i + 64));
  }
  const __m512i x = _mm512_xor_si512(_mm512_xor_si512(a0, a1), _mm512_xor_si512(a2, a3));
  alignas(64) uint64_t lanes[8];
  _mm512_store_si512(lanes, x);  // (_mm512_reduce_* trips a GCC 12 -Wuninitialized false positive)
  return lanes[0] ^ lanes[7];
}
__attribute__((target("avx2"))) uint64_t read_avx2(const uint8_t* p, size_t n) {
  __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
  const size_t half = n / 2 / 64 * 64;
  const uint8_t* q = p + half;
  for (size_t i = 0; i < half; i += 64) {
    a0 = _mm256_xor_si256(a0, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + i)));
    a1 = _mm256_xor_si256(a1, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + i + 32)));
    a2 = _mm256_xor_si256(a2, _mm256_load_si256(reinterpret_cast<const __m256i*>(q + i)));
    a3 = _mm256_xor_si256(a3, _mm256_load_si256(reinterpret_cast<const __m256i*>(q + i + 32)));
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

// One timed pass set: `threads` threads each stream their share of [base, base + bytes) `passes`
// times. Threads are started first and released together, so thread creation is not timed; the
// pass lasts from the release until the last thread is done. Returns bytes per second.
double timed_passes(Traffic traffic, uint8_t* base, size_t bytes, int threads, size_t passes,
                    bool nontemporal) {
  const size_t per_thread = (bytes / static_cast<size_t>(threads)) & ~size_t{255};
  std::atomic<bool> go{false};
  std::vector<std::chrono::steady_clock::time_point> ends(static_cast<size_t>(threads));
  const auto work = [&](int t) {
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
  };
  std::vector<std::thread> workers;
  workers.reserve(static_cast<size_t>(threads) - 1);
  for (int t = 1; t < threads; ++t) workers.emplace_back(work, t);
  const auto start = std::chrono::steady_clock::now();
  go.store(true, std::memory_order_release);
  work(0);  // the calling thread is thread 0: one thread needs no thread start at all
  for (std::thread& w : workers) w.join();
  const auto last = *std::max_element(ends.begin(), ends.end());
  const double seconds = std::chrono::duration<double>(last - start).count();
  return static_cast<double>(per_thread) * threads * passes / seconds;
}

double measure(Traffic traffic, size_t bytes, int threads, bool nontemporal) {
  void* memory = nullptr;
  if (posix_memalign(&memory, 4096, bytes) != 0) return 0;
  auto* base = static_cast<uint8_t*>(memory);
  std::memset(base, 1, bytes);  // fault every page in
  // About 1 GiB of traffic per repetition, so that one lasts several milliseconds even in L1.
  const size_t passes = std::max<size_t>(1, (size_t{1} << 30) / bytes);
  std::vector<double> rates(7);
  for (double& rate : rates)
    rate = timed_passes(traffic, base, bytes, threads, passes, nontemporal);
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

// The buffer every stream slice reads through, made once per process (faulting in 512 MiB takes a
// tenth of a second; once per benchmark would add up).
uint8_t* SampledCeiling::stream_buffer() {
  static uint8_t* const memory = [] {
    void* p = nullptr;
    if (posix_memalign(&p, 4096, kBufferBytes) != 0) return static_cast<uint8_t*>(nullptr);
    std::memset(p, 1, kBufferBytes);
    return static_cast<uint8_t*>(p);
  }();
  return memory;
}

void SampledCeiling::warm_stream_buffer() {
  uint8_t* base = stream_buffer();
  if (base != nullptr) g_sink = read_best(base, kBufferBytes);
}

SampledCeiling::SampledCeiling(Traffic traffic, int threads, size_t footprint, bool stream)
    : traffic_(traffic), threads_(threads), stream_(stream) {
  if (stream) return;
  own_bytes_ = footprint_class(footprint);
  void* p = nullptr;
  if (posix_memalign(&p, 4096, own_bytes_) != 0) return;
  own_ = static_cast<uint8_t*>(p);
  std::memset(own_, 1, own_bytes_);  // fault every page in
}

SampledCeiling::~SampledCeiling() { std::free(own_); }

double SampledCeiling::sample(double work_seconds) {
  work_at_last_ = work_seconds;
  const auto start = std::chrono::steady_clock::now();
  // The library's pool workers spin and then yield for up to a few milliseconds after a call; a
  // slice running beside them would measure two of its threads sharing one core. Let them sleep.
  if (threads_ > 1) std::this_thread::sleep_for(std::chrono::milliseconds(kSettleMilliseconds));
  if (stream_) {
    sample_stream();
  } else {
    sample_cached();
  }
  ++slices_;
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void SampledCeiling::sample_stream() {
  uint8_t* base = stream_buffer();
  if (base == nullptr) return;
  uint8_t* region = base + offset_;
  offset_ = (offset_ + kSliceBytes) % kBufferBytes;
  constexpr auto kSlice = static_cast<double>(kSliceBytes);
  if (traffic_ == Traffic::read) {
    add(plain_, timed_passes(traffic_, region, kSliceBytes, threads_, 1, false), kSlice);
  } else {
    // A write ceiling is the better of plain and non-temporal stores: a kernel may use either.
    add(plain_, timed_passes(traffic_, region, kSliceBytes / 2, threads_, 1, false), kSlice / 2);
    add(nontemporal_,
        timed_passes(traffic_, region + kSliceBytes / 2, kSliceBytes / 2, threads_, 1, true),
        kSlice / 2);
  }
}

void SampledCeiling::sample_cached() {
  if (own_ == nullptr) return;
  const size_t passes = std::max<size_t>(1, kCachedSliceBytes / own_bytes_);
  const double bytes = static_cast<double>(own_bytes_) * static_cast<double>(passes);
  timed_passes(traffic_, own_, own_bytes_, threads_, 2, false);  // back into the cache, untimed
  add(plain_, timed_passes(traffic_, own_, own_bytes_, threads_, passes, false), bytes);
  if (traffic_ == Traffic::write) {
    // Non-temporal stores leave the buffer in memory: the next slice's untimed pass brings it back.
    add(nontemporal_, timed_passes(traffic_, own_, own_bytes_, threads_, passes, true), bytes);
  }
}

void SampledCeiling::add(Sum& sum, double rate, double bytes) {
  if (rate <= 0) return;
  sum.bytes += bytes;
  sum.seconds += bytes / rate;
}

double SampledCeiling::rate() {
  if (slices_ == 0) sample(0);
  const auto of = [](const Sum& s) { return s.seconds > 0 ? s.bytes / s.seconds : 0.0; };
  return std::max(of(plain_), of(nontemporal_));
}

}  // namespace mq::bench
