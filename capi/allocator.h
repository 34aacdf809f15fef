// The memory source of a context: the host's allocator callbacks, or aligned malloc.
#ifndef MONOQUANT_CAPI_ALLOCATOR_H
#define MONOQUANT_CAPI_ALLOCATOR_H

#include <cstddef>

#include "monoquant/monoquant.h"

namespace mq::capi {

struct Allocator {
  mq_alloc_fn alloc_fn = nullptr;  // both null = the built-in aligned malloc
  mq_free_fn free_fn = nullptr;
  void* user = nullptr;

  // Returns null on failure (never throws). `alignment` is a power of two <= 4096.
  void* allocate(size_t size, size_t alignment) const;
  void release(void* pointer) const;
};

// A buffer owned for the duration of a call, from an Allocator.
class ScopedBuffer {
 public:
  ScopedBuffer(const Allocator& allocator, size_t size, size_t alignment)
      : allocator_(allocator), data_(allocator.allocate(size == 0 ? 1 : size, alignment)) {}
  ~ScopedBuffer() {
    if (data_ != nullptr) allocator_.release(data_);
  }
  ScopedBuffer(const ScopedBuffer&) = delete;
  ScopedBuffer& operator=(const ScopedBuffer&) = delete;

  void* get() const { return data_; }

 private:
  const Allocator& allocator_;
  void* data_;
};

}  // namespace mq::capi

#endif
