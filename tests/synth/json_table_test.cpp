// JSON and JSON Lines records read as a table: columns by first appearance, numbers as written,
// missing keys and null as missing, nested values rejected with the record named.
#include "hyv/synth/json_table.h"

#include <gtest/gtest.h>

namespace hyv::synth {
namespace {

TEST(JsonTable, LinesKeepNumbersAsWrittenAndFillMissingKeys) {
  auto t = parse_json_table(
      "{\"a\": 1.50, \"b\": \"x\"}\n\n{\"b\": null, \"c\": true}\r\n{\"a\": -2e3}\n", "s.jsonl",
      true);
  ASSERT_TRUE(t.ok()) << t.status().message();
  const CsvTable& table = t.value();
  EXPECT_EQ(table.names, (std::vector<std::string>{"a", "b", "c"}));
  ASSERT_EQ(table.rows(), 3u);
  EXPECT_EQ(table.columns[0].cell(0), "1.50");
  EXPECT_EQ(table.columns[0].cell(1), "");
  EXPECT_EQ(table.columns[0].cell(2), "-2e3");
  EXPECT_EQ(table.columns[1].cell(1), "");
  EXPECT_EQ(table.columns[2].cell(0), "");
  EXPECT_EQ(table.columns[2].cell(1), "true");
  EXPECT_EQ(table.row_lines, (std::vector<uint64_t>{1, 3, 4}));
}

TEST(JsonTable, ArrayOfObjects) {
  auto t = parse_json_table("[{\"n\": 1, \"s\": \"a,\\\"b\"}, {\"n\": 2}]", "s.json", false);
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t.value().rows(), 2u);
  EXPECT_EQ(t.value().columns[1].cell(0), "a,\"b");
}

TEST(JsonTable, ErrorsNameTheRecord) {
  auto nested = parse_json_table("{\"a\": 1}\n{\"a\": [1]}\n", "s.jsonl", true);
  ASSERT_FALSE(nested.ok());
  EXPECT_NE(nested.status().message().find("s.jsonl: line 2, key \"a\""), std::string::npos)
      << nested.status().message();
  auto broken = parse_json_table("{\"a\": 1}\n{\"a\": \n", "s.jsonl", true);
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.status().message().find("s.jsonl: line 2: not valid JSON"), std::string::npos)
      << broken.status().message();
  EXPECT_FALSE(parse_json_table("{\"a\": 1}", "s.json", false).ok());
  EXPECT_FALSE(parse_json_table("[]", "s.json", false).ok());
  EXPECT_FALSE(parse_json_table("[1, 2]", "s.json", false).ok());
}

}  // namespace
}  // namespace hyv::synth
