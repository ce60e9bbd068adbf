// CSV reader: RFC 4180 cases, chunking at every byte boundary, and errors that name where.
#include "hyv/synth/csv_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hyv/synth/csv_table.h"

namespace hyv::synth {
namespace {

struct Parsed {
  std::vector<std::vector<std::string>> records;
  std::vector<uint64_t> lines;
  Status status;
};

// Feeds `input` in chunks of `chunk` bytes (0 = all at once).
Parsed parse(std::string_view input, size_t chunk = 0, CsvReaderOptions options = {}) {
  Parsed out;
  CsvReader reader(options);
  auto on_record = [&](const CsvRecord& r) {
    out.records.emplace_back(r.fields.begin(), r.fields.end());
    out.lines.push_back(r.line);
    return Status::Ok();
  };
  if (chunk == 0) chunk = input.size() + 1;
  for (size_t i = 0; i < input.size(); i += chunk) {
    out.status = reader.feed(input.substr(i, chunk), on_record);
    if (!out.status.ok()) return out;
  }
  out.status = reader.finish(on_record);
  return out;
}

using Rows = std::vector<std::vector<std::string>>;

TEST(CsvReader, PlainRecordsWithAndWithoutTrailingNewline) {
  EXPECT_EQ(parse("a,b\n1,2\n").records, (Rows{{"a", "b"}, {"1", "2"}}));
  EXPECT_EQ(parse("a,b\n1,2").records, (Rows{{"a", "b"}, {"1", "2"}}));
  EXPECT_EQ(parse("a,b\n1,\n").records, (Rows{{"a", "b"}, {"1", ""}}));
  EXPECT_EQ(parse("a,b\n,\n").records, (Rows{{"a", "b"}, {"", ""}}));
}

TEST(CsvReader, CrLfAndLoneCrAndBlankLines) {
  auto p = parse("a,b\r\n1,2\r\n\r\n3,4\r5,6\r\n");
  ASSERT_TRUE(p.status.ok()) << p.status.message();
  EXPECT_EQ(p.records, (Rows{{"a", "b"}, {"1", "2"}, {"3", "4"}, {"5", "6"}}));
  EXPECT_EQ(p.lines, (std::vector<uint64_t>{1, 2, 4, 5}));
}

TEST(CsvReader, QuotedFieldsWithDelimitersNewlinesAndQuotes) {
  auto p = parse("name,note\n\"Smith, J\",\"line1\nline2\"\n\"say \"\"hi\"\"\",\"\"\nx,y\n");
  ASSERT_TRUE(p.status.ok()) << p.status.message();
  EXPECT_EQ(p.records,
            (Rows{{"name", "note"}, {"Smith, J", "line1\nline2"}, {"say \"hi\"", ""}, {"x", "y"}}));
  // The quoted line break moves the next records down a line.
  EXPECT_EQ(p.lines, (std::vector<uint64_t>{1, 2, 4, 5}));
}

TEST(CsvReader, QuotedCrLfCountsAsOneLine) {
  auto p = parse("a\r\n\"x\r\ny\"\r\nz\r\n");
  ASSERT_TRUE(p.status.ok());
  EXPECT_EQ(p.records, (Rows{{"a"}, {"x\r\ny"}, {"z"}}));
  EXPECT_EQ(p.lines, (std::vector<uint64_t>{1, 2, 4}));
}

TEST(CsvReader, ByteOrderMarkIsSkippedEvenWhenSplitAcrossChunks) {
  std::string input =
      "\xef\xbb\xbf"
      "id,v\n1,2\n";
  for (size_t chunk : {0, 1, 2, 4}) {
    auto p = parse(input, chunk);
    ASSERT_TRUE(p.status.ok()) << p.status.message();
    EXPECT_EQ(p.records, (Rows{{"id", "v"}, {"1", "2"}})) << "chunk " << chunk;
  }
}

TEST(CsvReader, Utf16IsRejected) {
  auto p =
      parse(std::string("\xff\xfe"
                        "a\0,\0",
                        6));
  ASSERT_FALSE(p.status.ok());
  EXPECT_NE(p.status.message().find("UTF-16"), std::string::npos);
}

TEST(CsvReader, EveryChunkSizeGivesTheSameRecords) {
  std::string input =
      "\xef\xbb\xbf"
      "a,b,c\r\n\"1,\"\"x\"\"\r\n\",2,3\r\n\r\n4,\"\",\"caf\xc3\xa9\"\n7,8,9";
  auto whole = parse(input);
  ASSERT_TRUE(whole.status.ok()) << whole.status.message();
  ASSERT_EQ(whole.records.size(), 4u);
  EXPECT_EQ(whole.records[1][0], "1,\"x\"\r\n");
  for (size_t chunk = 1; chunk <= input.size(); ++chunk) {
    auto p = parse(input, chunk);
    ASSERT_TRUE(p.status.ok()) << chunk;
    EXPECT_EQ(p.records, whole.records) << "chunk " << chunk;
    EXPECT_EQ(p.lines, whole.lines) << "chunk " << chunk;
  }
}

TEST(CsvReader, RaggedRowNamesLineAndCounts) {
  auto p = parse("a,b,c\n1,2,3\n4,5\n");
  ASSERT_FALSE(p.status.ok());
  EXPECT_NE(p.status.message().find("line 3"), std::string::npos) << p.status.message();
  EXPECT_NE(p.status.message().find("2 fields"), std::string::npos) << p.status.message();
  EXPECT_NE(p.status.message().find("has 3"), std::string::npos) << p.status.message();
  // Too many fields, after a multi-line quoted field (line counting must follow).
  p = parse("a,b\n\"x\ny\",2\n1,2,3\n");
  ASSERT_FALSE(p.status.ok());
  EXPECT_NE(p.status.message().find("line 4"), std::string::npos) << p.status.message();
}

TEST(CsvReader, RaggedRowsAllowedWhenAskedFor) {
  CsvReaderOptions options;
  options.require_equal_field_counts = false;
  auto p = parse("a,b\n1\n", 0, options);
  EXPECT_TRUE(p.status.ok());
}

TEST(CsvReader, QuoteInsideUnquotedFieldNamesLineColumnAndByte) {
  auto p = parse("a,b\n1,ab\"c\n");
  ASSERT_FALSE(p.status.ok());
  EXPECT_NE(p.status.message().find("line 2, column 2 (byte 8)"), std::string::npos)
      << p.status.message();
}

TEST(CsvReader, TextAfterClosingQuote) {
  auto p = parse("a,b\n\"x\"y,1\n");
  ASSERT_FALSE(p.status.ok());
  EXPECT_NE(p.status.message().find("line 2, column 1 (byte 7)"), std::string::npos)
      << p.status.message();
  EXPECT_NE(p.status.message().find("closing quote"), std::string::npos);
}

TEST(CsvReader, UnclosedQuoteNamesWhereItOpened) {
  auto p = parse("a,b\n1,\"never\nclosed\n", 3);
  ASSERT_FALSE(p.status.ok());
  EXPECT_NE(p.status.message().find("line 2, column 2 (byte 6)"), std::string::npos)
      << p.status.message();
  EXPECT_NE(p.status.message().find("never closed"), std::string::npos);
}

TEST(CsvReader, InvalidUtf8NamesLineColumnAndByte) {
  auto p = parse("a,b\nok,x\xff y\n");
  ASSERT_FALSE(p.status.ok());
  EXPECT_NE(p.status.message().find("line 2, column 2 (byte 8)"), std::string::npos)
      << p.status.message();
  EXPECT_NE(p.status.message().find("UTF-8"), std::string::npos);
}

TEST(CsvReader, ErrorsAreSticky) {
  CsvReader reader;
  auto ok = [](const CsvRecord&) { return Status::Ok(); };
  EXPECT_FALSE(reader.feed("a\n\"x\"y\n", ok).ok());
  EXPECT_FALSE(reader.feed("b\n", ok).ok());
  EXPECT_FALSE(reader.finish(ok).ok());
}

TEST(CsvReader, OtherDelimiter) {
  CsvReaderOptions options;
  options.delimiter = ';';
  auto p = parse("a;b\n1,5;\"x;y\"\n", 0, options);
  ASSERT_TRUE(p.status.ok());
  EXPECT_EQ(p.records, (Rows{{"a", "b"}, {"1,5", "x;y"}}));
}

TEST(CsvTable, ColumnsRowsAndLines) {
  auto t = parse_csv_table("id,name\n1,Ann\n\n2,\"Bo\nb\"\n3,Cy\n", "people.csv");
  ASSERT_TRUE(t.ok()) << t.status().message();
  const CsvTable& table = t.value();
  EXPECT_EQ(table.names, (std::vector<std::string>{"id", "name"}));
  ASSERT_EQ(table.rows(), 3u);
  EXPECT_EQ(table.columns[1].cell(1), "Bo\nb");
  EXPECT_EQ(table.columns[0].cell(2), "3");
  EXPECT_EQ(table.row_lines, (std::vector<uint64_t>{2, 4, 6}));
  EXPECT_EQ(table.column_index("name"), 1);
  EXPECT_EQ(table.column_index("nope"), -1);
}

TEST(CsvTable, EmptyFileIsAnErrorHeaderOnlyIsZeroRows) {
  auto empty = parse_csv_table("", "e.csv");
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.status().message().find("e.csv: the file is empty"), std::string::npos);
  auto bom_only = parse_csv_table("\xef\xbb\xbf", "b.csv");
  EXPECT_FALSE(bom_only.ok());
  auto header_only = parse_csv_table("a,b\r\n", "h.csv");
  ASSERT_TRUE(header_only.ok());
  EXPECT_EQ(header_only.value().rows(), 0u);
  EXPECT_EQ(header_only.value().names.size(), 2u);
}

TEST(CsvTable, DuplicateAndEmptyColumnNames) {
  auto dup = parse_csv_table("a,b,a\n1,2,3\n", "d.csv");
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.status().message().find("d.csv: line 1, column 3"), std::string::npos)
      << dup.status().message();
  auto blank = parse_csv_table("a,,c\n1,2,3\n", "d.csv");
  ASSERT_FALSE(blank.ok());
  EXPECT_NE(blank.status().message().find("column 2"), std::string::npos);
}

TEST(CsvTable, ErrorsCarryTheFileName) {
  auto t = parse_csv_table("a,b\n1,2,3\n", "data/x.csv");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message().rfind("data/x.csv: line 2", 0), 0u) << t.status().message();
}

}  // namespace
}  // namespace hyv::synth
