// Malformed, truncated, hostile and unreadable files: each gives its status and a message naming
// the problem (and the tensor), never a crash, and never a model.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdint>
#include <string>
#include <vector>

#include "api/api_test_util.h"
#include "model/safetensors_file.h"
#include "monoquant/monoquant.h"
#include "support/random_data.h"

namespace {

using mq::test::file_bytes;
using mq::test::TempDir;

// A pointer value that no successful open returns: a failed open must leave it as it is.
mq_model* sentinel() {
  static int object;
  return reinterpret_cast<mq_model*>(&object);
}

// Opens `bytes` written to a file; expects `status` with `fragment` in the message.
void expect_open_fails(const std::string& bytes, mq_status status, const std::string& fragment) {
  TempDir dir;
  const std::string path = dir.write("bad.safetensors", bytes);
  mq_model* model = sentinel();
  MQ_EXPECT_FAILS(mq_model_open(nullptr, path.c_str(), &model), status, fragment);
  EXPECT_EQ(model, sentinel());
  EXPECT_NE(mq::test::last_error().find("mq_model_open: "), std::string::npos);
  if (model != sentinel()) mq_model_close(model);
}

void expect_malformed(const std::string& header, const std::string& data,
                      const std::string& fragment) {
  SCOPED_TRACE(header);
  expect_open_fails(file_bytes(header, data), MQ_ERR_MALFORMED_FILE, fragment);
}

std::string tensor(const std::string& name, const std::string& dtype, const std::string& shape,
                   uint64_t begin, uint64_t end) {
  return "\"" + name + R"(":{"dtype":")" + dtype + R"(","shape":)" + shape +
         R"(,"data_offsets":[)" + std::to_string(begin) + "," + std::to_string(end) + "]}";
}

// Data for one 2 x F32 tensor (a constant array: a static std::string could throw before main).
constexpr char kEight[] = "\x11\x11\x11\x11\x11\x11\x11\x11";

TEST(ModelMalformed, FileAndHeaderLength) {
  expect_open_fails("", MQ_ERR_MALFORMED_FILE, "the file is 0 bytes, shorter than the 8-byte");
  expect_open_fails("abc", MQ_ERR_MALFORMED_FILE, "the file is 3 bytes");
  expect_open_fails(mq::test::length_prefix(0) + "{}", MQ_ERR_MALFORMED_FILE,
                    "the header length is 0");
  expect_open_fails(mq::test::length_prefix(100'000'001) + "{}", MQ_ERR_MALFORMED_FILE,
                    "the header length 100000001 exceeds the limit of 100000000 bytes");
  expect_open_fails(mq::test::length_prefix(~uint64_t{0}) + "{}", MQ_ERR_MALFORMED_FILE,
                    "exceeds the limit");
  expect_open_fails(mq::test::length_prefix(100) + "{}", MQ_ERR_MALFORMED_FILE,
                    "the header length 100 exceeds the 2 bytes that follow it");
}

TEST(ModelMalformed, HeaderIsNotAJsonObject) {
  expect_malformed("[]", "", "the header does not start with '{'");
  expect_malformed(" {}", "", "does not start with '{'");
  expect_malformed("\"{}\"", "", "does not start with '{'");
  expect_malformed("{\"a\":", "", "the header is not valid JSON");
  expect_malformed("{} x", "", "not valid JSON");
  expect_malformed("{}{}", "", "not valid JSON");
  expect_malformed("{\"a\" 1}", "", "not valid JSON");
  expect_malformed("{\"\xff\xfe\":{}}", "", "the header is not valid UTF-8");
  expect_malformed("{\"\xc3\":{}}", "", "not valid UTF-8");  // a cut two-byte sequence
  // Trailing spaces are padding, and accepted: this one fails later, for its hole.
  expect_malformed("{}      ", "x", "bytes [0, 1) at its end belong to no tensor");
}

TEST(ModelMalformed, Metadata) {
  expect_malformed(R"({"__metadata__":"x"})", "", "__metadata__ is not an object");
  expect_malformed(R"({"__metadata__":["a"]})", "", "__metadata__ is not an object");
  expect_malformed(R"({"__metadata__":{"k":1}})", "", "__metadata__ entry 'k' is not a string");
  expect_malformed(R"({"__metadata__":{"k":{"x":"y"}}})", "", "entry 'k' is not a string");
  expect_malformed(R"({"__metadata__":{"k":"a","k":"b"}})", "",
                   "__metadata__ has the key 'k' twice");
  expect_malformed(R"({"__metadata__":{},"__metadata__":{}})", "", "__metadata__ appears twice");
  expect_malformed(R"({"__metadata__":{"k":"a\u0000b"}})", "",
                   "__metadata__ entry 'k' contains a NUL in its value");
  expect_malformed(R"({"__metadata__":{"k\u0000":"v"}})", "", "contains a NUL");
}

TEST(ModelMalformed, TensorEntryFields) {
  expect_malformed(R"({"w":1})", "", "tensor 'w': the entry is not an object");
  expect_malformed(R"({"w":[]})", "", "tensor 'w': the entry is not an object");
  expect_malformed(R"({"w":{"shape":[2],"data_offsets":[0,8]}})", kEight,
                   "tensor 'w': the field dtype is missing");
  expect_malformed(R"({"w":{"dtype":"F32","data_offsets":[0,8]}})", kEight,
                   "tensor 'w': the field shape is missing");
  expect_malformed(R"({"w":{"dtype":"F32","shape":[2]}})", kEight,
                   "tensor 'w': the field data_offsets is missing");
  expect_malformed(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"extra":1}})", kEight,
                   "tensor 'w': unknown field 'extra'");
  expect_malformed(R"({"w":{"dtype":"F32","dtype":"F32","shape":[2],"data_offsets":[0,8]}})",
                   kEight, "tensor 'w': the field dtype appears twice");
  expect_malformed("{" + tensor("", "F32", "[2]", 0, 8) + "}", kEight,
                   "a tensor has an empty name");
  expect_malformed(R"({"a\u0000b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", kEight,
                   "the name contains a NUL");
}

TEST(ModelMalformed, Dtype) {
  expect_malformed("{" + tensor("w", "F17", "[2]", 0, 8) + "}", kEight,
                   "tensor 'w': unknown dtype 'F17'");
  expect_malformed("{" + tensor("w", "f32", "[2]", 0, 8) + "}", kEight, "unknown dtype 'f32'");
  expect_malformed(R"({"w":{"dtype":4,"shape":[2],"data_offsets":[0,8]}})", kEight,
                   "tensor 'w': dtype is not a string");
  // Defined by the format, but sub-byte: refused as unsupported rather than malformed.
  expect_open_fails(file_bytes("{" + tensor("w", "F4", "[2]", 0, 1) + "}", "x"), MQ_ERR_UNSUPPORTED,
                    "tensor 'w': dtype 'F4' (less than a byte per element)");
}

TEST(ModelMalformed, Shape) {
  expect_malformed("{" + tensor("w", "F32", "2", 0, 8) + "}", kEight,
                   "tensor 'w': shape is not an array");
  expect_malformed("{" + tensor("w", "U8", "[1,1,1,1,1,1,1,1,1]", 0, 1) + "}", "x",
                   "tensor 'w': shape has 9 dimensions; at most 8 are supported");
  expect_malformed("{" + tensor("w", "F32", "[-2]", 0, 8) + "}", kEight,
                   "tensor 'w': shape[0] is not a non-negative integer");
  expect_malformed("{" + tensor("w", "F32", "[1,2.0]", 0, 8) + "}", kEight,
                   "shape[1] is not a non-negative integer");
  expect_malformed("{" + tensor("w", "F32", "[\"2\"]", 0, 8) + "}", kEight,
                   "shape[0] is not a non-negative integer");
  expect_malformed("{" + tensor("w", "F32", "[4294967296,4294967296,2]", 0, 8) + "}", kEight,
                   "tensor 'w': shape [4294967296, 4294967296, 2] has more than 2^64 elements");
  expect_malformed("{" + tensor("w", "F32", "[4611686018427387904,2]", 0, 8) + "}", kEight,
                   "shape [4611686018427387904, 2] of F32 has more than 2^64 bytes");
  expect_malformed("{" + tensor("w", "F32", "[18446744073709551615]", 0, 8) + "}", kEight,
                   "more than 2^64 bytes");
}

TEST(ModelMalformed, DataOffsets) {
  expect_malformed(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":8}})", kEight,
                   "tensor 'w': data_offsets is not an array of two integers");
  expect_malformed(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4,8]}})", kEight,
                   "data_offsets is not an array of two integers");
  expect_malformed(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[-1,8]}})", kEight,
                   "tensor 'w': data_offsets[0] is not a non-negative integer");
  expect_malformed(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8.5]}})", kEight,
                   "data_offsets[1] is not a non-negative integer");
  expect_malformed("{" + tensor("w", "F32", "[0]", 8, 0) + "}", kEight,
                   "tensor 'w': data_offsets [8, 0] end before they begin");
  expect_malformed(
      "{" + tensor("w", "F32", "[3]", 0, 12) + "}", kEight,
      "tensor 'w': data_offsets [0, 12] run past the end of the data section (8 bytes)");
  expect_malformed("{" + tensor("w", "F32", "[3]", 0, 8) + "}", kEight,
                   "tensor 'w': data_offsets [0, 8] hold 8 bytes but shape [3] of F32 needs 12");
  expect_malformed("{" + tensor("w", "F16", "[2,3]", 0, 8) + "}", kEight,
                   "shape [2, 3] of F16 needs 12");
}

TEST(ModelMalformed, LayoutOverlapsHolesAndDuplicates) {
  const std::string sixteen(16, '\x22');
  expect_malformed("{" + tensor("a", "F32", "[2]", 0, 8) + "," + tensor("b", "F32", "[2]", 4, 12) +
                       "," + tensor("c", "F32", "[1]", 12, 16) + "}",
                   sixteen, "tensor 'b': data_offsets [4, 12] overlap tensor 'a' [0, 8]");
  expect_malformed(
      "{" + tensor("a", "F32", "[2]", 0, 8) + "," + tensor("b", "F32", "[2]", 0, 8) + "}", kEight,
      "overlap tensor 'a' [0, 8]");
  // A zero-byte tensor inside another one overlaps it too (as in the reference implementation).
  expect_malformed(
      "{" + tensor("a", "F32", "[2]", 0, 8) + "," + tensor("z", "F32", "[0]", 4, 4) + "}", kEight,
      "tensor 'z': data_offsets [4, 4] overlap tensor 'a' [0, 8]");
  expect_malformed(
      "{" + tensor("a", "F32", "[1]", 0, 4) + "," + tensor("b", "F32", "[2]", 8, 16) + "}", sixteen,
      "the data section has a hole: bytes [4, 8) before tensor 'b'");
  expect_malformed("{" + tensor("b", "F32", "[2]", 8, 16) + "}", sixteen,
                   "bytes [0, 8) before tensor 'b' belong to no tensor");
  expect_malformed("{" + tensor("a", "F32", "[2]", 0, 8) + "}", sixteen,
                   "the data section has a hole: bytes [8, 16) at its end belong to no tensor");
  expect_malformed(
      "{" + tensor("a", "F32", "[1]", 0, 4) + "," + tensor("a", "F32", "[1]", 4, 8) + "}", kEight,
      "the tensor name 'a' appears twice");
}

TEST(ModelMalformed, LongNamesAreCutInMessagesButTheProblemIsKept) {
  const std::string name(5000, 'n');
  expect_malformed("{" + tensor(name, "F17", "[2]", 0, 8) + "}", kEight, "...': unknown dtype");
}

// A valid file cut at every length: each prefix is refused cleanly.
TEST(ModelMalformed, TruncatedAtEveryLength) {
  const std::string full = mq::test::safetensors(
      {{"a", "F32", {2}, kEight}, {"b", "F16", {3}, std::string(6, '\x33')}, {"c", "U8", {1}, "z"}},
      {{"k", "v"}});
  TempDir dir;
  const std::string whole = dir.write("whole.safetensors", full);
  mq_model* model = nullptr;
  ASSERT_EQ(mq_model_open(nullptr, whole.c_str(), &model), MQ_OK) << mq::test::last_error();
  mq_model_close(model);
  for (size_t n = 0; n < full.size(); ++n) {
    const std::string path = dir.write("cut.safetensors", full.substr(0, n));
    model = sentinel();
    EXPECT_EQ(mq_model_open(nullptr, path.c_str(), &model), MQ_ERR_MALFORMED_FILE)
        << n << " bytes: " << mq::test::last_error();
    EXPECT_EQ(model, sentinel());
  }
}

// Random bytes, and a valid file with each header byte replaced by hostile values: whatever the
// status, nothing crashes (the sanitizer builds watch for reads out of bounds), and a model that
// does open is consistent enough to describe every tensor.
TEST(ModelMalformed, GarbageAndMutatedHeaders) {
  TempDir dir;
  for (uint64_t seed = 0; seed < 8; ++seed) {
    const std::vector<uint8_t> noise =
        mq::test::random_bytes(64 + 512 * seed, mq::test::test_seed(seed));
    expect_open_fails(std::string(noise.begin(), noise.end()), MQ_ERR_MALFORMED_FILE, "header");
    // A plausible length prefix in front of the noise gets past the first checks.
    expect_open_fails(mq::test::length_prefix(40) + "{" + std::string(noise.begin(), noise.end()),
                      MQ_ERR_MALFORMED_FILE, "the header");
  }
  const std::string valid = mq::test::safetensors(
      {{"a", "F32", {2}, kEight}, {"b", "BF16", {1, 2}, "wxyz"}}, {{"k", "v"}});
  const size_t header_end = valid.size() - 12;
  for (size_t i = 0; i < header_end; ++i) {
    for (const char c : {'\0', '"', '{', '}', '[', ']', '9', '-', ',', '\xff'}) {
      std::string bytes = valid;
      bytes[i] = c;
      const std::string path = dir.write("mutated.safetensors", bytes);
      mq_model* model = nullptr;
      const mq_status s = mq_model_open(nullptr, path.c_str(), &model);
      EXPECT_TRUE(s == MQ_OK || s == MQ_ERR_MALFORMED_FILE || s == MQ_ERR_UNSUPPORTED)
          << "byte " << i << ": " << mq::test::last_error();
      if (s != MQ_OK) continue;
      mq_model_info info{};
      info.struct_size = sizeof info;
      ASSERT_EQ(mq_model_get_info(model, &info), MQ_OK);
      for (uint64_t t = 0; t < info.tensor_count; ++t) {
        mq_tensor_info ti{};
        ti.struct_size = sizeof ti;
        ASSERT_EQ(mq_model_get_tensor(model, t, &ti), MQ_OK);
        EXPECT_LE(ti.file_offset + ti.byte_size, info.file_size);
      }
      mq_model_close(model);
    }
  }
}

TEST(ModelMalformed, IoErrorsNameThePathAndTheReason) {
  TempDir dir;
  const std::string missing = dir.path() + "/no_such.safetensors";
  mq_model* model = sentinel();
  MQ_EXPECT_FAILS(mq_model_open(nullptr, missing.c_str(), &model), MQ_ERR_IO,
                  "mq_model_open: cannot open '" + missing + "': No such file or directory");
  MQ_EXPECT_FAILS(mq_model_open(nullptr, dir.path().c_str(), &model), MQ_ERR_IO,
                  "cannot read '" + dir.path() + "': Is a directory");
  MQ_EXPECT_FAILS(mq_model_open(nullptr, "", &model), MQ_ERR_IO, "cannot open ''");
  // Not regular files: a character device, and a FIFO with no writer (which must not block).
  MQ_EXPECT_FAILS(mq_model_open(nullptr, "/dev/null", &model), MQ_ERR_IO,
                  "cannot read '/dev/null': not a regular file");
  const std::string fifo = dir.path() + "/fifo.safetensors";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  MQ_EXPECT_FAILS(mq_model_open(nullptr, fifo.c_str(), &model), MQ_ERR_IO, "not a regular file");
  EXPECT_EQ(model, sentinel());
}

}  // namespace
