// Versions, status names and the last-error message, through the shared library.
#include <gtest/gtest.h>

#include <cstring>

#include "monoquant/monoquant.h"

namespace {

TEST(Version, RuntimeMatchesHeader) {
  uint32_t major = 99, minor = 99, patch = 99, abi = 99;
  ASSERT_EQ(mq_get_version(&major, &minor, &patch), MQ_OK);
  EXPECT_EQ(major, static_cast<uint32_t>(MQ_VERSION_MAJOR));
  EXPECT_EQ(minor, static_cast<uint32_t>(MQ_VERSION_MINOR));
  EXPECT_EQ(patch, static_cast<uint32_t>(MQ_VERSION_PATCH));
  ASSERT_EQ(mq_get_abi_version(&abi), MQ_OK);
  EXPECT_EQ(abi, static_cast<uint32_t>(MQ_ABI_VERSION));
}

TEST(Version, NullOutputsAreRefused) {
  uint32_t v = 0;
  EXPECT_EQ(mq_get_version(nullptr, &v, &v), MQ_ERR_NULL_POINTER);
  EXPECT_EQ(mq_get_abi_version(nullptr), MQ_ERR_NULL_POINTER);
  const char* message = nullptr;
  ASSERT_EQ(mq_last_error_message(&message), MQ_OK);
  EXPECT_STREQ(message, "mq_get_abi_version: abi_version is NULL");
}

TEST(Status, ValuesArePinned) {
  // These values are part of the ABI forever.
  EXPECT_EQ(MQ_OK, 0);
  EXPECT_EQ(MQ_ERR_INVALID_ARGUMENT, 1);
  EXPECT_EQ(MQ_ERR_NULL_POINTER, 2);
  EXPECT_EQ(MQ_ERR_INVALID_SHAPE, 3);
  EXPECT_EQ(MQ_ERR_BUFFER_TOO_SMALL, 4);
  EXPECT_EQ(MQ_ERR_NON_FINITE, 5);
  EXPECT_EQ(MQ_ERR_VALUE_OUT_OF_RANGE, 6);
  EXPECT_EQ(MQ_ERR_UNSUPPORTED, 7);
  EXPECT_EQ(MQ_ERR_OUT_OF_MEMORY, 8);
  EXPECT_EQ(MQ_ERR_CALLBACK_FAILED, 9);
  EXPECT_EQ(MQ_ERR_ACCURACY, 10);
  EXPECT_EQ(MQ_ERR_IO, 11);
  EXPECT_EQ(MQ_ERR_MALFORMED_FILE, 12);
  EXPECT_EQ(MQ_ERR_INTERNAL, 13);
  EXPECT_EQ(static_cast<int64_t>(MQ_STATUS_MAX_ENUM), 0x7FFFFFFF);
  EXPECT_EQ(sizeof(mq_status), sizeof(int32_t));
}

TEST(Status, NamesEveryValue) {
  const char* name = nullptr;
  ASSERT_EQ(mq_status_name(MQ_ERR_NON_FINITE, &name), MQ_OK);
  EXPECT_STREQ(name, "MQ_ERR_NON_FINITE");
  ASSERT_EQ(mq_status_name(MQ_OK, &name), MQ_OK);
  EXPECT_STREQ(name, "MQ_OK");
  for (int s = MQ_OK; s <= MQ_ERR_INTERNAL; ++s) {
    ASSERT_EQ(mq_status_name(static_cast<mq_status>(s), &name), MQ_OK);
    EXPECT_EQ(std::strncmp(name, "MQ_", 3), 0);
    EXPECT_STRNE(name, "MQ_UNKNOWN_STATUS") << s;
  }
  ASSERT_EQ(mq_status_name(static_cast<mq_status>(12345), &name), MQ_OK);
  EXPECT_STREQ(name, "MQ_UNKNOWN_STATUS");
  EXPECT_EQ(mq_status_name(MQ_OK, nullptr), MQ_ERR_NULL_POINTER);
}

TEST(Status, LastErrorIsPerThreadAndKeptBySuccess) {
  EXPECT_EQ(mq_get_abi_version(nullptr), MQ_ERR_NULL_POINTER);
  uint32_t abi = 0;
  EXPECT_EQ(mq_get_abi_version(&abi), MQ_OK);  // success does not clear the message
  const char* message = nullptr;
  ASSERT_EQ(mq_last_error_message(&message), MQ_OK);
  EXPECT_STREQ(message, "mq_get_abi_version: abi_version is NULL");
  EXPECT_EQ(mq_last_error_message(nullptr), MQ_ERR_NULL_POINTER);
}

}  // namespace
