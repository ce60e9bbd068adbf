// Dataset manifests: JSON round trips, a hand-written document read field by field, validation.
#include "hyv/service/dataset_manifest.h"

#include <gtest/gtest.h>

namespace hyv::service {
namespace {

const std::string kSha(64, 'a');

DatasetManifest sample() {
  DatasetManifest m;
  m.id = "ds-1";
  m.name = "Customer \"orders\" \xc3\xa9t\xc3\xa9";
  m.type = DataType::kTable;
  m.model_id = "distilgpt2";
  m.model_sha256 = kSha;
  m.params_json = R"({"rows":1000,"schema":{"columns":[{"name":"id"}]},"temperature":0.7})";
  m.seed = 18446744073709551615ull;
  m.created_at_ms = 1700000000000;
  m.finished_at_ms = 1700000005000;
  m.size_bytes = 12345;
  m.item_count = 1000;
  m.quality_score = 0.8125;
  m.quality_report_json = R"({"quality":{"score":0.8125},"shapes":[]})";
  m.tags = {"orders", "demo"};
  return m;
}

void expect_same(const DatasetManifest& a, const DatasetManifest& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.type, b.type);
  EXPECT_EQ(a.model_id, b.model_id);
  EXPECT_EQ(a.model_sha256, b.model_sha256);
  EXPECT_EQ(a.params_json, b.params_json);
  EXPECT_EQ(a.seed, b.seed);
  EXPECT_EQ(a.created_at_ms, b.created_at_ms);
  EXPECT_EQ(a.finished_at_ms, b.finished_at_ms);
  EXPECT_EQ(a.size_bytes, b.size_bytes);
  EXPECT_EQ(a.item_count, b.item_count);
  EXPECT_EQ(a.quality_score, b.quality_score);
  EXPECT_EQ(a.quality_report_json, b.quality_report_json);
  EXPECT_EQ(a.tags, b.tags);
}

TEST(DatasetManifest, RoundTrips) {
  DatasetManifest m = sample();
  ASSERT_TRUE(validate_manifest(m).ok()) << validate_manifest(m).message();
  std::string json = dataset_manifest_to_json(m);
  auto back = dataset_manifest_from_json(json);
  ASSERT_TRUE(back.ok()) << back.status().message() << "\n" << json;
  expect_same(back.value(), m);
  EXPECT_EQ(dataset_manifest_to_json(back.value()), json);
}

TEST(DatasetManifest, RoundTripsWithoutQuality) {
  DatasetManifest m = sample();
  m.quality_score.reset();
  m.quality_report_json.clear();
  m.tags.clear();
  m.finished_at_ms = 0;
  std::string json = dataset_manifest_to_json(m);
  EXPECT_NE(json.find("\"quality\":null"), std::string::npos) << json;
  auto back = dataset_manifest_from_json(json);
  ASSERT_TRUE(back.ok()) << back.status().message();
  expect_same(back.value(), m);
}

TEST(DatasetManifest, ReadsHandWrittenDocument) {
  const char* json = R"({
    "id": "poems.v2", "name": "Poems", "type": "text",
    "model": {"sha256": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
              "id": "gpt2-small"},
    "params": { "prompt": "Once", "max_tokens": 64 },
    "seed": "9007199254740993",
    "created_at_ms": 5, "finished_at_ms": 7, "size_bytes": 100, "item_count": 3,
    "quality": {"score": 0.5, "report": {"distinct_2": 0.9}},
    "tags": ["poetry"]
  })";
  auto r = dataset_manifest_from_json(json);
  ASSERT_TRUE(r.ok()) << r.status().message();
  const DatasetManifest& m = r.value();
  EXPECT_EQ(m.id, "poems.v2");
  EXPECT_EQ(m.type, DataType::kText);
  EXPECT_EQ(m.model_id, "gpt2-small");
  EXPECT_EQ(m.params_json, R"({"prompt":"Once","max_tokens":64})");
  EXPECT_EQ(m.seed, 9007199254740993ull) << "2^53 + 1 survives as a string";
  EXPECT_EQ(m.created_at_ms, 5);
  EXPECT_EQ(m.finished_at_ms, 7);
  EXPECT_EQ(m.size_bytes, 100u);
  EXPECT_EQ(m.item_count, 3u);
  EXPECT_EQ(m.quality_score, 0.5);
  EXPECT_EQ(m.quality_report_json, R"({"distinct_2":0.9})");
  EXPECT_EQ(m.tags, std::vector<std::string>{"poetry"});
}

Status parse_error(const std::string& json) {
  return dataset_manifest_from_json(json).status();
}

std::string with(const std::string& field, const std::string& value) {
  // Replaces one top-level field of the sample's JSON text.
  std::string json = dataset_manifest_to_json(sample());
  std::string key = "\"" + field + "\":";
  size_t start = json.find(key);
  EXPECT_NE(start, std::string::npos);
  size_t end = start + key.size();
  int depth = 0;
  bool in_string = false;
  for (; end < json.size(); ++end) {
    char c = json[end];
    if (in_string) {
      if (c == '\\')
        ++end;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"')
      in_string = true;
    else if (c == '{' || c == '[')
      ++depth;
    else if (c == '}' || c == ']') {
      if (depth == 0) break;
      --depth;
    } else if (c == ',' && depth == 0)
      break;
  }
  return json.substr(0, start) + key + value + json.substr(end);
}

void expect_error(const std::string& json, const std::string& needle) {
  Status st = parse_error(json);
  EXPECT_FALSE(st.ok()) << json;
  EXPECT_NE(st.message().find(needle), std::string::npos) << st.message();
}

TEST(DatasetManifest, ErrorsNameTheField) {
  ASSERT_TRUE(dataset_manifest_from_json(with("seed", "\"7\"")).ok());
  expect_error(with("id", "\"a/b\""), "'id'");
  expect_error(with("id", "\".hidden\""), "'id'");
  expect_error(with("name", "\"\""), "'name'");
  expect_error(with("type", "\"image\""), "'type'");
  expect_error(with("model", R"({"id":"m","sha256":"ABC"})"), "'model.sha256'");
  expect_error(with("model", R"({"id":"m","sha256":")" + kSha + R"(","x":1})"),
               "unknown field 'x'");
  expect_error(with("params", "[1]"), "'params'");
  expect_error(with("seed", "42"), "'seed'");
  expect_error(with("seed", "\"18446744073709551616\""), "'seed'");
  expect_error(with("seed", "\"-1\""), "'seed'");
  expect_error(with("size_bytes", "-1"), "'size_bytes'");
  expect_error(with("item_count", "1.5"), "'item_count'");
  expect_error(with("created_at_ms", "-1"), "'created_at_ms'");
  expect_error(with("finished_at_ms", "1"), "'finished_at_ms'");
  expect_error(with("quality", R"({"score":1.5})"), "'quality.score'");
  expect_error(with("quality", R"({"score":0.5,"report":3})"), "'quality.report'");
  expect_error(with("tags", R"(["a","a"])"), "'tags'");
  expect_error(with("tags", R"(["a",1])"), "'tags'");
  expect_error(with("tags", R"([""])"), "'tags'");
  expect_error(with("tags", "[\"a\\tb\"]"), "'tags'");
}

TEST(DatasetManifest, RefusesUnknownFieldsAndBadJson) {
  std::string json = dataset_manifest_to_json(sample());
  expect_error("{\"colour\":1," + json.substr(1), "unknown field 'colour'");
  Status st = parse_error(R"({"id": "x",})");
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("at byte 11"), std::string::npos) << st.message();
  expect_error("[]", "expected a JSON object");
}

TEST(DatasetManifest, ValidatesStructFields) {
  DatasetManifest m = sample();
  m.params_json = "{\"a\":";
  EXPECT_NE(validate_manifest(m).message().find("'params'"), std::string::npos);
  m = sample();
  m.quality_report_json = "not json";
  EXPECT_NE(validate_manifest(m).message().find("'quality.report'"), std::string::npos);
  m = sample();
  m.tags.assign(kMaxTags + 1, "t");
  for (size_t i = 0; i < m.tags.size(); ++i) m.tags[i] += std::to_string(i);
  EXPECT_FALSE(validate_manifest(m).ok());
  m = sample();
  m.name = std::string(kMaxNameBytes + 1, 'n');
  EXPECT_FALSE(validate_manifest(m).ok());
}

TEST(DatasetManifest, RefusesDeepNestingWithoutCrashing) {
  // Deep enough to overflow a recursive parser's stack if it were parsed.
  std::string deep = std::string(200000, '[') + std::string(200000, ']');
  Status st = parse_error(with("params", deep));
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("nested deeper than 64"), std::string::npos) << st.message();
  DatasetManifest m = sample();
  m.params_json = "{\"a\":" + deep + "}";
  EXPECT_FALSE(validate_manifest(m).ok());
  // Brackets inside strings do not count, and 64 levels are fine.
  m.params_json = "{\"a\":\"" + std::string(1000, '[') + "\"}";
  EXPECT_TRUE(validate_manifest(m).ok()) << validate_manifest(m).message();
  m.params_json = std::string(1, '{');
  for (int i = 1; i < 64; ++i) m.params_json += "\"k\":{";
  m.params_json += std::string(64, '}');
  EXPECT_TRUE(validate_manifest(m).ok()) << validate_manifest(m).message();
  m.params_json = "{\"k\":" + m.params_json + "}";
  EXPECT_FALSE(validate_manifest(m).ok());
}

TEST(DatasetManifest, DataTypeNames) {
  for (DataType t : {DataType::kText, DataType::kCode, DataType::kTable}) {
    auto back = parse_data_type(data_type_name(t));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back.value(), t);
  }
  EXPECT_FALSE(parse_data_type("Table").ok());
}

}  // namespace
}  // namespace hyv::service
