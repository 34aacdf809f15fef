// A file that appears under its name only once it is complete: written to an unnamed temporary
// file in the destination's directory (O_TMPFILE; where the filesystem has none, a hidden file
// with a unique name), flushed to disk, then renamed onto the destination. Until commit() the
// destination keeps its previous contents, and a process that dies mid-write leaves no file under
// the destination's name (nor, with O_TMPFILE, any file at all).
//
// Kept free of C API concerns: failures come back as a sentence naming the path and the system's
// reason.
#ifndef MONOQUANT_CAPI_MODEL_FILE_ATOMIC_FILE_H
#define MONOQUANT_CAPI_MODEL_FILE_ATOMIC_FILE_H

#include <cstddef>
#include <string>

namespace mq::model_file {

class AtomicFile {
 public:
  AtomicFile() = default;
  ~AtomicFile() { discard(); }
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // Creates the temporary file for `path`. False (with `*error`) when the directory cannot take it.
  bool open(const std::string& path, std::string* error);

  // Appends `size` bytes (retrying short writes and EINTR).
  bool write(const void* data, size_t size, std::string* error);

  // Flushes the data to disk, renames the file onto the destination and flushes the directory.
  bool commit(std::string* error);

 private:
  // Closes and removes the temporary file unless it was committed.
  void discard();
  // Gives the unnamed file a unique hidden name next to the destination.
  bool link_temporary(std::string* error);

  int fd_ = -1;
  std::string path_;
  std::string directory_;
  std::string temporary_;  // the hidden name while it has one, else empty
};

}  // namespace mq::model_file

#endif
