// MONOQUANT_ISA, read once per process. ctest runs this suite several times with the variable set
// (see tests/CMakeLists.txt) and MQ_TEST_EXPECT saying whether the value must be accepted ("ok") or
// refused
// ("unsupported"); without the variable it checks the automatic choice.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "api/api_test_util.h"
#include "monoquant/monoquant.h"

namespace {

TEST(EnvIsa, DefaultContextFollowsTheVariable) {
  const char* env = std::getenv("MONOQUANT_ISA");
  const char* expect = std::getenv("MQ_TEST_EXPECT");
  mq_isa isa = MQ_ISA_AUTO;
  const mq_status st = mq_context_get_isa(nullptr, &isa);
  if (env == nullptr || env[0] == '\0' || std::strcmp(env, "auto") == 0) {
    ASSERT_EQ(st, MQ_OK);
    uint32_t count = 0;
    ASSERT_EQ(mq_isa_list(nullptr, 0, &count), MQ_OK);
    std::vector<mq_isa> isas(count);
    ASSERT_EQ(mq_isa_list(isas.data(), count, &count), MQ_OK);
    EXPECT_EQ(isa, isas.back()) << "the automatic choice is the best level this CPU runs";
    return;
  }
  ASSERT_NE(expect, nullptr) << "set MQ_TEST_EXPECT=ok|unsupported with MONOQUANT_ISA";
  if (std::strcmp(expect, "ok") == 0) {
    ASSERT_EQ(st, MQ_OK) << mq::test::last_error();
    const char* name = nullptr;
    ASSERT_EQ(mq_isa_name(isa, &name), MQ_OK);
    EXPECT_STREQ(name, env);
    mq_context* c = nullptr;
    ASSERT_EQ(mq_context_create(nullptr, &c), MQ_OK);
    ASSERT_EQ(mq_context_get_isa(c, &isa), MQ_OK);
    ASSERT_EQ(mq_isa_name(isa, &name), MQ_OK);
    EXPECT_STREQ(name, env);
    mq_context_destroy(c);
    return;
  }
  // Refused: every use of the default context (and of MQ_ISA_AUTO) fails with a message naming the
  // variable; an explicit ISA still works.
  EXPECT_EQ(st, MQ_ERR_UNSUPPORTED);
  EXPECT_NE(mq::test::last_error().find(std::string("MONOQUANT_ISA='") + env + "'"),
            std::string::npos)
      << mq::test::last_error();
  std::vector<float> w(64, 1.0F);
  std::vector<uint8_t> codes(32, 0xCD);
  std::vector<float> scales(1);
  MQ_EXPECT_FAILS(mq_quantize_int4(nullptr, w.data(), 64, 1, 64, 64, MQ_SCHEME_SYMMETRIC,
                                   codes.data(), 32, scales.data(), 1, nullptr, 0),
                  MQ_ERR_UNSUPPORTED, "MONOQUANT_ISA");
  EXPECT_EQ(codes[0], 0xCD);
  mq_context* c = nullptr;
  MQ_EXPECT_FAILS(mq_context_create(nullptr, &c), MQ_ERR_UNSUPPORTED, "MONOQUANT_ISA");
  mq_context_options o{};
  o.struct_size = sizeof(o);
  o.isa = MQ_ISA_SCALAR;
  ASSERT_EQ(mq_context_create(&o, &c), MQ_OK);
  EXPECT_EQ(mq_quantize_int4(c, w.data(), 64, 1, 64, 64, MQ_SCHEME_SYMMETRIC, codes.data(), 32,
                             scales.data(), 1, nullptr, 0),
            MQ_OK);
  mq_context_destroy(c);
}

}  // namespace
