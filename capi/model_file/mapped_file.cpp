#include "capi/model_file/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

namespace mq::model_file {
namespace {

// strerror is not thread-safe; strerror_r comes in two flavours (XSI returns int, GNU returns the
// message pointer). These overloads accept either.
[[maybe_unused]] const char* strerror_result(int rc, const char* buffer) {
  return rc == 0 ? buffer : "unknown error";
}
[[maybe_unused]] const char* strerror_result(const char* message, const char* /*buffer*/) {
  return message;
}

std::string describe(const char* what, const char* path, int error_number) {
  char buffer[128] = "";
  const char* reason = strerror_result(strerror_r(error_number, buffer, sizeof buffer), buffer);
  return std::string("cannot ") + what + " '" + path + "': " + reason;
}

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
    *error = describe("open", path, errno);
    return false;
  }
  struct stat status {};
  if (::fstat(file.fd, &status) != 0) {
    *error = describe("stat", path, errno);
    return false;
  }
  // A directory opens fine with O_RDONLY on Linux; a FIFO or device could block or never end.
  if (S_ISDIR(status.st_mode)) {
    *error = describe("read", path, EISDIR);
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
  if (file_size == 0) return true;
  // MAP_PRIVATE: the mapping never writes back, even if a caller casts the const away.
  void* mapping =
      ::mmap(nullptr, static_cast<size_t>(file_size), PROT_READ, MAP_PRIVATE, file.fd, 0);
  if (mapping == MAP_FAILED) {
    *error = describe("map", path, errno);
    return false;
  }
  data_ = static_cast<const uint8_t*>(mapping);
  size_ = static_cast<size_t>(file_size);
  return true;
}

void MappedFile::reset() {
  if (data_ != nullptr) {
    // munmap takes a non-const pointer; the pages were mapped read-only and stay so.
    ::munmap(const_cast<uint8_t*>(data_), size_);
  }
  data_ = nullptr;
  size_ = 0;
}

}  // namespace mq::model_file
