#include "capi/allocator.h"

#include <cstdlib>

namespace mq::capi {

void* Allocator::allocate(size_t size, size_t alignment) const {
  if (alloc_fn != nullptr) return alloc_fn(user, size, alignment);
  if (alignment < sizeof(void*)) alignment = sizeof(void*);
#if defined(_WIN32)
  return _aligned_malloc(size, alignment);
#else
  void* pointer = nullptr;
  if (posix_memalign(&pointer, alignment, size) != 0) return nullptr;
  return pointer;
#endif
}

void Allocator::release(void* pointer) const {
  if (pointer == nullptr) return;
  if (free_fn != nullptr) {
    free_fn(user, pointer);
    return;
  }
#if defined(_WIN32)
  _aligned_free(pointer);
#else
  std::free(pointer);
#endif
}

}  // namespace mq::capi
