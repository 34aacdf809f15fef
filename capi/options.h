// Versioned option structs: every public struct begins with `uint32_t struct_size`, so a caller
// built against an older header passes a smaller struct and one built against a newer header a
// larger one.
//
// Rule for future versions (docs/abi.md): new fields are only ever appended at offsets at or beyond
// the previous sizeof, never placed in tail padding, so a smaller struct_size never covers a field
// partly.
#ifndef MONOQUANT_CAPI_OPTIONS_H
#define MONOQUANT_CAPI_OPTIONS_H

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "capi/error.h"
#include "monoquant/monoquant.h"

namespace mq::capi {

// No version will grow a struct this far; a larger struct_size is garbage, not a newer caller, and
// scanning its "unknown fields" would read far past the caller's struct.
constexpr size_t kMaxStructSize = 4096;

// Copies the part of a caller's input struct that its struct_size covers over `out`, which holds
// the defaults. A larger struct is accepted when the fields this version does not know are all
// zero.
template <class T>
mq_status read_options(const T& in, T* out) {
  const uint32_t size = in.struct_size;
  if (size < sizeof(uint32_t)) {
    return fail(MQ_ERR_INVALID_ARGUMENT, "struct_size %u is too small; set it to sizeof the struct",
                size);
  }
  if (size > kMaxStructSize) {
    return fail(MQ_ERR_INVALID_ARGUMENT, "struct_size %u is implausibly large (limit %zu)", size,
                kMaxStructSize);
  }
  if (size > sizeof(T)) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(&in);
    for (size_t i = sizeof(T); i < size; ++i) {
      if (bytes[i] != 0) {
        return fail(
            MQ_ERR_UNSUPPORTED,
            "struct_size %u is larger than this library's %zu and sets fields it does not know "
            "(byte %zu is nonzero)",
            size, sizeof(T), i);
      }
    }
  }
  const size_t copied = size < sizeof(T) ? size : sizeof(T);
  std::memcpy(static_cast<void*>(out), &in, copied);
  out->struct_size = static_cast<uint32_t>(sizeof(T));
  return MQ_OK;
}

// Writes `full` into the caller's output struct, only as far as its struct_size reaches.
template <class T>
mq_status write_struct(const T& full, T* out) {
  const uint32_t size = out->struct_size;
  if (size < sizeof(uint32_t)) {
    return fail(MQ_ERR_INVALID_ARGUMENT, "struct_size %u is too small; set it to sizeof the struct",
                size);
  }
  const size_t copied = size < sizeof(T) ? size : sizeof(T);
  // struct_size itself is left as the caller set it.
  std::memcpy(reinterpret_cast<unsigned char*>(out) + sizeof(uint32_t),
              reinterpret_cast<const unsigned char*>(&full) + sizeof(uint32_t),
              copied - sizeof(uint32_t));
  return MQ_OK;
}

}  // namespace mq::capi

#endif
