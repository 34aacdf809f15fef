// Valid safetensors files written by the tests, read back through the C API: tensor tables, order,
// lookup, metadata, raw bytes, and fp32 reads of F32, F16 and BF16 (all 65536 bit patterns).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "api/api_test_util.h"
#include "model/model_test_util.h"
#include "model/safetensors_file.h"
#include "monoquant/monoquant.h"
#include "support/half_reference.h"

namespace {

using mq::test::bytes_of;
using mq::test::OpenModel;
using mq::test::safetensors;
using mq::test::TempDir;
using mq::test::tensor_info;

std::vector<float> read_f32(const mq_model* model, uint64_t index, uint64_t n) {
  std::vector<float> out(n);
  EXPECT_EQ(mq_model_read_f32(nullptr, model, index, out.data(), n), MQ_OK)
      << mq::test::last_error();
  return out;
}

std::vector<uint16_t> all_16_bit_patterns() {
  std::vector<uint16_t> v(65536);
  for (uint32_t i = 0; i < 65536; ++i) v[i] = static_cast<uint16_t>(i);
  return v;
}

TEST(ModelRead, RoundTripsTensorsAndMetadata) {
  TempDir dir;
  const std::vector<float> w = {1.5F, -2.0F, 0.0F, 3.25F, -0.125F, 1e-30F};
  const std::vector<uint16_t> h = {0x3C00, 0xC000, 0x3555};          // F16 1, -2, 0.333251953125
  const std::vector<uint16_t> b = {0x3F80, 0x4049, 0xBF00, 0x0001};  // BF16 1, 3.140625, -0.5, tiny
  const std::string path =
      dir.write("m.safetensors", safetensors({{"layers.0.weight", "F32", {2, 3}, bytes_of(w)},
                                              {"layers.0.half", "F16", {3}, bytes_of(h)},
                                              {"emb", "BF16", {2, 1, 2}, bytes_of(b)}},
                                             {{"format", "pt"}, {"author", "monoquant tests"}}));
  OpenModel m(path);
  ASSERT_EQ(m.status, MQ_OK);

  mq_model_info info{};
  info.struct_size = sizeof info;
  ASSERT_EQ(mq_model_get_info(m.model, &info), MQ_OK);
  EXPECT_EQ(info.format, MQ_MODEL_FORMAT_SAFETENSORS);
  EXPECT_EQ(info.tensor_count, 3U);
  EXPECT_EQ(info.metadata_count, 2U);
  EXPECT_EQ(info.header_size % 8, 0U);  // the helper pads as the reference writer does
  EXPECT_EQ(info.data_offset, 8 + info.header_size);
  EXPECT_EQ(info.file_size, info.data_offset + 24 + 6 + 8);

  // Index order is data-offset order, which is the order the helper stored them in.
  const mq_tensor_info t0 = tensor_info(m.model, 0);
  EXPECT_STREQ(t0.name, "layers.0.weight");
  EXPECT_EQ(t0.dtype, MQ_DTYPE_F32);
  EXPECT_EQ(t0.rank, 2U);
  EXPECT_EQ(t0.shape[0], 2U);
  EXPECT_EQ(t0.shape[1], 3U);
  EXPECT_EQ(t0.shape[2], 0U);
  EXPECT_EQ(t0.element_count, 6U);
  EXPECT_EQ(t0.byte_size, 24U);
  EXPECT_EQ(t0.file_offset, info.data_offset);
  const mq_tensor_info t2 = tensor_info(m.model, 2);
  EXPECT_STREQ(t2.name, "emb");
  EXPECT_EQ(t2.dtype, MQ_DTYPE_BF16);
  EXPECT_EQ(t2.rank, 3U);
  EXPECT_EQ(t2.file_offset, info.data_offset + 30);

  EXPECT_EQ(read_f32(m.model, 0, 6), w);
  const std::vector<float> half = read_f32(m.model, 1, 3);
  EXPECT_EQ(half, (std::vector<float>{1.0F, -2.0F, 0.333251953125F}));
  const std::vector<float> bf = read_f32(m.model, 2, 4);
  EXPECT_EQ(bf[0], 1.0F);
  EXPECT_EQ(bf[1], 3.140625F);
  EXPECT_EQ(bf[2], -0.5F);
  EXPECT_EQ(bf[3], std::ldexp(1.0F, -133));

  // Metadata: ascending by key, and by lookup.
  const char* key = nullptr;
  const char* value = nullptr;
  ASSERT_EQ(mq_model_get_metadata(m.model, 0, &key, &value), MQ_OK);
  EXPECT_STREQ(key, "author");
  EXPECT_STREQ(value, "monoquant tests");
  ASSERT_EQ(mq_model_get_metadata(m.model, 1, &key, &value), MQ_OK);
  EXPECT_STREQ(key, "format");
  EXPECT_STREQ(value, "pt");
  ASSERT_EQ(mq_model_find_metadata(m.model, "format", &value), MQ_OK);
  EXPECT_STREQ(value, "pt");
  ASSERT_EQ(mq_model_find_metadata(m.model, "formats", &value), MQ_OK);
  EXPECT_EQ(value, nullptr);

  // Raw bytes straight from the mapping.
  const void* data = nullptr;
  uint64_t bytes = 0;
  ASSERT_EQ(mq_model_tensor_data(m.model, 1, &data, &bytes), MQ_OK);
  ASSERT_EQ(bytes, 6U);
  EXPECT_EQ(std::memcmp(data, h.data(), 6), 0);
}

TEST(ModelRead, OrderIsByDataOffsetAndLookupByName) {
  // The header lists the tensors in another order than their data: index follows the data.
  TempDir dir;
  const std::string data = bytes_of(std::vector<float>{1, 2, 3, 4, 5, 6});
  const std::string header = R"({"z":{"dtype":"F32","shape":[2],"data_offsets":[16,24]},)"
                             R"("a":{"dtype":"F32","shape":[1],"data_offsets":[12,16]},)"
                             R"("m":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}})";
  OpenModel m(dir.write("order.safetensors", mq::test::file_bytes(header, data)));
  ASSERT_EQ(m.status, MQ_OK);
  EXPECT_STREQ(tensor_info(m.model, 0).name, "m");
  EXPECT_STREQ(tensor_info(m.model, 1).name, "a");
  EXPECT_STREQ(tensor_info(m.model, 2).name, "z");
  for (const auto& [name, want] : {std::pair<const char*, uint64_t>{"m", 0}, {"a", 1}, {"z", 2}}) {
    int32_t found = -1;
    uint64_t index = 99;
    ASSERT_EQ(mq_model_find_tensor(m.model, name, &found, &index), MQ_OK);
    EXPECT_EQ(found, 1) << name;
    EXPECT_EQ(index, want) << name;
  }
  int32_t found = -1;
  uint64_t index = 99;
  ASSERT_EQ(mq_model_find_tensor(m.model, "b", &found, &index), MQ_OK);
  EXPECT_EQ(found, 0);
  EXPECT_EQ(index, 99U);  // not written when missing
  EXPECT_EQ(read_f32(m.model, 2, 2), (std::vector<float>{5, 6}));
}

TEST(ModelRead, ZeroElementTensorsScalarsAndEmptyFiles) {
  TempDir dir;
  // A dimension of 0 (begin == end), even beside huge ones; a rank-0 scalar; zero-byte tensors at
  // the start and at the end of the data section.
  const std::string header =
      R"({"empty_first":{"dtype":"F16","shape":[0,1099511627776,1099511627776],"data_offsets":[0,0]},)"
      R"("scalar":{"dtype":"F32","shape":[],"data_offsets":[0,4]},)"
      R"("empty_last":{"dtype":"BF16","shape":[4,0],"data_offsets":[4,4]}}   )";
  OpenModel m(dir.write("empty.safetensors",
                        mq::test::file_bytes(header, bytes_of(std::vector<float>{2.5F}))));
  ASSERT_EQ(m.status, MQ_OK);
  const mq_tensor_info first = tensor_info(m.model, 0);
  EXPECT_STREQ(first.name, "empty_first");
  EXPECT_EQ(first.element_count, 0U);
  EXPECT_EQ(first.byte_size, 0U);
  const mq_tensor_info scalar = tensor_info(m.model, 1);
  EXPECT_EQ(scalar.rank, 0U);
  EXPECT_EQ(scalar.element_count, 1U);
  EXPECT_EQ(read_f32(m.model, 1, 1), std::vector<float>{2.5F});
  float untouched = 42.0F;
  EXPECT_EQ(mq_model_read_f32(nullptr, m.model, 2, &untouched, 0), MQ_OK);
  EXPECT_EQ(untouched, 42.0F);

  // No tensors at all, no data: a valid (empty) file.
  OpenModel none(dir.write("none.safetensors", mq::test::file_bytes("{}", "")));
  ASSERT_EQ(none.status, MQ_OK);
  mq_model_info info{};
  info.struct_size = sizeof info;
  ASSERT_EQ(mq_model_get_info(none.model, &info), MQ_OK);
  EXPECT_EQ(info.tensor_count, 0U);
  EXPECT_EQ(info.metadata_count, 0U);
}

TEST(ModelRead, F16AndBf16AllBitPatternsAgainstTheReference) {
  TempDir dir;
  const std::vector<uint16_t> patterns = all_16_bit_patterns();
  // An odd-sized first tensor puts the others at odd file offsets (no alignment is promised).
  const std::string path =
      dir.write("all.safetensors", safetensors({{"odd", "U8", {3}, "abc"},
                                                {"f16", "F16", {256, 256}, bytes_of(patterns)},
                                                {"bf16", "BF16", {65536}, bytes_of(patterns)}}));
  OpenModel m(path);
  ASSERT_EQ(m.status, MQ_OK);
  EXPECT_EQ(tensor_info(m.model, 1).file_offset % 2, 1U);
  for (const uint64_t index : {uint64_t{1}, uint64_t{2}}) {
    const std::vector<float> out = read_f32(m.model, index, 65536);
    size_t mismatches = 0;
    for (uint32_t i = 0; i < 65536; ++i) {
      uint32_t got = 0;
      std::memcpy(&got, &out[i], sizeof got);
      const auto pattern = static_cast<uint16_t>(i);
      const uint32_t want = index == 1 ? mq::test::f16_to_f32_reference_bits(pattern)
                                       : mq::test::bf16_to_f32_reference_bits(pattern);
      if (got != want && ++mismatches <= 5) {
        ADD_FAILURE() << (index == 1 ? "F16" : "BF16") << " 0x" << std::hex << i << " -> 0x" << got
                      << ", want 0x" << want;
      }
    }
    EXPECT_EQ(mismatches, 0U);
  }
}

TEST(ModelRead, ReadsOnTheContextsThreads) {
  // A tensor large enough to be split across a 4-thread pool gives the same values.
  TempDir dir;
  const size_t n = 1 << 20;
  std::vector<uint16_t> values(n);
  for (size_t i = 0; i < n; ++i) values[i] = static_cast<uint16_t>(i * 2654435761U >> 16);
  const std::string path =
      dir.write("big.safetensors", safetensors({{"w", "BF16", {1024, 1024}, bytes_of(values)}}));
  mq_context_options options{};
  options.struct_size = sizeof options;
  options.num_threads = 4;
  mq_context* context = nullptr;
  ASSERT_EQ(mq_context_create(&options, &context), MQ_OK) << mq::test::last_error();
  {
    OpenModel m(path, context);
    ASSERT_EQ(m.status, MQ_OK);
    std::vector<float> out(n);
    ASSERT_EQ(mq_model_read_f32(context, m.model, 0, out.data(), n), MQ_OK);
    size_t mismatches = 0;
    for (size_t i = 0; i < n; ++i) {
      uint32_t got = 0;
      std::memcpy(&got, &out[i], sizeof got);
      mismatches += got != mq::test::bf16_to_f32_reference_bits(values[i]) ? 1 : 0;
    }
    EXPECT_EQ(mismatches, 0U);
  }
  EXPECT_EQ(mq_context_destroy(context), MQ_OK);

  // A host executor that fails: the status says so and no partial tensor is handed back.
  options = mq_context_options{};
  options.struct_size = sizeof options;
  options.executor_threads = 2;
  options.parallel_for_fn = [](void*, uint64_t, mq_task_fn, void*) -> int32_t { return 1; };
  ASSERT_EQ(mq_context_create(&options, &context), MQ_OK) << mq::test::last_error();
  {
    OpenModel m(path, context);
    ASSERT_EQ(m.status, MQ_OK);
    mq::test::Canary<float> out(n);
    EXPECT_EQ(mq_model_read_f32(context, m.model, 0, out.ptr(), n), MQ_ERR_CALLBACK_FAILED);
    EXPECT_TRUE(out.all_zero());
  }
  EXPECT_EQ(mq_context_destroy(context), MQ_OK);
}

TEST(ModelRead, OtherDtypesOpenButReadOnlyAsRawBytes) {
  TempDir dir;
  const std::vector<int64_t> ids = {1, -2, 3};
  const std::string path = dir.write(
      "ints.safetensors", safetensors({{"ids", "I64", {3}, bytes_of(ids)},
                                       {"mask", "BOOL", {2}, std::string("\x01\x00", 2)},
                                       {"f8", "F8_E4M3", {2, 2}, "wxyz"},
                                       {"c", "C64", {1}, std::string(8, '\0')},
                                       {"d", "F64", {1}, bytes_of(std::vector<double>{0.5})}}));
  OpenModel m(path);
  ASSERT_EQ(m.status, MQ_OK);
  EXPECT_EQ(tensor_info(m.model, 0).dtype, MQ_DTYPE_I64);
  EXPECT_EQ(tensor_info(m.model, 1).dtype, MQ_DTYPE_BOOL);
  EXPECT_EQ(tensor_info(m.model, 2).dtype, MQ_DTYPE_F8_E4M3);
  EXPECT_EQ(tensor_info(m.model, 3).dtype, MQ_DTYPE_C64);
  mq::test::Canary<float> dst(8);
  MQ_EXPECT_FAILS(mq_model_read_f32(nullptr, m.model, 0, dst.ptr(), dst.len()), MQ_ERR_UNSUPPORTED,
                  "mq_model_read_f32: tensor 'ids' has dtype I64");
  MQ_EXPECT_FAILS(mq_model_read_f32(nullptr, m.model, 4, dst.ptr(), dst.len()), MQ_ERR_UNSUPPORTED,
                  "has dtype F64");
  EXPECT_TRUE(dst.untouched());
  const void* data = nullptr;
  uint64_t bytes = 0;
  ASSERT_EQ(mq_model_tensor_data(m.model, 0, &data, &bytes), MQ_OK);
  ASSERT_EQ(bytes, 24U);
  int64_t back[3] = {};
  std::memcpy(back, data, sizeof back);
  EXPECT_EQ(back[1], -2);
}

TEST(ModelRead, DtypeNamesAndSizes) {
  const struct {
    const char* name;
    mq_dtype dtype;
    uint32_t size;
  } expected[] = {
      {"F32", MQ_DTYPE_F32, 4},         {"F16", MQ_DTYPE_F16, 2},
      {"BF16", MQ_DTYPE_BF16, 2},       {"F64", MQ_DTYPE_F64, 8},
      {"U8", MQ_DTYPE_U8, 1},           {"I8", MQ_DTYPE_I8, 1},
      {"I16", MQ_DTYPE_I16, 2},         {"U16", MQ_DTYPE_U16, 2},
      {"I32", MQ_DTYPE_I32, 4},         {"U32", MQ_DTYPE_U32, 4},
      {"I64", MQ_DTYPE_I64, 8},         {"U64", MQ_DTYPE_U64, 8},
      {"BOOL", MQ_DTYPE_BOOL, 1},       {"F8_E4M3", MQ_DTYPE_F8_E4M3, 1},
      {"F8_E5M2", MQ_DTYPE_F8_E5M2, 1}, {"F8_E8M0", MQ_DTYPE_F8_E8M0, 1},
      {"C64", MQ_DTYPE_C64, 8},
  };
  for (const auto& e : expected) {
    const char* name = nullptr;
    uint32_t size = 0;
    ASSERT_EQ(mq_dtype_name(e.dtype, &name), MQ_OK);
    ASSERT_EQ(mq_dtype_size(e.dtype, &size), MQ_OK);
    EXPECT_STREQ(name, e.name);
    EXPECT_EQ(size, e.size) << e.name;
  }
  // Pinned values.
  EXPECT_EQ(MQ_DTYPE_F32, 0);
  EXPECT_EQ(MQ_DTYPE_BF16, 2);
  EXPECT_EQ(MQ_DTYPE_BOOL, 12);
  EXPECT_EQ(MQ_DTYPE_C64, 16);
}

TEST(ModelRead, UsesTheContextsAllocatorAndOutlivesTheContext) {
  struct Counts {
    int allocs = 0;
    int frees = 0;
  } counts;
  mq_context_options options{};
  options.struct_size = sizeof options;
  options.alloc_user = &counts;
  options.alloc_fn = [](void* user, size_t size, size_t alignment) -> void* {
    ++static_cast<Counts*>(user)->allocs;
    return aligned_alloc(alignment, (size + alignment - 1) / alignment * alignment);
  };
  options.free_fn = [](void* user, void* p) {
    ++static_cast<Counts*>(user)->frees;
    free(p);
  };
  mq_context* context = nullptr;
  ASSERT_EQ(mq_context_create(&options, &context), MQ_OK) << mq::test::last_error();
  TempDir dir;
  const std::string path =
      dir.write("a.safetensors",
                safetensors({{"w", "F32", {1}, bytes_of(std::vector<float>{1.0F})}}, {{"k", "v"}}));
  mq_model* model = nullptr;
  const int before = counts.allocs;
  ASSERT_EQ(mq_model_open(context, path.c_str(), &model), MQ_OK) << mq::test::last_error();
  EXPECT_GT(counts.allocs, before);
  ASSERT_EQ(mq_context_destroy(context), MQ_OK);
  const char* value = nullptr;
  ASSERT_EQ(mq_model_find_metadata(model, "k", &value), MQ_OK);
  EXPECT_STREQ(value, "v");
  ASSERT_EQ(mq_model_close(model), MQ_OK);
  EXPECT_EQ(counts.allocs, counts.frees);
  EXPECT_EQ(mq_model_close(nullptr), MQ_OK);
}

}  // namespace
