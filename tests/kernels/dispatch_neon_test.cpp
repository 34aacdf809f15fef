// Which variant each kernel family runs on this CPU, through the public C API exactly as a user
// sees it, printed one line per family ("[monoquant-kernel] <family> <variant>") so that
// toolchains/run-aarch64-tests.sh can report it per emulated CPU. On aarch64 the choice is also
// checked against the CPU's features: NEON everywhere, the i8mm GEMV exactly when getauxval reports
// FEAT_I8MM, else the dot-product GEMV exactly when it reports FEAT_DotProd (a CPU without it, such
// as qemu's cortex-a72, must get the NEON fallback).
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "common/isa.h"
#include "monoquant/monoquant.h"

namespace {

struct Family {
  mq_kernel_family id;
  const char* name;
};

constexpr Family kFamilies[] = {
    {MQ_KERNEL_GROUP_REDUCE, "reduce"},
    {MQ_KERNEL_QUANTIZE_INT4, "quantize-int4"},
    {MQ_KERNEL_QUANTIZE_INT8, "quantize-int8"},
    {MQ_KERNEL_PACK, "pack"},
    {MQ_KERNEL_UNPACK, "unpack"},
    {MQ_KERNEL_DEQUANTIZE, "dequantize"},
    {MQ_KERNEL_GEMV, "gemv"},
};

TEST(DispatchNeon, ReportsAndChecksTheKernelOfEveryFamily) {
  mq_isa cap = MQ_ISA_AUTO;
  ASSERT_EQ(mq_context_get_isa(nullptr, &cap), MQ_OK);
  const char* cap_name = nullptr;
  ASSERT_EQ(mq_isa_name(cap, &cap_name), MQ_OK);
  std::printf("[monoquant-kernel] isa-cap %s\n", cap_name);
  for (const Family& f : kFamilies) {
    const char* name = nullptr;
    ASSERT_EQ(mq_context_kernel_name(nullptr, f.id, 4096, 128, &name), MQ_OK) << f.name;
    std::printf("[monoquant-kernel] %s %s\n", f.name, name);
#if defined(__aarch64__)
    // Only when nothing caps the context (MONOQUANT_ISA unset or the best level).
    if (cap == static_cast<mq_isa>(mq::kernels::best_runnable_isa())) {
      std::string expect = "neon";
      if (f.id == MQ_KERNEL_GEMV && mq::kernels::isa_runnable(mq::kernels::Isa::neon_i8mm)) {
        expect = "neon-i8mm";
      } else if (f.id == MQ_KERNEL_GEMV &&
                 mq::kernels::isa_runnable(mq::kernels::Isa::neon_dotprod)) {
        expect = "neon-dotprod";
      }
      EXPECT_EQ(std::string(name), expect) << f.name;
    }
#endif
  }
  std::fflush(stdout);
}

}  // namespace
