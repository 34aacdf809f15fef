// A std::pmr memory resource on a context's allocator, so that containers built by code that knows
// nothing of contexts (the model-file parser) still take their memory from the host's callbacks.
// Failure throws std::bad_alloc, which api_call turns into MQ_ERR_OUT_OF_MEMORY.
#ifndef MONOQUANT_CAPI_HOST_MEMORY_RESOURCE_H
#define MONOQUANT_CAPI_HOST_MEMORY_RESOURCE_H

#include <cstddef>
#include <memory_resource>
#include <new>

#include "capi/allocator.h"

namespace mq::capi {

class HostMemoryResource final : public std::pmr::memory_resource {
 public:
  explicit HostMemoryResource(const Allocator& allocator) : allocator_(allocator) {}

 private:
  void* do_allocate(size_t bytes, size_t alignment) override {
    if (alignment < sizeof(void*)) alignment = sizeof(void*);
    void* p = allocator_.allocate(bytes == 0 ? 1 : bytes, alignment);
    if (p == nullptr) throw std::bad_alloc();
    return p;
  }
  void do_deallocate(void* p, size_t /*bytes*/, size_t /*alignment*/) override {
    allocator_.release(p);
  }
  bool do_is_equal(const std::pmr::memory_resource& other) const noexcept override {
    return this == &other;
  }

  Allocator allocator_;
};

}  // namespace mq::capi

#endif
