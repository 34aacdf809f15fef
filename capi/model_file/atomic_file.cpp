#include "capi/model_file/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>

#include "capi/model_file/system_error.h"

namespace mq::model_file {
namespace {

// New files get the usual 0666 minus the umask, as any other file the program creates would.
constexpr mode_t kFileMode = 0666;
constexpr int kNameAttempts = 100;

std::string directory_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string base_name_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// A name no other writer (thread or process) picks at the same moment: pid, a process-wide
// counter and the clock.
std::string unique_hidden_name(const std::string& path) {
  static std::atomic<uint64_t> counter{0};
  const auto ticks =
      static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  std::string dir = directory_of(path);
  return dir + "/." + base_name_of(path) + ".monoquant-" + std::to_string(::getpid()) + "-" +
         std::to_string(counter.fetch_add(1)) + "-" + std::to_string(ticks % 1000000007U);
}

bool sync_directory(const std::string& directory, std::string* error) {
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    *error = describe_system_error("open the directory", directory, errno);
    return false;
  }
  const bool synced = ::fsync(fd) == 0 || errno == EINVAL;  // some filesystems cannot sync dirs
  const int sync_errno = errno;
  ::close(fd);
  if (!synced) *error = describe_system_error("flush the directory", directory, sync_errno);
  return synced;
}

}  // namespace

bool AtomicFile::open(const std::string& path, std::string* error) {
  discard();
  path_ = path;
  directory_ = directory_of(path);
  if (base_name_of(path).empty()) {
    *error = "cannot write '" + path + "': the path names a directory, not a file";
    return false;
  }
  fd_ = ::open(directory_.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, kFileMode);
  if (fd_ >= 0) return true;
  // EOPNOTSUPP / EISDIR / EINVAL: a filesystem or kernel without O_TMPFILE. Anything else (the
  // directory is missing or not writable) fails the same way below, with the clearer message.
  for (int attempt = 0; attempt < kNameAttempts; ++attempt) {
    const std::string name = unique_hidden_name(path);
    fd_ = ::open(name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, kFileMode);
    if (fd_ >= 0) {
      temporary_ = name;
      return true;
    }
    if (errno != EEXIST) break;
  }
  *error = describe_system_error("create a file in the directory of", path, errno);
  return false;
}

bool AtomicFile::write(const void* data, size_t size, std::string* error) {
  const auto* bytes = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd_, bytes, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      *error = describe_system_error("write", path_, errno);
      return false;
    }
    bytes += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

bool AtomicFile::link_temporary(std::string* error) {
  // linkat through /proc gives the unnamed file a name without privileges (AT_EMPTY_PATH would
  // need CAP_DAC_READ_SEARCH).
  const std::string self = "/proc/self/fd/" + std::to_string(fd_);
  for (int attempt = 0; attempt < kNameAttempts; ++attempt) {
    const std::string name = unique_hidden_name(path_);
    if (::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, name.c_str(), AT_SYMLINK_FOLLOW) == 0) {
      temporary_ = name;
      return true;
    }
    if (errno != EEXIST) break;
  }
  *error = describe_system_error("name the new file in the directory of", path_, errno);
  return false;
}

bool AtomicFile::commit(std::string* error) {
  if (::fsync(fd_) != 0) {
    *error = describe_system_error("flush", path_, errno);
    return false;
  }
  if (temporary_.empty() && !link_temporary(error)) return false;
  if (::rename(temporary_.c_str(), path_.c_str()) != 0) {
    *error = describe_system_error("rename the new file onto", path_, errno);
    return false;
  }
  temporary_.clear();
  ::close(fd_);
  fd_ = -1;
  // The rename is durable only once the directory is: a crash now would otherwise lose it.
  return sync_directory(directory_, error);
}

void AtomicFile::discard() {
  if (!temporary_.empty()) ::unlink(temporary_.c_str());
  temporary_.clear();
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

}  // namespace mq::model_file
