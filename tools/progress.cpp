#include "progress.h"

#include <unistd.h>

#include <cstdio>
#include <utility>

namespace mq::tool {

namespace {

constexpr int kBarWidth = 30;
constexpr std::chrono::seconds kPlainLineInterval{2};

}  // namespace

Progress::Progress(std::string verb, std::string noun, Unit unit, bool enabled)
    : verb_(std::move(verb)),
      noun_(std::move(noun)),
      unit_(unit),
      enabled_(enabled),
      terminal_(isatty(STDERR_FILENO) == 1),
      last_line_(std::chrono::steady_clock::now()) {}

std::string Progress::describe(uint64_t done, uint64_t total) const {
  char text[96];
  if (unit_ == kBytes) {
    std::snprintf(text, sizeof(text), "%s %.1f/%.1f MiB", verb_.c_str(),
                  static_cast<double>(done) / (1 << 20), static_cast<double>(total) / (1 << 20));
  } else {
    std::snprintf(text, sizeof(text), "%s %llu/%llu %s", verb_.c_str(),
                  static_cast<unsigned long long>(done), static_cast<unsigned long long>(total),
                  noun_.c_str());
  }
  return text;
}

void Progress::update(uint64_t done, uint64_t total) {
  if (!enabled_ || total == 0) return;
  const int percent =
      static_cast<int>(100.0 * static_cast<double>(done) / static_cast<double>(total));
  if (terminal_) {
    if (percent == shown_) return;
    shown_ = percent;
    const int filled = percent * kBarWidth / 100;
    std::fprintf(stderr, "\r[%s%s] %3d%% %s\x1b[K", std::string(filled, '#').c_str(),
                 std::string(kBarWidth - filled, ' ').c_str(), percent,
                 describe(done, total).c_str());
    std::fflush(stderr);
    open_line_ = true;
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  if (done != total && now - last_line_ < kPlainLineInterval) return;
  last_line_ = now;
  std::fprintf(stderr, "%s\n", describe(done, total).c_str());
}

void Progress::finish() {
  if (open_line_) std::fputc('\n', stderr);
  open_line_ = false;
}

}  // namespace mq::tool
