// The first data error that any task of a parallel call found, in row-major order, so that the
// message names the same element whatever the thread count.
#ifndef MONOQUANT_CAPI_FIRST_ERROR_H
#define MONOQUANT_CAPI_FIRST_ERROR_H

#include <cstddef>
#include <cstdint>
#include <mutex>

namespace mq::capi {

class FirstError {
 public:
  // Tasks call this at most once each, on their first failure; the lock is taken only then.
  void record(size_t index, int kind) {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (index < index_) {
      index_ = index;
      kind_ = kind;
    }
  }
  bool failed() const { return index_ != SIZE_MAX; }
  size_t index() const { return index_; }
  int kind() const { return kind_; }

 private:
  std::mutex mutex_;
  size_t index_ = SIZE_MAX;
  int kind_ = 0;
};

}  // namespace mq::capi

#endif
