// File-system failures in words, for the messages of the model-file code.
#ifndef MONOQUANT_CAPI_MODEL_FILE_SYSTEM_ERROR_H
#define MONOQUANT_CAPI_MODEL_FILE_SYSTEM_ERROR_H

#include <string>

namespace mq::model_file {

// "cannot <what> '<path>': <the system's reason for error_number>" (thread-safe strerror_r).
std::string describe_system_error(const char* what, const std::string& path, int error_number);

}  // namespace mq::model_file

#endif
