// The numeric-flag validators of the command line (hosts/native/cli_flags.h), on a small CLI11 app:
// issue 17 found "-1" wrapping to 2^64-1, seeds past 2^64 saturating and NaN temperatures accepted.
#include "cli_flags.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "thread_pool.h"

namespace hyv::cli {
namespace {

struct Flags {
  uint64_t rows = 0;
  std::optional<uint64_t> seed;
  int count = 0;
  double ratio = 0;
  int threads = 1;
};

// Parses args with every option left to check_numeric_flags except --threads; "" when it parsed,
// else the error CLI11 prints.
std::string parse(Flags& f, std::vector<std::string> args) {
  CLI::App app;
  auto* cmd = app.add_subcommand("cmd");
  cmd->add_option("--rows", f.rows);
  cmd->add_option("--seed", f.seed);
  cmd->add_option("--count", f.count);
  cmd->add_option("--ratio", f.ratio);
  cmd->add_option("--threads", f.threads)->transform(whole_number(0, kMaxThreads));
  check_numeric_flags(app);
  args.insert(args.begin(), "cmd");
  std::reverse(args.begin(), args.end());  // CLI11 takes the arguments last first
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    return e.what();
  }
  return "";
}

TEST(CliFlags, DefaultRangesRefuseWrappingSaturationOtherBasesAndNan) {
  Flags f;
  EXPECT_EQ(parse(f, {"--rows", "-1"}),
            "--rows: -1 is out of range: expected a whole number in [0, 2^64-1]");
  EXPECT_EQ(parse(f, {"--seed", "18446744073709551616"}),
            "--seed: 18446744073709551616 is out of range: expected a whole number in [0, 2^64-1]");
  EXPECT_EQ(parse(f, {"--seed", "0x10"}),
            "--seed: \"0x10\" is not a number: expected a whole number in [0, 2^64-1] (decimal "
            "digits only)");
  EXPECT_NE(parse(f, {"--seed", "1e3"}), "");
  EXPECT_NE(parse(f, {"--seed", "+5"}), "");
  EXPECT_NE(parse(f, {"--count", "9223372036854775808"}), "");
  EXPECT_EQ(parse(f, {"--ratio", "nan"}),
            "--ratio: nan is not a finite number: expected a finite number");
  EXPECT_NE(parse(f, {"--ratio", "-inf"}), "");
  EXPECT_EQ(parse(f, {"--threads", "5000"}),
            "--threads: 5000 is out of range: expected a whole number in [0, 256]");
  EXPECT_NE(parse(f, {"--threads", "-1"}), "");
}

TEST(CliFlags, ValidValuesConvertAsDecimal) {
  Flags f;
  ASSERT_EQ(parse(f, {"--rows", "18446744073709551615", "--seed", "010", "--count", "-7", "--ratio",
                      "0.25", "--threads", "256"}),
            "");
  EXPECT_EQ(f.rows, UINT64_MAX);
  EXPECT_EQ(f.seed, 10u) << "a leading zero is decimal, not octal";
  EXPECT_EQ(f.count, -7);
  EXPECT_EQ(f.ratio, 0.25);
  EXPECT_EQ(f.threads, 256);
}

TEST(CliFlags, ExplicitRangesNameTheirBounds) {
  CLI::App app;
  double p = 0;
  int k = 0;
  app.add_option("--top-p", p)->transform(finite_number(0, 1));
  app.add_option("--temperature", p)->transform(finite_number(0));
  app.add_option("--top-k", k)->transform(whole_number(-1, 10));
  check_numeric_flags(app);  // adds nothing to options that have a range
  for (const char* name : {"--top-p", "--temperature", "--top-k"})
    EXPECT_THROW(app.get_option(name)->get_validator(1), CLI::OptionNotFound) << name;
  auto error = [&](std::vector<std::string> args) -> std::string {
    std::reverse(args.begin(), args.end());
    try {
      app.parse(args);
    } catch (const CLI::ParseError& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_EQ(error({"--top-p", "1.5"}),
            "--top-p: 1.5 is out of range: expected a finite number in [0, 1]");
  EXPECT_EQ(error({"--temperature", "inf"}),
            "--temperature: inf is not a finite number: expected a finite number >= 0");
  EXPECT_EQ(error({"--top-k", "-2"}),
            "--top-k: -2 is out of range: expected a whole number in [-1, 10]");
  EXPECT_EQ(error({"--top-k", "-1"}), "");
  EXPECT_EQ(k, -1);
}

TEST(CliFlags, CsvDialectFlagsHoldTheCharacterTheReaderUses) {
  CLI::App app;
  CsvDialectFlags f;
  add_csv_dialect_flags(&app, f);
  auto parse_args = [&](std::vector<std::string> args) -> std::string {
    std::reverse(args.begin(), args.end());
    try {
      app.parse(args);
    } catch (const CLI::ParseError& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_FALSE(f.hints().delimiter || f.hints().quote || f.hints().header) << "all sniffed";
  ASSERT_EQ(parse_args({"--delimiter", "tab", "--quote", "single", "--no-header"}), "");
  synth::CsvDialectHints h = f.hints();
  EXPECT_EQ(h.delimiter, '\t');
  EXPECT_EQ(h.quote, '\'');
  EXPECT_EQ(h.header, false);
  EXPECT_EQ(parse_args({"--delimiter", ":"}),
            "--delimiter: \":\" is not a delimiter: expected , ; | or tab (or comma, semicolon, "
            "pipe)");
  EXPECT_EQ(parse_args({"--quote", "`"}),
            "--quote: \"`\" is not a quote character: expected \" or ' (or double, single)");
  EXPECT_NE(parse_args({"--delimiter", ";;"}), "");
  EXPECT_NE(parse_args({"--header", "--no-header"}), "") << "one or the other";
  CLI::App other;
  CsvDialectFlags g;
  add_csv_dialect_flags(&other, g);
  other.parse(std::vector<std::string>{"--header"});
  EXPECT_EQ(g.hints().header, true);
}

TEST(CliFlags, ThreadsAreCappedAndPoolsStartOrSayWhy) {
  EXPECT_EQ(resolve_threads(3), 3);
  EXPECT_EQ(resolve_threads(100000), kMaxThreads);
  EXPECT_GE(resolve_threads(0), 1);
  EXPECT_LE(resolve_threads(0), kMaxThreads);
  auto pool = native::ThreadPool::create(4);
  ASSERT_TRUE(pool.ok()) << pool.status().message();
  EXPECT_EQ(pool.value()->concurrency(), 4);
  std::vector<int> done(16, 0);
  pool.value()->run(16, [&](int i) { done[size_t(i)] = 1; });
  EXPECT_EQ(done, std::vector<int>(16, 1));
}

}  // namespace
}  // namespace hyv::cli
