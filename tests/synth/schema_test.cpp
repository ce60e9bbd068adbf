// Schema parsing: good schemas load (every example in examples/), bad ones fail with the JSON path
// and what was expected, and impossible requests are refused up front.
#include "hyv/synth/schema.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace hyv::synth {
namespace {

// A one-table schema around the given column objects (and optional constraints).
std::string table(const std::string& columns, const std::string& constraints = "") {
  return R"J({"tables": [{"name": "t", "rows": 10, "columns": [)J" + columns + "]" +
         (constraints.empty() ? "" : R"J(, "constraints": [)J" + constraints + "]") + "}]}";
}

TEST(Schema, ExamplesParse) {
  int count = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(HYV_SOURCE_DIR) + "/examples")) {
    if (entry.path().extension() != ".json") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    auto s = parse_schema(text.str());
    EXPECT_TRUE(s.ok()) << entry.path() << ": " << s.status().message();
    ++count;
  }
  EXPECT_GE(count, 3);
}

TEST(Schema, ParsesEveryColumnKind) {
  auto s = parse_schema(table(R"J(
    {"name": "id", "type": "id"},
    {"name": "n", "type": "integer", "distribution": "poisson", "lambda": 3, "max": 20},
    {"name": "x", "type": "float", "distribution": "normal", "mean": 0, "stddev": 1, "decimals": 2},
    {"name": "c", "type": "categorical", "values": ["a", "b"], "weights": [1, 3]},
    {"name": "d", "type": "date", "min": "2020-01-01", "max": "2020-12-31", "format": "%d.%m.%Y"},
    {"name": "f", "type": "formula", "formula": "n * x", "result": "integer"},
    {"name": "e", "type": "email", "unique": true, "null_rate": 0.1})J"));
  ASSERT_TRUE(s.ok()) << s.status().message();
  const TableSpec& t = s.value().tables[0];
  ASSERT_EQ(t.columns.size(), 7u);
  EXPECT_EQ(t.columns[1].distribution, Distribution::poisson);
  EXPECT_EQ(t.columns[2].decimals, 2);
  EXPECT_EQ(t.columns[3].cumulative, (std::vector<double>{1, 4}));
  EXPECT_EQ(*t.columns[4].min, 18262);  // days since 1970
  EXPECT_TRUE(t.columns[5].integer_result);
  EXPECT_TRUE(t.columns[6].unique);
  EXPECT_EQ(t.order.back(), 5) << "formulas come last";
}

struct BadCase {
  std::string json;
  std::string message;
};

TEST(Schema, ErrorsNameTheJsonPath) {
  const BadCase cases[] = {
      {"{", "JSON syntax error at byte offset 1"},
      {"[]", "schema: expected a JSON object"},
      {R"J({"tables": []})J", "tables: expected a non-empty array"},
      {R"J({"tables": [{"name": "t", "columns": []}]})J",
       "tables[0].columns: expected a non-empty"},
      {R"J({"tables": [{"name": "t", "colums": []}]})J", "tables[0]: unknown key \"colums\""},
      {table(R"J({"name": "a", "type": "intger"})J"),
       "tables[0].columns[0].type: unknown type \"intger\""},
      {table(R"J({"name": "a", "type": "integer", "min": 1})J"),
       "tables[0].columns[0]: a uniform column needs \"min\" and \"max\""},
      {table(R"J({"name": "a", "type": "integer", "min": 5, "max": 1})J"),
       "tables[0].columns[0]: min (5) is above max (1)"},
      {table(R"J({"name": "a", "type": "integer", "min": 1.5, "max": 3})J"),
       "tables[0].columns[0].min: expected a whole number, got a number"},
      {table(R"J({"name": "a", "type": "float", "distribution": "normal", "mean": 0})J"),
       "needs \"stddev\""},
      {table(
           R"J({"name": "a", "type": "float", "distribution": "normal", "mean": 0, "stddev": -1})J"),
       "tables[0].columns[0].stddev: must be > 0"},
      {table(R"J({"name": "a", "type": "float", "min": 0, "max": 1, "lambda": 3})J"),
       "tables[0].columns[0].lambda: does not apply to the uniform distribution"},
      {table(R"J({"name": "a", "type": "integer", "min": 0, "max": 1, "nul_rate": 0.1})J"),
       "tables[0].columns[0]: unknown key \"nul_rate\""},
      {table(R"J({"name": "a", "type": "integer", "min": 0, "max": 1, "null_rate": 1.5})J"),
       "tables[0].columns[0].null_rate: must be between 0 and 1"},
      {table(R"J({"name": "a", "type": "categorical", "values": ["x"], "weights": [1, 2]})J"),
       "tables[0].columns[0].weights: has 2 weights for 1 values"},
      {table(R"J({"name": "a", "type": "categorical", "values": ["x", {}]})J"),
       "tables[0].columns[0].values[1]: expected a string, number or true/false, got an object"},
      {table(R"J({"name": "a", "type": "categorical"})J"),
       "tables[0].columns[0]: a categorical column needs \"values\""},
      {table(R"J({"name": "a", "type": "date", "min": "2020-02-30", "max": "2021-01-01"})J"),
       "tables[0].columns[0].min: expected an ISO date"},
      {table(
           R"J({"name": "a", "type": "date", "min": "2020-01-01", "max": "2021-01-01", "format": "%Q"})J"),
       "tables[0].columns[0].format: date format"},
      {table(R"J({"name": "a", "type": "pattern", "pattern": "[a-"})J"),
       "tables[0].columns[0].pattern: pattern \"[a-\""},
      {table(R"J({"name": "a", "type": "formula", "formula": "b + 1"})J"),
       "tables[0].columns[0].formula: formula \"b + 1\": unknown column \"b\""},
      {table(
           R"J({"name": "a", "type": "formula", "formula": "b + 1"}, {"name": "b", "type": "formula", "formula": "a * 2"})J"),
       "formulas refer to each other in a cycle: a -> b -> a"},
      {table(
           R"J({"name": "a", "type": "email"}, {"name": "b", "type": "formula", "formula": "a + 1"})J"),
       "column \"a\" holds text (type email)"},
      {table(R"J({"name": "a", "type": "id"}, {"name": "a", "type": "id"})J"),
       "tables[0].columns[1].name: a second column named \"a\""},
      {table(R"J({"name": "a", "type": "foreign_key", "references": "nope.id"})J"),
       "tables[0].columns[0].references: no table named \"nope\""},
      {table(R"J({"name": "a", "type": "iban", "country": "US"})J"),
       "tables[0].columns[0].country: no IBAN format for \"US\""},
      {table(R"J({"name": "a", "type": "id", "format": "uuid", "start": 3})J"),
       "\"start\" and \"step\" apply to sequence ids"},
      {table(R"J({"name": "a", "type": "integer", "min": 0, "max": 9})J",
             R"J({"type": "compare", "left": "a", "op": "=<", "right": 3})J"),
       "tables[0].constraints[0].op: expected one of"},
      {table(R"J({"name": "a", "type": "integer", "min": 0, "max": 9})J",
             R"J({"type": "unique"})J"),
       "tables[0].constraints[0].type: unknown constraint type \"unique\""},
      {table(R"J({"name": "a", "type": "integer", "min": 0, "max": 9})J",
             R"J({"type": "combinations", "columns": ["a"], "values": [[1]]})J"),
       "must be of type categorical"},
      {table(R"J({"name": "a", "type": "categorical"}, {"name": "b", "type": "categorical"})J",
             R"J({"type": "combinations", "columns": ["a", "b"], "values": [["x"]]})J"),
       "tables[0].constraints[0].values[0]: expected an array of 2 values"},
      {R"J({"locale": "xx", "tables": [{"name": "t", "columns": [{"name": "a", "type": "id"}]}]})J",
       "locale: unknown locale \"xx\" (available: en)"},
      {R"J({"tables": [{"name": "a", "parent": "b", "columns": [{"name": "x", "type": "id"}]}, {"name": "b", "parent": "a", "columns": [{"name": "x", "type": "id"}]}]})J",
       "parents form a cycle"},
      {R"J({"tables": [{"name": "a", "columns": [{"name": "x", "type": "id"}]}, {"name": "b", "parent": "a", "rows": 5, "columns": [{"name": "x", "type": "id"}]}]})J",
       "tables[1].rows: a child table's row count comes from its parent"},
      {R"J({"tables": [{"name": "a", "columns": [{"name": "x", "type": "id"}, {"name": "e", "type": "email"}]}, {"name": "b", "columns": [{"name": "r", "type": "foreign_key", "references": "a.e"}]}]})J",
       "is not an id column of a top-level table"},
      {R"J({"tables": [{"name": "a", "columns": [{"name": "x", "type": "id"}]}, {"name": "b", "parent": "a", "rows_per_parent": {"min": 3, "max": 1}, "columns": [{"name": "x", "type": "id"}]}]})J",
       "tables[1].rows_per_parent: max (1) is below min (3)"},
  };
  for (const auto& c : cases) {
    auto s = parse_schema(c.json);
    ASSERT_FALSE(s.ok()) << c.json;
    EXPECT_NE(s.status().message().find(c.message), std::string::npos)
        << "got:      " << s.status().message() << "\nexpected: " << c.message;
  }
}

TEST(Schema, ContradictoryComparisonsAreRefusedUpFront) {
  auto s = parse_schema(table(R"J({"name": "a", "type": "integer", "min": 10, "max": 20},
                                 {"name": "b", "type": "integer", "min": 0, "max": 5})J",
                              R"J({"type": "compare", "left": "a", "op": "<", "right": "b"})J"));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("tables[0].constraints[0]: \"a < b\" can never hold"),
            std::string::npos)
      << s.status().message();
  auto d = parse_schema(
      table(R"J({"name": "start", "type": "date", "min": "2024-01-01", "max": "2024-12-31"},
                                 {"name": "end", "type": "date", "min": "2020-01-01", "max": "2023-12-31"})J",
            R"J({"type": "compare", "left": "start", "op": "<=", "right": "end"})J"));
  EXPECT_FALSE(d.ok());
  auto r = parse_schema(table(R"J({"name": "a", "type": "integer", "min": 0, "max": 9})J",
                              R"J({"type": "range", "column": "a", "min": 10})J"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("can never hold"), std::string::npos);
}

TEST(Schema, ImpossibleUniqueRequestsAreRefusedForTheRowCount) {
  auto s = parse_schema(table(R"J({"name": "c", "type": "categorical", "unique": true,
                                  "values": ["a","b","c","d","e","f","g","h","i","j"]})J"));
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_TRUE(check_feasible(s.value(), {10}).ok());
  Status bad = check_feasible(s.value(), {1000});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("tables[0].columns[0] (c): unique, but 1000 rows need about 1000 "
                               "distinct values and a categorical column here can take only 10"),
            std::string::npos)
      << bad.message();
  // Nulls do not count against uniqueness.
  auto n = parse_schema(table(R"J({"name": "c", "type": "integer", "min": 1, "max": 100,
                                  "unique": true, "null_rate": 0.95})J"));
  EXPECT_TRUE(check_feasible(n.value(), {1000}).ok());
  EXPECT_FALSE(check_feasible(n.value(), {3000}).ok());
}

// Names that would leave the output folder or are no file name (issue 17): refused at parse time.
TEST(Schema, TableNamesMustBeSafeFileNames) {
  auto named = [](const std::string& name) {
    return R"J({"tables": [{"name": ")J" + name +
           R"J(", "rows": 1, "columns": [{"name": "x", "type": "id"}]}]})J";
  };
  const BadCase cases[] = {
      {named("../escaped"), "tables[0].name: \"../escaped\" starts with '.'"},
      {named("a/b"),
       "tables[0].name: \"a/b\" has '/' at offset 1; table names must be 1 to 64 of "
       "A-Z a-z 0-9 _ - . and not start with '.'"},
      {named("a\\\\b"), "\"a\\b\" has '\\' at offset 1"},
      {named("."), "starts with '.'"},
      {named(".."), "starts with '.'"},
      {named(".hidden"), "starts with '.'"},
      {named("tab\\tname"), "tables[0].name: \"tab...\" has byte 0x09 at offset 3"},
      {named("caf\\u00e9"), "has byte 0xC3 at offset 3"},
      {named("a b"), "has ' ' at offset 1"},
      {named(""), "tables[0].name: must not be empty"},
      {named(std::string(65, 'x')), "is 65 characters long"},
  };
  for (const auto& c : cases) {
    auto s = parse_schema(c.json);
    ASSERT_FALSE(s.ok()) << c.json;
    EXPECT_NE(s.status().message().find(c.message), std::string::npos)
        << "got:      " << s.status().message() << "\nexpected: " << c.message;
  }
  for (const std::string& ok :
       std::vector<std::string>{"users", "order_lines", "v1.2", "A-Z_09", std::string(64, 'x')})
    EXPECT_TRUE(parse_schema(named(ok)).ok()) << ok;
}

// Parameters whose draws could overflow a double, and integers past int64, are refused.
TEST(Schema, NumericParametersKeepOutputsFinite) {
  const BadCase cases[] = {
      {table(
           R"J({"name": "a", "type": "float", "distribution": "lognormal", "mu": 700, "sigma": 1})J"),
       "tables[0].columns[0]: a lognormal column without \"max\" needs mu + 13 * sigma <= 709 (got "
       "mu 700, sigma 1)"},
      {table(
           R"J({"name": "a", "type": "float", "distribution": "lognormal", "mu": 0, "sigma": 60})J"),
       "needs mu + 13 * sigma <= 709"},
      {table(R"J({"name": "a", "type": "float", "distribution": "exponential", "rate": 1e-310})J"),
       "tables[0].columns[0].rate: must be at least 1e-300"},
      {table(
           R"J({"name": "a", "type": "float", "distribution": "normal", "mean": 0, "stddev": 1e305})J"),
       "tables[0].columns[0].stddev: must be at most 1e300"},
      {table(
           R"J({"name": "a", "type": "float", "distribution": "normal", "mean": -1e305, "stddev": 1})J"),
       "tables[0].columns[0].mean: must be between -1e300 and 1e300"},
      {table(R"J({"name": "a", "type": "integer", "min": 0, "max": 9223372036854775808})J"),
       "tables[0].columns[0].max: must be between -9223372036854775808 and 9223372036854775807"},
      {table(
           R"J({"name": "a", "type": "integer", "min": 9223372036854775807, "max": 9223372036854775806})J"),
       "tables[0].columns[0]: min (9223372036854775807) is above max (9223372036854775806)"},
      {table(R"J({"name": "a", "type": "categorical", "values": ["x", "y"], "weights": [1, -1]})J"),
       "tables[0].columns[0].weights[1]: expected a finite number >= 0"},
      {table(R"J({"name": "a", "type": "categorical", "values": ["x", "y"], "weights": [0, 0]})J"),
       "weights must not all be zero"},
  };
  for (const auto& c : cases) {
    auto s = parse_schema(c.json);
    ASSERT_FALSE(s.ok()) << c.json;
    EXPECT_NE(s.status().message().find(c.message), std::string::npos)
        << "got:      " << s.status().message() << "\nexpected: " << c.message;
  }
  // A "max" bounds the lognormal, so its parameters are free; the bound itself is fine.
  EXPECT_TRUE(parse_schema(table(R"J({"name": "a", "type": "float", "distribution": "lognormal",
                                     "mu": 700, "sigma": 1, "max": 1e300})J"))
                  .ok());
  EXPECT_TRUE(parse_schema(table(R"J({"name": "a", "type": "float", "distribution": "lognormal",
                                     "mu": 0, "sigma": 54})J"))
                  .ok());
  auto full = parse_schema(table(
      R"J({"name": "a", "type": "integer", "min": -9223372036854775808, "max": 9223372036854775807})J"));
  ASSERT_TRUE(full.ok()) << full.status().message();
  EXPECT_EQ(full.value().tables[0].columns[0].int_min, INT64_MIN);
  EXPECT_EQ(full.value().tables[0].columns[0].int_max, INT64_MAX);
}

// RapidJSON 1.1.0's full-precision reader, which schemas were read with, read "min": 0.000e-100 as
// -3.7e19, a tiny number as -3.4e302, and crashed on "max": 5.7555847890922e-338 (found by
// fuzz/schema_fuzz.cpp). Numbers now round as a C++ literal does.
TEST(Schema, NumbersAtTheEndsOfTheRangeAreReadExactly) {
  auto s = parse_schema(table(R"J(
    {"name": "a", "type": "float", "min": 0.000e-100, "max": 1.2345678901234e-330},
    {"name": "b", "type": "float", "min": -0e-54, "max": 5.7555847890922e-338},
    {"name": "c", "type": "float", "min": 4.9406564584124654e-324, "max": 2.2250738585072011e-308},
    {"name": "d", "type": "float", "min": 0, "max": 1.7976931348623157e308})J"));
  ASSERT_TRUE(s.ok()) << s.status().message();
  const auto& columns = s.value().tables[0].columns;
  EXPECT_EQ(*columns[0].min, 0.0);
  EXPECT_EQ(*columns[0].max, 0.0);
  EXPECT_EQ(*columns[1].min, 0.0);
  EXPECT_EQ(*columns[1].max, 0.0);
  EXPECT_EQ(*columns[2].min, 4.9406564584124654e-324);
  EXPECT_EQ(*columns[2].max, 2.2250738585072011e-308);
  EXPECT_EQ(*columns[3].max, 1.7976931348623157e308);
  auto big = parse_schema(table(R"J({"name": "a", "type": "float", "min": 0, "max": 12277e307})J"));
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.status().message().find("Number too big"), std::string::npos)
      << big.status().message();
}

// Weights near the largest double: the running sum would overflow, so they are scaled first and
// stay proportional; ordinary weights keep their exact sums.
TEST(Schema, HugeWeightsStayProportional) {
  auto s = parse_schema(table(
      R"J({"name": "a", "type": "categorical", "values": ["x", "y", "z"], "weights": [1e308, 1e308, 5e307]})J"));
  ASSERT_TRUE(s.ok()) << s.status().message();
  const std::vector<double>& cum = s.value().tables[0].columns[0].cumulative;
  ASSERT_EQ(cum.size(), 3u);
  EXPECT_TRUE(std::isfinite(cum[2]));
  EXPECT_DOUBLE_EQ(cum[0] / cum[2], 0.4);
  EXPECT_DOUBLE_EQ(cum[1] / cum[2], 0.8);
  auto k = parse_schema(table(R"J({"name": "a", "type": "categorical"})J",
                              R"J({"type": "combinations", "columns": ["a"],
                                   "values": [["x"], ["y"]], "weights": [1.7e308, 1.7e308]})J"));
  ASSERT_TRUE(k.ok()) << k.status().message();
  const std::vector<double>& kc = k.value().tables[0].constraints[0].cumulative;
  EXPECT_TRUE(std::isfinite(kc[1]));
  EXPECT_DOUBLE_EQ(kc[0] / kc[1], 0.5);
}

// Nested rows_per_parent that multiply past kMaxTotalRows per top-level row are refused at parse
// time; row counts that do are refused by check_row_counts, naming the table and the total.
TEST(Schema, RunawayRowTotalsAreRefused) {
  std::string nested = R"J({"tables": [
      {"name": "a", "rows": 1, "columns": [{"name": "id", "type": "id"}]},
      {"name": "b", "parent": "a", "rows_per_parent": {"min": 1000000, "max": 1000000}, "columns": [{"name": "x", "type": "id"}]},
      {"name": "c", "parent": "b", "rows_per_parent": {"min": 1000000, "max": 1000000}, "columns": [{"name": "x", "type": "id"}]},
      {"name": "d", "parent": "c", "rows_per_parent": {"min": 1000000, "max": 1000000}, "columns": [{"name": "x", "type": "id"}]}]})J";
  auto bad = parse_schema(nested);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find(
                "tables[3].rows_per_parent: table \"d\" can get up to 1000000000000000000 rows for "
                "each row of \"a\" (the rows_per_parent maxima multiplied), over the limit of "
                "1000000000000 rows per run"),
            std::string::npos)
      << bad.status().message();

  std::string two = R"J({"tables": [
      {"name": "a", "rows": 1, "columns": [{"name": "id", "type": "id"}]},
      {"name": "b", "parent": "a", "rows_per_parent": {"max": 1000}, "columns": [{"name": "x", "type": "id"}]},
      {"name": "c", "parent": "b", "rows_per_parent": {"min": 0, "max": 1000}, "columns": [{"name": "x", "type": "id"}]}]})J";
  auto s = parse_schema(two);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(max_table_rows(s.value(), {5, 0, 0}), (std::vector<uint64_t>{5, 5000, 5000000}));
  EXPECT_TRUE(check_row_counts(s.value(), {5, 0, 0}, kMaxTotalRows).ok());
  Status over = check_row_counts(s.value(), {1, 0, 0}, 1000000);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(
      over.message(),
      "tables[2] (\"c\"): up to 1000000 rows (rows_per_parent max 1000 for each of up to 1000 "
      "rows of \"b\"), so up to 1001001 rows in all tables together, over the limit of "
      "1000000 rows per run; lower the row counts or rows_per_parent max");
  // Root counts near int64's limit saturate instead of wrapping.
  std::vector<uint64_t> huge = max_table_rows(s.value(), {INT64_MAX, 0, 0});
  EXPECT_EQ(huge[2], UINT64_MAX);
  Status saturated = check_row_counts(s.value(), {INT64_MAX, 0, 0}, kMaxTotalRows);
  ASSERT_FALSE(saturated.ok());
  EXPECT_NE(saturated.message().find("tables[0] (\"a\"): up to 9223372036854775807 rows (its row "
                                     "count)"),
            std::string::npos)
      << saturated.message();
}

// An id sequence must stay inside int64 for the rows asked.
TEST(Schema, IdSequencesThatOverflowAreRefused) {
  auto id = [](const std::string& start, const std::string& step) {
    return parse_schema(
        R"J({"tables": [{"name": "t", "columns": [{"name": "id", "type": "id", "start": )J" +
        start + R"J(, "step": )J" + step + "}]}]}");
  };
  auto down = id("1", "-9223372036854775808");
  ASSERT_TRUE(down.ok()) << down.status().message();
  EXPECT_TRUE(check_row_counts(down.value(), {2}, kMaxTotalRows).ok()) << "1, 1 - 2^63";
  Status bad = check_row_counts(down.value(), {3}, kMaxTotalRows);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.message(),
            "tables[0].columns[0] (id): the id sequence from 1 in steps of -9223372036854775808 "
            "leaves the 64-bit integer range (-9223372036854775808 to 9223372036854775807) after 2 "
            "rows, and table \"t\" can get up to 3; change start or step, or lower the row count");
  auto top = id("9223372036854775807", "1");
  EXPECT_TRUE(check_row_counts(top.value(), {1}, kMaxTotalRows).ok());
  EXPECT_FALSE(check_row_counts(top.value(), {2}, kMaxTotalRows).ok());
  auto bottom = id("-9223372036854775807", "-1");
  EXPECT_TRUE(check_row_counts(bottom.value(), {2}, kMaxTotalRows).ok());
  EXPECT_FALSE(check_row_counts(bottom.value(), {3}, kMaxTotalRows).ok());
  auto big = id("0", "1000000");
  EXPECT_TRUE(check_row_counts(big.value(), {1000000000000}, kMaxTotalRows).ok());
  EXPECT_TRUE(check_row_counts(big.value(), {0}, kMaxTotalRows).ok());
}

}  // namespace
}  // namespace hyv::synth
