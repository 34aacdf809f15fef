// Helpers for the public-API tests: the last error message, output buffers that detect writes, and
// contexts on a host executor.
#ifndef MONOQUANT_TESTS_API_API_TEST_UTIL_H
#define MONOQUANT_TESTS_API_API_TEST_UTIL_H

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "monoquant/monoquant.h"

namespace mq::test {

inline std::string last_error() {
  const char* message = nullptr;
  if (mq_last_error_message(&message) != MQ_OK) return "<mq_last_error_message failed>";
  return message;
}

// A typed output buffer pre-filled with a pattern, so a test can assert that a failed call wrote
// nothing.
template <class T>
struct Canary {
  explicit Canary(size_t n) : data(n) { std::memset(data.data(), 0xCD, n * sizeof(T)); }
  T* ptr() { return data.data(); }
  uint64_t len() const { return data.size(); }
  bool untouched() const {
    const auto* b = reinterpret_cast<const uint8_t*>(data.data());
    for (size_t i = 0; i < data.size() * sizeof(T); ++i) {
      if (b[i] != 0xCD) return false;
    }
    return true;
  }
  bool all_zero() const {
    const auto* b = reinterpret_cast<const uint8_t*>(data.data());
    for (size_t i = 0; i < data.size() * sizeof(T); ++i) {
      if (b[i] != 0) return false;
    }
    return true;
  }
  std::vector<T> data;
};

// Expects `status` and a message containing `fragment` (which names the entry point and the
// argument).
#define MQ_EXPECT_FAILS(call, status, fragment)                                     \
  do {                                                                              \
    EXPECT_EQ((call), (status)) << #call;                                           \
    EXPECT_NE(::mq::test::last_error().find(fragment), std::string::npos)           \
        << "message: " << ::mq::test::last_error() << "\nexpected: " << (fragment); \
  } while (0)

// A context whose work runs on the host executor `fn` (with `user`), sized for `threads` tasks at
// once; nullptr (and a test failure) if it cannot be made.
inline mq_context* host_executor_context(mq_parallel_for_fn fn, void* user, uint32_t threads) {
  mq_context_options o{};
  o.struct_size = sizeof(o);
  o.parallel_for_fn = fn;
  o.executor_user = user;
  o.executor_threads = threads;
  mq_context* c = nullptr;
  EXPECT_EQ(mq_context_create(&o, &c), MQ_OK) << last_error();
  return c;
}

}  // namespace mq::test

#endif
