// Progress of a long step on stderr: on a terminal one line redrawn in place (a bar), otherwise a
// few plain lines ("reading 12/40 tensors"), so that logs of non-interactive runs stay short.
#ifndef MONOQUANT_TOOLS_PROGRESS_H
#define MONOQUANT_TOOLS_PROGRESS_H

#include <chrono>
#include <cstdint>
#include <string>

namespace mq::tool {

class Progress {
 public:
  enum Unit { kCount, kBytes };

  // `verb` starts the line ("reading"), `noun` names what a count counts ("tensors"; unused for
  // bytes). Nothing is printed when `enabled` is false.
  Progress(std::string verb, std::string noun, Unit unit, bool enabled);

  // Reports `done` of `total`; prints only when that changes what is shown.
  void update(uint64_t done, uint64_t total);

  // Ends the terminal line (the plain lines need no ending).
  void finish();

 private:
  std::string describe(uint64_t done, uint64_t total) const;

  std::string verb_;
  std::string noun_;
  Unit unit_;
  bool enabled_;
  bool terminal_;
  int shown_ = -1;                                   // the last percentage drawn on the terminal
  std::chrono::steady_clock::time_point last_line_;  // when the last plain line was printed
  bool open_line_ = false;
};

}  // namespace mq::tool

#endif
