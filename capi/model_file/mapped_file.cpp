#include "capi/model_file/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include "capi/model_file/system_error.h"

namespace mq::model_file {
namespace {

// Closes the descriptor on every path out of open(); the mapping does not need it.
struct Descriptor {
  int fd;
  ~Descriptor() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

bool MappedFile::open(const char* path, std::string* error) {
  reset();
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, forever if none
  // comes; it changes nothing for the regular files that get past the checks below.
  Descriptor file{::open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)};
  if (file.fd < 0) {
    *error = describe_system_error("open", path, errno);
    return false;
  }
  struct stat status {};
  if (::fstat(file.fd, &status) != 0) {
    *error = describe_system_error("stat", path, errno);
    return false;
  }
  // A directory opens fine with O_RDONLY on Linux; a FIFO or device could block or never end.
  if (S_ISDIR(status.st_mode)) {
    *error = describe_system_error("read", path, EISDIR);
    return false;
  }
  if (!S_ISREG(status.st_mode)) {
    *error = std::string("cannot read '") + path + "': not a regular file";
    return false;
  }
  const auto file_size = static_cast<uint64_t>(status.st_size);
  if (file_size > SIZE_MAX) {
    *error = std::string("cannot map '") + path + "': the file is larger than the address space";
    return false;
  }
  device_ = static_cast<uint64_t>(status.st_dev);
  inode_ = static_cast<uint64_t>(status.st_ino);
  if (file_size == 0) return true;
  // MAP_PRIVATE: the mapping never writes back, even if a caller casts the const away.
  void* mapping =
      ::mmap(nullptr, static_cast<size_t>(file_size), PROT_READ, MAP_PRIVATE, file.fd, 0);
  if (mapping == MAP_FAILED) {
    *error = describe_system_error("map", path, errno);
    return false;
  }
  data_ = static_cast<const uint8_t*>(mapping);
  size_ = static_cast<size_t>(file_size);
  device_ = static_cast<uint64_t>(status.st_dev);
  inode_ = static_cast<uint64_t>(status.st_ino);
  return true;
}

void MappedFile::reset() {
  if (data_ != nullptr) {
    // munmap takes a non-const pointer; the pages were mapped read-only and stay so.
    ::munmap(const_cast<uint8_t*>(data_), size_);
  }
  data_ = nullptr;
  size_ = 0;
  device_ = 0;
  inode_ = 0;
}

}  // namespace mq::model_file
