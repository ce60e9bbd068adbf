// Deeply nested JSON from a user (100,000 '[') is an error naming the byte at every reader that
// takes such JSON, instead of a stack overflow in RapidJSON's recursive parser.
#include "hyv/json_nesting.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "hyv/engine/gpt2.h"
#include "hyv/engine/safetensors.h"
#include "hyv/engine/tokenizer.h"
#include "hyv/synth/copula_model.h"
#include "hyv/synth/schema.h"

namespace hyv {
namespace {

const std::string kDeep = std::string(100000, '[') + std::string(100000, ']');

TEST(JsonNesting, FindsTheFirstTooDeepBracketOutsideStrings) {
  EXPECT_FALSE(json_nesting_too_deep_at(R"({"a": [[1, 2], {"b": "[[[[["}]})"));
  EXPECT_FALSE(json_nesting_too_deep_at(std::string(64, '[') + std::string(64, ']')));
  EXPECT_EQ(json_nesting_too_deep_at(std::string(65, '{')), 64u);
  // Brackets inside strings, escaped quotes included, do not count.
  std::string quoted = "[\"\\\"" + std::string(100, '[') + "\"]";
  EXPECT_FALSE(json_nesting_too_deep_at(quoted));
  Status s = check_json_nesting(kDeep, "schema.json", 10);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(),
            "schema.json: JSON nested deeper than 64 levels at byte 74 (arrays and objects count "
            "one each)");
}

TEST(JsonNesting, EveryUserJsonReaderRefusesDeepNesting) {
  auto expect_refused = [](const Status& s, const char* what) {
    ASSERT_FALSE(s.ok()) << what;
    EXPECT_NE(s.message().find("nested deeper than 64 levels"), std::string::npos)
        << what << ": " << s.message();
  };
  expect_refused(synth::parse_schema(R"({"tables": )" + kDeep + "}").status(), "schema");
  expect_refused(engine::parse_gpt2_config(kDeep).status(), "config.json");
  expect_refused(engine::BpeTokenizer::from_tokenizer_json(kDeep).status(), "tokenizer.json");
  expect_refused(engine::BpeTokenizer::from_vocab_merges(kDeep, "").status(), "vocab.json");
  expect_refused(synth::parse_copula_model(kDeep, "m.json").status(), "copula model");
  // A safetensors header is JSON too: 8 bytes of little-endian length, then the header.
  std::vector<uint8_t> file(8 + kDeep.size());
  uint64_t n = kDeep.size();
  std::memcpy(file.data(), &n, 8);
  std::memcpy(file.data() + 8, kDeep.data(), kDeep.size());
  expect_refused(engine::SafetensorsFile::parse(Bytes(file)).status(), "safetensors");
}

}  // namespace
}  // namespace hyv
