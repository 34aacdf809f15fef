#include "support/guarded_buffer.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <stdexcept>

namespace mq::test {

GuardedBuffer::GuardedBuffer(size_t bytes, bool guard_front, size_t alignment) : bytes_(bytes) {
  const auto page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  const size_t reserved = (bytes + alignment - 1) / alignment * alignment;
  const size_t data_pages = (reserved + page - 1) / page;
  const size_t front = guard_front ? 1 : 0;
  mapping_bytes_ = (front + data_pages + 1) * page;
  mapping_ = mmap(nullptr, mapping_bytes_, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapping_ == MAP_FAILED) throw std::runtime_error("mmap failed");
  auto* base = static_cast<uint8_t*>(mapping_);
  uint8_t* usable = base + front * page;
  if (data_pages > 0 && mprotect(usable, data_pages * page, PROT_READ | PROT_WRITE) != 0) {
    throw std::runtime_error("mprotect failed");
  }
  // The data ends where the trailing guard page begins.
  data_ = usable + data_pages * page - reserved;
}

GuardedBuffer::~GuardedBuffer() {
  if (mapping_ != nullptr && mapping_ != MAP_FAILED) munmap(mapping_, mapping_bytes_);
}

}  // namespace mq::test
