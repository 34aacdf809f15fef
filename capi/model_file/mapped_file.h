// A file mapped read-only into memory for as long as the object lives (POSIX mmap).
//
// Kept free of C API concerns: failures come back as a sentence naming the path and the system's
// reason, which the caller turns into a status.
#ifndef MONOQUANT_CAPI_MODEL_FILE_MAPPED_FILE_H
#define MONOQUANT_CAPI_MODEL_FILE_MAPPED_FILE_H

#include <cstddef>
#include <cstdint>
#include <string>

namespace mq::model_file {

class MappedFile {
 public:
  MappedFile() = default;
  ~MappedFile() { reset(); }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  // Maps the regular file at `path`. On failure returns false, leaves the object empty and sets
  // `*error` ("cannot open '<path>': No such file or directory"). An empty file is not mapped
  // (mmap refuses length 0): it opens with size() 0 and a null data().
  bool open(const char* path, std::string* error);

  // Unmaps the file (nothing happens when nothing is mapped).
  void reset();

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  // The file's identity (st_dev, st_ino), to recognise it under another path.
  uint64_t device() const { return device_; }
  uint64_t inode() const { return inode_; }

 private:
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  uint64_t device_ = 0;
  uint64_t inode_ = 0;
};

}  // namespace mq::model_file

#endif
