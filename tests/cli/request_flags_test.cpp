// Flags mapped onto the request model (hosts/native/request_flags.h): the field's default, and the
// core's range message behind the flag name.
#include "request_flags.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "cli_flags.h"

namespace hyv::cli {
namespace {

struct Flags {
  std::optional<int> max_tokens;
  int top_k = -5;
  double min_p = -5;
};

// "" when args parsed, else the error CLI11 prints.
std::string parse(Flags& f, std::vector<std::string> args) {
  CLI::App app;
  using namespace service::fields;
  add_request_flag(&app, "--max-tokens", kMaxTokens, f.max_tokens, "tokens");
  add_request_flag(&app, "--top-k", kTopK, f.top_k, "k");
  add_request_flag(&app, "--min-p", kMinP, f.min_p, "p");
  check_numeric_flags(app);
  std::reverse(args.begin(), args.end());  // CLI11 takes the arguments last first
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    return e.what();
  }
  return "";
}

TEST(RequestFlags, DefaultsAreTheRequestModels) {
  Flags f;
  EXPECT_EQ(parse(f, {}), "");
  EXPECT_FALSE(f.max_tokens) << "max_tokens' default depends on the type";
  EXPECT_EQ(f.top_k, 40);
  EXPECT_EQ(f.min_p, 0.05);
}

TEST(RequestFlags, OutOfRangeGetsTheCoresMessage) {
  Flags f;
  EXPECT_EQ(parse(f, {"--max-tokens", "0"}),
            "--max-tokens: params.max_tokens must be 1..4096 (got 0)");
  EXPECT_EQ(parse(f, {"--max-tokens", "4097"}),
            "--max-tokens: params.max_tokens must be 1..4096 (got 4097)");
  EXPECT_EQ(parse(f, {"--top-k", "-1"}), "--top-k: params.top_k must be 0..1000 (got -1)");
  EXPECT_EQ(parse(f, {"--min-p", "1.5"}), "--min-p: params.min_p must be 0..1 (got 1.5)");
}

TEST(RequestFlags, SyntaxErrorsKeepTheNumberMessages) {
  Flags f;
  EXPECT_EQ(
      parse(f, {"--top-k", "ten"}),
      "--top-k: \"ten\" is not a number: expected a whole number in [0, 1000] (decimal digits "
      "only)");
  EXPECT_EQ(parse(f, {"--min-p", "nan"}),
            "--min-p: nan is not a finite number: expected a finite number in [0, 1]");
}

TEST(RequestFlags, InRangeValuesAreTaken) {
  Flags f;
  EXPECT_EQ(parse(f, {"--max-tokens", "4096", "--top-k", "010", "--min-p", "0"}), "");
  EXPECT_EQ(f.max_tokens, 4096);
  EXPECT_EQ(f.top_k, 10) << "decimal, not octal";
  EXPECT_EQ(f.min_p, 0.0);
}

}  // namespace
}  // namespace hyv::cli
