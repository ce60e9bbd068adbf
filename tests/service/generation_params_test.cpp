// Job parameters: defaults, ranges, field-naming errors, canonical form.
#include "hyv/service/generation_params.h"

#include <gtest/gtest.h>

#include <set>

namespace hyv::service {
namespace {

std::string text_error(const std::string& params) {
  auto r = parse_text_params(DataType::kText, params, 1);
  EXPECT_FALSE(r.ok()) << params;
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << r.status().message();
  return r.status().message();
}

TEST(GenerationParams, TextDefaultsAreFilledInAndCanonical) {
  auto p = parse_text_params(DataType::kText, "{}", 99);
  ASSERT_TRUE(p.ok()) << p.status().message();
  TextParams v = p.value();
  v.model = "text-small";
  EXPECT_EQ(text_params_json(v),
            R"({"model":"text-small","prompts":[""],"samples":5,"max_tokens":64,)"
            R"("temperature":0.8,"top_k":40,"top_p":0.95,"min_p":0.05,"repetition_penalty":1.1,)"
            R"("stop":[],"seed":"99"})");
}

TEST(GenerationParams, MaxTokensUpTo4096) {
  auto p = parse_text_params(DataType::kText, R"({"max_tokens": 4096})", 1);
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p.value().max_tokens, 4096);
}

TEST(GenerationParams, StopListLimits) {
  std::string sixteen = R"({"stop": [)";
  for (int i = 0; i < 16; ++i)
    sixteen += std::string(i ? "," : "") + "\"s" + std::to_string(i) + "\"";
  EXPECT_TRUE(parse_text_params(DataType::kText, sixteen + "]}", 1).ok());
  EXPECT_EQ(text_error(sixteen + R"(,"x"]})"), "params.stop must be 0..16 entries (got 17)");
  std::string long_stop = R"({"stop": [")" + std::string(257, 'a') + R"("]})";
  EXPECT_EQ(text_error(long_stop), "params.stop[0] must be 1..256 bytes (got 257)");
  EXPECT_TRUE(
      parse_text_params(DataType::kText, R"({"stop": [")" + std::string(256, 'a') + R"("]})", 1)
          .ok());
}

TEST(GenerationParams, CodeDefaultsTo128Tokens) {
  auto p = parse_text_params(DataType::kCode, "{}", 1);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p.value().max_tokens, 128);
}

TEST(GenerationParams, CanonicalFormReadsBackToItself) {
  auto p =
      parse_text_params(DataType::kText,
                        R"({"model":"m","prompt":"Once","samples":3,"max_tokens":9,)"
                        R"("temperature":0.3,"top_k":7,"top_p":0.5,"min_p":0.1,)"
                        R"("repetition_penalty":1.3,"stop":["\n"],"seed":"18446744073709551615"})",
                        1);
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p.value().seed, 18446744073709551615ull);
  EXPECT_EQ(p.value().prompts, std::vector<std::string>{"Once"});
  std::string canonical = text_params_json(p.value());
  auto again = parse_text_params(DataType::kText, canonical, 5);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(text_params_json(again.value()), canonical);
}

TEST(GenerationParams, SeedAsNumberOrString) {
  EXPECT_EQ(parse_text_params(DataType::kText, R"({"seed": 42})", 1).value().seed, 42u);
  EXPECT_EQ(parse_text_params(DataType::kText, R"({"seed": "42"})", 1).value().seed, 42u);
  EXPECT_NE(text_error(R"({"seed": -1})").find("params.seed"), std::string::npos);
  EXPECT_NE(text_error(R"({"seed": "4x"})").find("params.seed"), std::string::npos);
  EXPECT_NE(text_error(R"({"seed": "18446744073709551616"})").find("params.seed"),
            std::string::npos);
}

TEST(GenerationParams, ErrorsNameTheFieldAndRange) {
  EXPECT_EQ(text_error(R"({"temperature": 3})"), "params.temperature must be 0..2 (got 3)");
  EXPECT_EQ(text_error(R"({"samples": 0})"), "params.samples must be 1..1000 (got 0)");
  EXPECT_EQ(text_error(R"({"max_tokens": 4097})"), "params.max_tokens must be 1..4096 (got 4097)");
  EXPECT_EQ(text_error(R"({"top_p": 1.5})"), "params.top_p must be 0..1 (got 1.5)");
  EXPECT_EQ(text_error(R"({"top_k": 1001})"), "params.top_k must be 0..1000 (got 1001)");
  EXPECT_NE(text_error(R"({"top_k": 2.5})").find("params.top_k: expected a whole number"),
            std::string::npos);
  EXPECT_NE(text_error(R"({"repetition_penalty": 0.9})").find("params.repetition_penalty"),
            std::string::npos);
  EXPECT_NE(text_error(R"({"min_p": "a"})").find("params.min_p: expected a number"),
            std::string::npos);
  EXPECT_EQ(text_error(R"({"temprature": 1})"), "params.temprature: unknown parameter");
  EXPECT_EQ(text_error(R"({"stop": ["a", ""]})"), "params.stop[1] must be 1..256 bytes (got 0)");
  EXPECT_EQ(text_error(R"({"stop": [1]})"), "params.stop[0]: expected a string");
  EXPECT_NE(text_error(R"({"prompt": "a", "prompts": ["b"]})").find("params.prompt"),
            std::string::npos);
  EXPECT_NE(text_error(R"({"prompts": []})").find("params.prompts"), std::string::npos);
  EXPECT_NE(text_error(R"({"prompt": 5})").find("params.prompt: expected a string"),
            std::string::npos);
  EXPECT_NE(text_error("[1]").find("expected a JSON object"), std::string::npos);
  EXPECT_NE(text_error("{\"a\":").find("at byte"), std::string::npos);
}

TEST(GenerationParams, InvalidUtf8PromptIsRefused) {
  std::string params = "{\"prompt\": \"a\xff\"}";
  EXPECT_NE(text_error(params).find("params.prompt: not valid UTF-8"), std::string::npos);
}

TEST(GenerationParams, TableModes) {
  auto s = parse_table_params(R"({"mode":"schema","schema":{"tables":[]},"seed":3})", 1);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(table_params_json(s.value()),
            R"({"mode":"schema","schema":{"tables":[]},"rows":1000,"seed":"3"})");
  auto l = parse_table_params(R"({"mode":"learned","sample_csv":"a\n1\n","rows":5})", 8);
  ASSERT_TRUE(l.ok()) << l.status().message();
  EXPECT_EQ(table_params_json(l.value()),
            R"({"mode":"learned","sample_csv":"a\n1\n","metadata":{},"rows":5,"seed":"8"})");
}

TEST(GenerationParams, TableErrorsNameTheField) {
  auto error = [](const std::string& params) {
    auto r = parse_table_params(params, 1);
    EXPECT_FALSE(r.ok()) << params;
    return r.ok() ? std::string() : r.status().message();
  };
  EXPECT_NE(error("{}").find("params.mode: missing"), std::string::npos);
  EXPECT_NE(error(R"({"mode":"fancy"})").find("params.mode"), std::string::npos);
  EXPECT_NE(error(R"({"mode":"schema"})").find("params.schema: missing"), std::string::npos);
  EXPECT_NE(error(R"({"mode":"schema","schema":{},"rows":0})")
                .find("params.rows must be 1..1000000 (got 0)"),
            std::string::npos);
  EXPECT_NE(error(R"({"mode":"learned"})").find("params.sample_csv: missing"), std::string::npos);
  EXPECT_NE(
      error(R"({"mode":"learned","sample_csv":"a\n1","schema":{}})").find("params.schema: unknown"),
      std::string::npos);
}

TEST(GenerationParams, DerivedSeedsDifferPerSample) {
  std::set<uint64_t> seen;
  for (uint64_t i = 0; i < 1000; ++i) seen.insert(derive_seed(42, i));
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_NE(derive_seed(42, 0), derive_seed(43, 0));
  EXPECT_EQ(derive_seed(42, 5), derive_seed(42, 5));
}

}  // namespace
}  // namespace hyv::service
