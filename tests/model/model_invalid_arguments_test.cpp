// Every invalid argument of every model-file entry point returns its status and a message that
// names the entry point and the argument, and writes nothing to the caller's outputs.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "api/api_test_util.h"
#include "model/safetensors_file.h"
#include "monoquant/monoquant.h"

namespace {

using mq::test::Canary;

// A model of three F32 tensors ("w" has 6 elements) and one metadata entry.
class ModelInvalidArguments : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string path = dir.write(
        "m.safetensors", mq::test::safetensors({{"w", "F32", {2, 3}, std::string(24, '\0')},
                                                {"b", "F32", {1}, std::string(4, '\0')},
                                                {"c", "I32", {1}, std::string(4, '\0')}},
                                               {{"k", "v"}}));
    ASSERT_EQ(mq_model_open(nullptr, path.c_str(), &model), MQ_OK) << mq::test::last_error();
  }
  void TearDown() override { EXPECT_EQ(mq_model_close(model), MQ_OK); }

  mq::test::TempDir dir;
  mq_model* model = nullptr;
};

// Output structs pre-filled with a pattern (struct_size set), to detect writes.
template <class T>
T filled_struct(uint32_t struct_size) {
  T s;
  std::memset(static_cast<void*>(&s), 0xCD, sizeof s);
  s.struct_size = struct_size;
  return s;
}

template <class T>
bool untouched_after_size(const T& s) {
  const auto* b = reinterpret_cast<const uint8_t*>(&s);
  for (size_t i = sizeof(uint32_t); i < sizeof s; ++i) {
    if (b[i] != 0xCD) return false;
  }
  return true;
}

TEST_F(ModelInvalidArguments, Open) {
  mq_model* m = nullptr;
  MQ_EXPECT_FAILS(mq_model_open(nullptr, nullptr, &m), MQ_ERR_NULL_POINTER,
                  "mq_model_open: path is NULL");
  MQ_EXPECT_FAILS(mq_model_open(nullptr, "x", nullptr), MQ_ERR_NULL_POINTER,
                  "mq_model_open: model is NULL");
  EXPECT_EQ(m, nullptr);
}

TEST_F(ModelInvalidArguments, GetInfo) {
  MQ_EXPECT_FAILS(mq_model_get_info(nullptr, nullptr), MQ_ERR_NULL_POINTER,
                  "mq_model_get_info: model is NULL");
  MQ_EXPECT_FAILS(mq_model_get_info(model, nullptr), MQ_ERR_NULL_POINTER, "info is NULL");
  auto info = filled_struct<mq_model_info>(0);
  MQ_EXPECT_FAILS(mq_model_get_info(model, &info), MQ_ERR_INVALID_ARGUMENT,
                  "mq_model_get_info: struct_size 0 is too small");
  EXPECT_TRUE(untouched_after_size(info));
  // An older, smaller struct is written only as far as it reaches.
  info = filled_struct<mq_model_info>(offsetof(mq_model_info, metadata_count));
  ASSERT_EQ(mq_model_get_info(model, &info), MQ_OK);
  EXPECT_EQ(info.tensor_count, 3U);
  const auto* b = reinterpret_cast<const uint8_t*>(&info);
  for (size_t i = offsetof(mq_model_info, metadata_count); i < sizeof info; ++i) {
    EXPECT_EQ(b[i], 0xCD) << i;
  }
}

TEST_F(ModelInvalidArguments, GetTensor) {
  auto info = filled_struct<mq_tensor_info>(sizeof(mq_tensor_info));
  MQ_EXPECT_FAILS(mq_model_get_tensor(nullptr, 0, &info), MQ_ERR_NULL_POINTER,
                  "mq_model_get_tensor: model is NULL");
  MQ_EXPECT_FAILS(mq_model_get_tensor(model, 0, nullptr), MQ_ERR_NULL_POINTER, "info is NULL");
  MQ_EXPECT_FAILS(mq_model_get_tensor(model, 3, &info), MQ_ERR_INVALID_ARGUMENT,
                  "mq_model_get_tensor: index 3 is out of range (the model has 3 tensors)");
  MQ_EXPECT_FAILS(mq_model_get_tensor(model, UINT64_MAX, &info), MQ_ERR_INVALID_ARGUMENT,
                  "index 18446744073709551615 is out of range");
  EXPECT_TRUE(untouched_after_size(info));
  info = filled_struct<mq_tensor_info>(2);
  MQ_EXPECT_FAILS(mq_model_get_tensor(model, 0, &info), MQ_ERR_INVALID_ARGUMENT,
                  "struct_size 2 is too small");
  EXPECT_TRUE(untouched_after_size(info));
}

TEST_F(ModelInvalidArguments, FindTensor) {
  int32_t found = 7;
  uint64_t index = 7;
  MQ_EXPECT_FAILS(mq_model_find_tensor(nullptr, "w", &found, &index), MQ_ERR_NULL_POINTER,
                  "mq_model_find_tensor: model is NULL");
  MQ_EXPECT_FAILS(mq_model_find_tensor(model, nullptr, &found, &index), MQ_ERR_NULL_POINTER,
                  "name is NULL");
  MQ_EXPECT_FAILS(mq_model_find_tensor(model, "w", nullptr, &index), MQ_ERR_NULL_POINTER,
                  "found is NULL");
  MQ_EXPECT_FAILS(mq_model_find_tensor(model, "w", &found, nullptr), MQ_ERR_NULL_POINTER,
                  "index is NULL");
  EXPECT_EQ(found, 7);
  EXPECT_EQ(index, 7U);
  ASSERT_EQ(mq_model_find_tensor(model, "w", &found, &index), MQ_OK);
  EXPECT_EQ(found, 1);
  EXPECT_EQ(index, 0U);
}

TEST_F(ModelInvalidArguments, Metadata) {
  const char* key = "untouched";
  const char* value = "untouched";
  MQ_EXPECT_FAILS(mq_model_get_metadata(nullptr, 0, &key, &value), MQ_ERR_NULL_POINTER,
                  "mq_model_get_metadata: model is NULL");
  MQ_EXPECT_FAILS(mq_model_get_metadata(model, 0, nullptr, &value), MQ_ERR_NULL_POINTER,
                  "key is NULL");
  MQ_EXPECT_FAILS(mq_model_get_metadata(model, 0, &key, nullptr), MQ_ERR_NULL_POINTER,
                  "value is NULL");
  MQ_EXPECT_FAILS(mq_model_get_metadata(model, 1, &key, &value), MQ_ERR_INVALID_ARGUMENT,
                  "mq_model_get_metadata: index 1 is out of range (the model has 1 metadata");
  MQ_EXPECT_FAILS(mq_model_find_metadata(nullptr, "k", &value), MQ_ERR_NULL_POINTER,
                  "mq_model_find_metadata: model is NULL");
  MQ_EXPECT_FAILS(mq_model_find_metadata(model, nullptr, &value), MQ_ERR_NULL_POINTER,
                  "key is NULL");
  MQ_EXPECT_FAILS(mq_model_find_metadata(model, "k", nullptr), MQ_ERR_NULL_POINTER,
                  "value is NULL");
  EXPECT_STREQ(key, "untouched");
  EXPECT_STREQ(value, "untouched");
}

TEST_F(ModelInvalidArguments, ReadF32) {
  Canary<float> dst(6);
  MQ_EXPECT_FAILS(mq_model_read_f32(nullptr, nullptr, 0, dst.ptr(), 6), MQ_ERR_NULL_POINTER,
                  "mq_model_read_f32: model is NULL");
  MQ_EXPECT_FAILS(mq_model_read_f32(nullptr, model, 0, nullptr, 6), MQ_ERR_NULL_POINTER,
                  "dst is NULL");
  MQ_EXPECT_FAILS(mq_model_read_f32(nullptr, model, 3, dst.ptr(), 6), MQ_ERR_INVALID_ARGUMENT,
                  "mq_model_read_f32: index 3 is out of range");
  MQ_EXPECT_FAILS(mq_model_read_f32(nullptr, model, 0, dst.ptr(), 5), MQ_ERR_BUFFER_TOO_SMALL,
                  "mq_model_read_f32: dst_len is 5 but tensor 'w' has 6 elements");
  MQ_EXPECT_FAILS(mq_model_read_f32(nullptr, model, 2, dst.ptr(), 6), MQ_ERR_UNSUPPORTED,
                  "tensor 'c' has dtype I32");
  EXPECT_TRUE(dst.untouched());
  ASSERT_EQ(mq_model_read_f32(nullptr, model, 0, dst.ptr(), 6), MQ_OK);
  EXPECT_TRUE(dst.all_zero());
}

TEST_F(ModelInvalidArguments, TensorData) {
  const void* data = &dir;
  uint64_t bytes = 7;
  MQ_EXPECT_FAILS(mq_model_tensor_data(nullptr, 0, &data, &bytes), MQ_ERR_NULL_POINTER,
                  "mq_model_tensor_data: model is NULL");
  MQ_EXPECT_FAILS(mq_model_tensor_data(model, 0, nullptr, &bytes), MQ_ERR_NULL_POINTER,
                  "data is NULL");
  MQ_EXPECT_FAILS(mq_model_tensor_data(model, 0, &data, nullptr), MQ_ERR_NULL_POINTER,
                  "bytes is NULL");
  MQ_EXPECT_FAILS(mq_model_tensor_data(model, 3, &data, &bytes), MQ_ERR_INVALID_ARGUMENT,
                  "mq_model_tensor_data: index 3 is out of range");
  EXPECT_EQ(data, &dir);
  EXPECT_EQ(bytes, 7U);
}

TEST(ModelDtypeInvalidArguments, NamesAndSizes) {
  const char* name = "untouched";
  uint32_t size = 99;
  MQ_EXPECT_FAILS(mq_dtype_name(static_cast<mq_dtype>(17), &name), MQ_ERR_INVALID_ARGUMENT,
                  "mq_dtype_name: dtype 17 is not a mq_dtype");
  MQ_EXPECT_FAILS(mq_dtype_name(static_cast<mq_dtype>(-1), &name), MQ_ERR_INVALID_ARGUMENT,
                  "dtype -1 is not a mq_dtype");
  MQ_EXPECT_FAILS(mq_dtype_name(MQ_DTYPE_F32, nullptr), MQ_ERR_NULL_POINTER, "name is NULL");
  MQ_EXPECT_FAILS(mq_dtype_size(MQ_DTYPE_MAX_ENUM, &size), MQ_ERR_INVALID_ARGUMENT,
                  "mq_dtype_size: dtype 2147483647 is not a mq_dtype");
  MQ_EXPECT_FAILS(mq_dtype_size(MQ_DTYPE_F32, nullptr), MQ_ERR_NULL_POINTER, "bytes is NULL");
  EXPECT_STREQ(name, "untouched");
  EXPECT_EQ(size, 99U);
}

}  // namespace
