// A buffer that ends exactly at a page boundary followed by an inaccessible guard page (mmap +
// mprotect), so that reading or writing one byte past its end faults. Used to prove that kernels
// never touch memory outside the caller's buffers, for every tail length.
#ifndef MONOQUANT_TESTS_SUPPORT_GUARDED_BUFFER_H
#define MONOQUANT_TESTS_SUPPORT_GUARDED_BUFFER_H

#include <cstddef>
#include <cstring>

namespace mq::test {

class GuardedBuffer {
 public:
  // `bytes` usable bytes, the last of which is immediately followed by the guard page. With
  // guard_front, a guard page also precedes the first byte's page (catching under-reads when the
  // buffer starts at a page boundary, that is when bytes is a multiple of the page size).
  // With alignment > 1 the start is aligned down to it, leaving fewer than `alignment` unguarded
  // bytes after the end (for buffers whose interface promises an alignment, like packed weights).
  explicit GuardedBuffer(size_t bytes, bool guard_front = true, size_t alignment = 1);
  ~GuardedBuffer();
  GuardedBuffer(const GuardedBuffer&) = delete;
  GuardedBuffer& operator=(const GuardedBuffer&) = delete;

  void* data() const { return data_; }
  size_t size() const { return bytes_; }
  template <class T>
  T* as() const {
    return static_cast<T*>(data_);
  }
  void fill(const void* src, size_t n) { std::memcpy(data_, src, n); }

 private:
  void* mapping_ = nullptr;
  size_t mapping_bytes_ = 0;
  void* data_ = nullptr;
  size_t bytes_ = 0;
};

}  // namespace mq::test

#endif
