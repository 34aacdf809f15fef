// Writing JSON text: string escaping and number formatting for the headers and metadata this
// library writes. Kept free of C API concerns.
#ifndef MONOQUANT_CAPI_MODEL_FILE_JSON_WRITER_H
#define MONOQUANT_CAPI_MODEL_FILE_JSON_WRITER_H

#include <cstdint>
#include <string>
#include <string_view>

namespace mq::model_file {

// Appends `s` as a JSON string literal, quotes included. `s` is UTF-8 (names and values come from
// validated headers or from the library); '"', '\\' and control characters are escaped.
void append_json_string(std::string_view s, std::string* out);

void append_json_uint(uint64_t v, std::string* out);

}  // namespace mq::model_file

#endif
