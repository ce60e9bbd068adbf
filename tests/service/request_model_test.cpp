// The request model as a host that fills the struct itself (the CLI from flags, a canister from
// Candid) sees it: defaults, check_text_params / check_table_params and their messages.
#include "hyv/service/request_model.h"

#include <gtest/gtest.h>

#include <cmath>

namespace hyv::service {
namespace {

std::string text_problem(void (*change)(TextParams&)) {
  TextParams p = text_params(DataType::kText);
  change(p);
  Status s = check_text_params(p);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  return s.message();
}

TEST(RequestModel, DefaultsPassAndDifferOnlyInMaxTokens) {
  TextParams text = text_params(DataType::kText);
  TextParams code = text_params(DataType::kCode);
  EXPECT_TRUE(check_text_params(text).ok());
  EXPECT_TRUE(check_text_params(code).ok());
  EXPECT_EQ(text.max_tokens, 64);
  EXPECT_EQ(code.max_tokens, 128);
  EXPECT_EQ(text.min_p, 0.05);
  EXPECT_EQ(text.top_k, 40);
  EXPECT_EQ(text.prompts, std::vector<std::string>{""});
}

TEST(RequestModel, DefaultsSampleLikeTheEngine) {
  engine::SamplingParams s = sampling_params(text_params(DataType::kText), 7);
  engine::SamplingParams engine_default;
  EXPECT_EQ(s.temperature, engine_default.temperature);
  EXPECT_EQ(s.top_k, engine_default.top_k);
  EXPECT_EQ(s.top_p, engine_default.top_p);
  EXPECT_EQ(s.min_p, engine_default.min_p);
  EXPECT_EQ(s.repeat_penalty, engine_default.repeat_penalty);
  EXPECT_EQ(s.repeat_last_n, engine_default.repeat_last_n);
  EXPECT_EQ(s.seed, 7u);
}

TEST(RequestModel, MessagesNameTheRequestField) {
  EXPECT_EQ(text_problem([](TextParams& p) { p.max_tokens = 5000; }),
            "params.max_tokens must be 1..4096 (got 5000)");
  EXPECT_EQ(text_problem([](TextParams& p) { p.max_tokens = 0; }),
            "params.max_tokens must be 1..4096 (got 0)");
  EXPECT_EQ(text_problem([](TextParams& p) { p.samples = 0; }),
            "params.samples must be 1..1000 (got 0)");
  EXPECT_EQ(text_problem([](TextParams& p) { p.temperature = 2.5; }),
            "params.temperature must be 0..2 (got 2.5)");
  EXPECT_EQ(text_problem([](TextParams& p) { p.top_k = -1; }),
            "params.top_k must be 0..1000 (got -1)");
  EXPECT_EQ(text_problem([](TextParams& p) { p.min_p = -0.01; }),
            "params.min_p must be 0..1 (got -0.01)");
  EXPECT_EQ(text_problem([](TextParams& p) { p.repetition_penalty = 0.9; }),
            "params.repetition_penalty must be 1..2 (got 0.9)");
  EXPECT_EQ(text_problem([](TextParams& p) { p.top_p = std::nan(""); }),
            "params.top_p must be 0..1 (got nan)");
}

TEST(RequestModel, ListsAndStrings) {
  EXPECT_EQ(text_problem([](TextParams& p) { p.prompts.clear(); }),
            "params.prompts must be 1..1000 entries (got 0)");
  EXPECT_EQ(text_problem([](TextParams& p) {
              p.prompts = {"ok", std::string(65537, 'a')};
            }),
            "params.prompts[1] must be 0..65536 bytes (got 65537)");
  EXPECT_EQ(text_problem([](TextParams& p) { p.stop = {""}; }),
            "params.stop[0] must be 1..256 bytes (got 0)");
  EXPECT_EQ(text_problem([](TextParams& p) { p.stop.assign(17, "x"); }),
            "params.stop must be 0..16 entries (got 17)");
  EXPECT_EQ(text_problem([](TextParams& p) { p.stop = {"a\xff"}; }),
            "params.stop[0]: not valid UTF-8 (at byte 1)");
  EXPECT_EQ(text_problem([](TextParams& p) { p.model = std::string(65, 'm'); }),
            "params.model must be 0..64 bytes (got 65)");
}

TEST(RequestModel, TableParams) {
  TableParams p;
  p.schema_json = R"({"tables":[{"name":"t","columns":[{"name":"a","type":"integer"}]}]})";
  EXPECT_TRUE(check_table_params(p).ok()) << check_table_params(p).message();
  p.rows = 0;
  EXPECT_EQ(check_table_params(p).message(), "params.rows must be 1..1000000 (got 0)");
  p.rows = UINT64_MAX;
  EXPECT_EQ(check_table_params(p).message(),
            "params.rows must be 1..1000000 (got 18446744073709551615)");
  p.rows = 10;
  p.mode = TableParams::Mode::kLearned;
  EXPECT_EQ(check_table_params(p).message(), "params.sample_csv: missing");
}

TEST(RequestModel, FieldChecksAtTheEdges) {
  EXPECT_TRUE(check_field(fields::kMaxTokens, 1).ok());
  EXPECT_TRUE(check_field(fields::kMaxTokens, 4096).ok());
  EXPECT_FALSE(check_field(fields::kMaxTokens, 4097).ok());
  EXPECT_TRUE(check_field(fields::kTopP, 1.0).ok());
  EXPECT_FALSE(check_field(fields::kTopP, 1.0000001).ok());
  EXPECT_FALSE(check_field(fields::kTemperature, INFINITY).ok());
}

}  // namespace
}  // namespace hyv::service
