#include "capi/model_file/system_error.h"

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

}  // namespace

std::string describe_system_error(const char* what, const std::string& path, int error_number) {
  char buffer[128] = "";
  const char* reason = strerror_result(strerror_r(error_number, buffer, sizeof buffer), buffer);
  return std::string("cannot ") + what + " '" + path + "': " + reason;
}

}  // namespace mq::model_file
