#include "capi/model_file/json_writer.h"

#include <cstdio>

namespace mq::model_file {

void append_json_string(std::string_view s, std::string* out) {
  out->push_back('"');
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(ch);
    } else if (c == '\n') {
      out->append("\\n");
    } else if (c == '\t') {
      out->append("\\t");
    } else if (c < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
      out->append(escaped);
    } else {
      out->push_back(ch);
    }
  }
  out->push_back('"');
}

void append_json_uint(uint64_t v, std::string* out) { out->append(std::to_string(v)); }

}  // namespace mq::model_file
