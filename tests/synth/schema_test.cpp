// Schema parsing: good schemas load (every example in examples/), bad ones fail with the JSON path
// and what was expected, and impossible requests are refused up front.
#include "hyv/synth/schema.h"

#include <gtest/gtest.h>

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
      {R"J({"tables": [{"name": "t", "columns": []}]})J", "tables[0].columns: expected a non-empty"},
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
      {table(R"J({"name": "a", "type": "integer", "min": 0, "max": 9})J", R"J({"type": "unique"})J"),
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

}  // namespace
}  // namespace hyv::synth
