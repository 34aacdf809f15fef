#include "embedded_weights.h"

#include <cstring>

// The assembler copies each file into .rodata between two symbols (.incbin): no generated C array
// of millions of characters for the compiler to parse, and the same directive works with every ELF
// target's GNU assembler (x86-64, and aarch64 in the Debian cross build). tools/CMakeLists.txt
// passes the directory and makes this object depend on the files.
#ifndef MQ_REAL_WEIGHTS_DIR
#error "MQ_REAL_WEIGHTS_DIR must name tests/data/real-weights (tools/CMakeLists.txt sets it)"
#endif

#define MQ_EMBED_MATRIX(name)                          \
  __asm__(                                             \
      ".pushsection .rodata\n"                         \
      ".balign 16\n"                                   \
      ".globl mq_embedded_" #name                      \
      "\n"                                             \
      "mq_embedded_" #name                             \
      ":\n"                                            \
      ".incbin \"" MQ_REAL_WEIGHTS_DIR "/" #name       \
      ".f32\"\n"                                       \
      ".globl mq_embedded_" #name                      \
      "_end\n"                                         \
      "mq_embedded_" #name                             \
      "_end:\n"                                        \
      ".popsection\n");                                \
  extern "C" const unsigned char mq_embedded_##name[]; \
  extern "C" const unsigned char mq_embedded_##name##_end[]

MQ_EMBED_MATRIX(ppocr_rec_svtr0_qkv);
MQ_EMBED_MATRIX(ppocr_rec_ctc_head);
MQ_EMBED_MATRIX(ppocr_rec_pw_conv180);
MQ_EMBED_MATRIX(ppocr_rec_se_conv117);
MQ_EMBED_MATRIX(silero_v5_lstm_w_ih);
MQ_EMBED_MATRIX(silero_v5_enc0_conv);
MQ_EMBED_MATRIX(oww_hello_deepa_fc1);

namespace mq::tool {

namespace {

#define MQ_MATRIX(name, source, rows, cols)                                    \
  EmbeddedMatrix {                                                             \
#name, source, rows, cols, mq_embedded_##name,                             \
        static_cast < uint64_t>(mq_embedded_##name##_end - mq_embedded_##name) \
  }

// Shapes from tests/data/real-weights/index.json.
const EmbeddedMatrix kMatrices[] = {
    MQ_MATRIX(ppocr_rec_svtr0_qkv, "PP-OCRv4 rec, SVTR attention QKV", 360, 120),
    MQ_MATRIX(ppocr_rec_ctc_head, "PP-OCRv4 rec, CTC classifier head", 6625, 120),
    MQ_MATRIX(ppocr_rec_pw_conv180, "PP-OCRv4 rec, pointwise conv", 480, 480),
    MQ_MATRIX(ppocr_rec_se_conv117, "PP-OCRv4 rec, SE squeeze conv", 120, 480),
    MQ_MATRIX(silero_v5_lstm_w_ih, "Silero VAD v5, LSTM input weights", 512, 128),
    MQ_MATRIX(silero_v5_enc0_conv, "Silero VAD v5, encoder conv1d k=3", 128, 387),
    MQ_MATRIX(oww_hello_deepa_fc1, "openWakeWord 'hello deepa', first Gemm", 32, 2400),
};

}  // namespace

const EmbeddedMatrix* find_embedded_matrix(const char* name) {
  for (const EmbeddedMatrix& m : kMatrices) {
    if (std::strcmp(m.name, name) == 0) return &m;
  }
  return nullptr;
}

}  // namespace mq::tool
