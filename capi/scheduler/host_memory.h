// Containers and handles on the context's allocator: everything the scheduler keeps (plans,
// reports, observers, their strings and tables) comes from the host's allocator callbacks when the
// context has them. Allocation failures throw std::bad_alloc, which api_call turns into
// MQ_ERR_OUT_OF_MEMORY; every owner here is RAII, so nothing leaks on the way out.
#ifndef MONOQUANT_CAPI_SCHEDULER_HOST_MEMORY_H
#define MONOQUANT_CAPI_SCHEDULER_HOST_MEMORY_H

#include <cstddef>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "capi/allocator.h"

namespace mq::capi::sched {

template <class T>
class HostAllocator {
 public:
  using value_type = T;

  explicit HostAllocator(const Allocator& a) : allocator_(a) {}
  template <class U>
  HostAllocator(const HostAllocator<U>& other) : allocator_(other.allocator()) {}  // NOLINT

  T* allocate(size_t n) {
    if (n > static_cast<size_t>(PTRDIFF_MAX) / sizeof(T)) throw std::bad_alloc();
    const size_t alignment = alignof(T) < sizeof(void*) ? sizeof(void*) : alignof(T);
    void* p = allocator_.allocate(n * sizeof(T), alignment);
    if (p == nullptr) throw std::bad_alloc();
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t /*n*/) { allocator_.release(p); }

  const Allocator& allocator() const { return allocator_; }

  template <class U>
  bool operator==(const HostAllocator<U>& o) const {
    return allocator_.alloc_fn == o.allocator().alloc_fn &&
           allocator_.free_fn == o.allocator().free_fn && allocator_.user == o.allocator().user;
  }
  template <class U>
  bool operator!=(const HostAllocator<U>& o) const {
    return !(*this == o);
  }

 private:
  Allocator allocator_;
};

template <class T>
using HostVector = std::vector<T, HostAllocator<T>>;
using HostString = std::basic_string<char, std::char_traits<char>, HostAllocator<char>>;

// A raw buffer of `bytes` bytes (at least 1) with the given alignment, released on destruction.
class HostBuffer {
 public:
  HostBuffer() = default;
  HostBuffer(const Allocator& a, size_t bytes, size_t alignment) : allocator_(a) {
    data_ = a.allocate(bytes == 0 ? 1 : bytes, alignment);
    if (data_ == nullptr) throw std::bad_alloc();
  }
  ~HostBuffer() { reset(); }
  HostBuffer(HostBuffer&& o) noexcept : allocator_(o.allocator_), data_(o.data_) {
    o.data_ = nullptr;
  }
  HostBuffer& operator=(HostBuffer&& o) noexcept {
    if (this != &o) {
      reset();
      allocator_ = o.allocator_;
      data_ = o.data_;
      o.data_ = nullptr;
    }
    return *this;
  }
  HostBuffer(const HostBuffer&) = delete;
  HostBuffer& operator=(const HostBuffer&) = delete;

  void reset() {
    if (data_ != nullptr) allocator_.release(data_);
    data_ = nullptr;
  }
  template <class T>
  T* as() const {
    return static_cast<T*>(data_);
  }
  void* get() const { return data_; }

 private:
  Allocator allocator_;
  void* data_ = nullptr;
};

// Creates a handle object in memory from `a`; the object must keep a copy of `a` as `allocator`.
template <class T, class... Args>
T* new_handle(const Allocator& a, Args&&... args) {
  void* memory = a.allocate(sizeof(T), alignof(T) < sizeof(void*) ? sizeof(void*) : alignof(T));
  if (memory == nullptr) throw std::bad_alloc();
  try {
    return new (memory) T(std::forward<Args>(args)...);
  } catch (...) {
    a.release(memory);
    throw;
  }
}

template <class T>
void delete_handle(T* handle) {
  if (handle == nullptr) return;
  const Allocator a = handle->allocator;
  handle->~T();
  a.release(handle);
}

inline HostString host_string(const Allocator& a, const char* text) {
  return HostString(text, HostAllocator<char>(a));
}

}  // namespace mq::capi::sched

#endif
