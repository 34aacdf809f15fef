// Quantized files whose monoquant metadata or tensors break the format: mq_model_open refuses them
// with MQ_ERR_MALFORMED_FILE (MQ_ERR_UNSUPPORTED for a newer version) naming the problem, and
// mq_model_load_packed refuses codes, zero points and scales outside their format.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "model/model_test_util.h"

namespace {

using mq::test::bytes_of;
using mq::test::TempDir;
using mq::test::TensorSpec;

// A small valid quantized file, as parts to break: one asymmetric INT4 layer "l" (2 x 4, group 4)
// and one kept layer "k".
struct Parts {
  std::vector<TensorSpec> tensors = {
      {"k.weight", "F32", {1, 2}, bytes_of(std::vector<float>{1.0F, 2.0F})},
      {"l.weight.codes", "U8", {2, 2}, bytes_of(std::vector<uint8_t>{0x10, 0x32, 0x54, 0x76})},
      {"l.weight.scales", "F32", {2, 1}, bytes_of(std::vector<float>{0.5F, 0.25F})},
      {"l.weight.zero_points", "U8", {2, 1}, bytes_of(std::vector<uint8_t>{8, 3})},
  };
  std::map<std::string, std::string> metadata = {
      {"monoquant.format", "monoquant"},
      {"monoquant.format_version", "1"},
      {"bits", "4"},
      {"group_size", "4"},
      {"monoquant.scheme", "asymmetric"},
  };
  std::string int4_layer =
      R"({"name":"l","tensor":"l.weight","kind":"linear","rows":2,"cols":4,"decision":"int4",)"
      R"("rule":"quantize","rule_detail":"","format":"int4","scheme":"asymmetric",)"
      R"("group_size":4,"sqnr_db":21.5,"bytes_before":32,"bytes_after":8})";
  std::string kept_layer =
      R"({"name":"k","tensor":"k.weight","kind":"embedding","rows":1,"cols":2,"decision":"keep",)"
      R"("rule":"default_kind","rule_detail":"default: keep embedding","format":"-",)"
      R"("scheme":"symmetric","group_size":0,"sqnr_db":null,"bytes_before":8,"bytes_after":8})";

  std::string file() const {
    std::map<std::string, std::string> m = metadata;
    if (m.count("monoquant.layers") == 0)
      m["monoquant.layers"] = "[" + int4_layer + "," + kept_layer + "]";
    return mq::test::safetensors(tensors, m);
  }
};

void replace(std::string* s, const std::string& from, const std::string& to) {
  const size_t at = s->find(from);
  ASSERT_NE(at, std::string::npos) << from;
  s->replace(at, from.size(), to);
}

mq_status open_status(const std::string& bytes) {
  TempDir dir;
  mq_model* m = nullptr;
  const mq_status status = mq_model_open(nullptr, dir.write("q.safetensors", bytes).c_str(), &m);
  mq_model_close(m);
  return status;
}

TEST(QuantizedMalformed, TheValidFileOpensAndLoads) {
  TempDir dir;
  const std::string path = dir.write("q.safetensors", Parts().file());
  mq::test::OpenModel m(path);
  mq_model_info info{};
  info.struct_size = sizeof info;
  ASSERT_EQ(mq_model_get_info(m.model, &info), MQ_OK);
  EXPECT_EQ(info.layer_count, 2U);
  EXPECT_EQ(info.group_size, 4U);
  mq_packed_weights* p = nullptr;
  ASSERT_EQ(mq_model_load_packed(nullptr, m.model, 0, &p), MQ_OK) << mq::test::last_error();
  mq_packed_destroy(p);
  mq_model_layer l{};
  l.struct_size = sizeof l;
  ASSERT_EQ(mq_model_get_layer(m.model, 1, &l), MQ_OK);
  EXPECT_STREQ(l.rule_detail, "default: keep embedding");
  EXPECT_TRUE(std::isnan(l.sqnr_db));
  MQ_EXPECT_FAILS(mq_model_get_layer(m.model, 2, &l), MQ_ERR_INVALID_ARGUMENT, "out of range");
}

struct Case {
  const char* what;
  std::function<void(Parts*)> breaks;
  const char* message;
};

TEST(QuantizedMalformed, EveryBrokenRecordIsAFormatErrorNamingTheProblem) {
  const std::vector<Case> cases = {
      {"format name", [](Parts* p) { p->metadata["monoquant.format"] = "gguf"; },
       "monoquant.format: is not \"monoquant\""},
      {"version text", [](Parts* p) { p->metadata["monoquant.format_version"] = "one"; },
       "format_version: is missing"},
      {"bits", [](Parts* p) { p->metadata["bits"] = "5"; }, "metadata bits"},
      {"no group size", [](Parts* p) { p->metadata.erase("group_size"); }, "metadata group_size"},
      {"group size -1 with bits 4", [](Parts* p) { p->metadata["group_size"] = "-1"; },
       "metadata group_size"},
      {"scheme", [](Parts* p) { p->metadata["monoquant.scheme"] = "both"; }, "monoquant.scheme"},
      {"no layers", [](Parts* p) { p->metadata["monoquant.layers"] = "{}"; },
       "monoquant.layers: is not a JSON array"},
      {"layers not JSON", [](Parts* p) { p->metadata["monoquant.layers"] = "[{"; },
       "monoquant.layers: is not a JSON array"},
      {"layer not an object", [](Parts* p) { p->metadata["monoquant.layers"] = "[1]"; },
       "layer 0 is not an object"},
      {"missing field", [](Parts* p) { replace(&p->int4_layer, R"("rows":2,)", ""); },
       "layer 0: the field 'rows' is missing"},
      {"negative field", [](Parts* p) { replace(&p->int4_layer, R"("rows":2)", R"("rows":-2)"); },
       "'rows' is missing or not a non-negative integer"},
      {"unknown kind", [](Parts* p) { replace(&p->int4_layer, "linear", "gizmo"); },
       "'kind' has the unknown value 'gizmo'"},
      {"bad sqnr", [](Parts* p) { replace(&p->int4_layer, "21.5", "\"high\""); },
       "'sqnr_db' is not a number"},
      {"format vs decision",
       [](Parts* p) { replace(&p->int4_layer, R"("format":"int4")", R"("format":"int8_rows")"); },
       "its format does not match its decision"},
      {"group above cols",
       [](Parts* p) { replace(&p->int4_layer, R"("group_size":4)", R"("group_size":5)"); },
       "group size is 0 or larger than cols"},
      {"zero rows", [](Parts* p) { replace(&p->int4_layer, R"("rows":2)", R"("rows":0)"); },
       "rows x cols is zero"},
      {"missing codes", [](Parts* p) { p->tensors[1].name = "l.weight.kodes"; },
       "its tensor 'l.weight.codes' is missing"},
      {"codes dtype", [](Parts* p) { p->tensors[1].dtype = "I8"; },
       "its tensor 'l.weight.codes' is not U8 [2, 2]"},
      {"scales shape",
       [](Parts* p) {
         p->tensors[2].shape = {1, 2};
       },
       "its tensor 'l.weight.scales' is not F32 [2, 1]"},
      {"no zero points", [](Parts* p) { p->tensors[3].name = "l.weight.zeros"; },
       "its tensor 'l.weight.zero_points' is missing"},
      {"kept tensor size", [](Parts* p) { replace(&p->kept_layer, R"("cols":2)", R"("cols":3)"); },
       "its kept tensor 'k.weight' does not hold rows x cols elements"},
      {"duplicate layer",
       [](Parts* p) { replace(&p->kept_layer, R"("name":"k")", R"("name":"l")"); },
       "the layer name 'l' appears twice"},
  };
  for (const Case& c : cases) {
    Parts parts;
    c.breaks(&parts);
    MQ_EXPECT_FAILS(open_status(parts.file()), MQ_ERR_MALFORMED_FILE, c.message);
    EXPECT_NE(mq::test::last_error().find("(in '"), std::string::npos) << c.what;
  }
}

TEST(QuantizedMalformed, ANewerFormatVersionIsUnsupported) {
  Parts parts;
  parts.metadata["monoquant.format_version"] = "2";
  MQ_EXPECT_FAILS(open_status(parts.file()), MQ_ERR_UNSUPPORTED, "newer than this library reads");
}

TEST(QuantizedMalformed, ValuesOutsideTheFormatFailAtLoad) {
  const std::vector<std::pair<const char*, std::function<void(Parts*)>>> cases = {
      {"zero point 16",
       [](Parts* p) {
         p->tensors[3].data = bytes_of(std::vector<uint8_t>{16, 3});
       }},
      {"NaN scale",
       [](Parts* p) {
         p->tensors[2].data = bytes_of(std::vector<float>{NAN, 1.0F});
       }},
      {"negative scale",
       [](Parts* p) {
         p->tensors[2].data = bytes_of(std::vector<float>{-1.0F, 1.0F});
       }},
  };
  for (const auto& [what, breaks] : cases) {
    Parts parts;
    breaks(&parts);
    TempDir dir;
    mq::test::OpenModel m(dir.write("q.safetensors", parts.file()));
    mq_packed_weights* p = nullptr;
    MQ_EXPECT_FAILS(mq_model_load_packed(nullptr, m.model, 0, &p), MQ_ERR_MALFORMED_FILE,
                    "mq_model_load_packed: layer 0 ('l')");
    EXPECT_EQ(p, nullptr) << what;
  }
}

TEST(QuantizedMalformed, Int8CodeMinus128FailsAtLoad) {
  Parts parts;
  parts.metadata["bits"] = "8";
  parts.metadata["group_size"] = "-1";
  parts.metadata["monoquant.scheme"] = "symmetric";
  parts.tensors = {
      {"l.weight.codes", "I8", {1, 2}, bytes_of(std::vector<int8_t>{-128, 5})},
      {"l.weight.scales", "F32", {1, 1}, bytes_of(std::vector<float>{0.5F})},
  };
  parts.metadata["monoquant.layers"] =
      R"([{"name":"l","tensor":"l.weight","kind":"linear","rows":1,"cols":2,"decision":"int8_rows",)"
      R"("rule":"quantize","rule_detail":"","format":"int8_rows","scheme":"symmetric",)"
      R"("group_size":2,"sqnr_db":"inf","bytes_before":8,"bytes_after":6}])";
  TempDir dir;
  mq::test::OpenModel m(dir.write("q.safetensors", parts.file()));
  mq_model_info info{};
  info.struct_size = sizeof info;
  ASSERT_EQ(mq_model_get_info(m.model, &info), MQ_OK);
  EXPECT_EQ(info.bits, 8U);
  EXPECT_EQ(info.group_size, 0U);
  mq_model_layer l{};
  l.struct_size = sizeof l;
  ASSERT_EQ(mq_model_get_layer(m.model, 0, &l), MQ_OK);
  EXPECT_TRUE(std::isinf(l.sqnr_db));
  mq_packed_weights* p = nullptr;
  MQ_EXPECT_FAILS(mq_model_load_packed(nullptr, m.model, 0, &p), MQ_ERR_MALFORMED_FILE, "-128");
}

}  // namespace
