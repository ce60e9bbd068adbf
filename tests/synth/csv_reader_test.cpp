// CSV reader: RFC 4180 cases, chunking at every byte boundary, and errors that name where.
#include "hyv/synth/csv_reader.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "hyv/synth/csv_dialect.h"
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
  EXPECT_NE(p.status.message().find("line 3, column 3 (byte 15)"), std::string::npos)
      << p.status.message();
  EXPECT_NE(p.status.message().find("2 fields"), std::string::npos) << p.status.message();
  EXPECT_NE(p.status.message().find("has 3"), std::string::npos) << p.status.message();
  // Too many fields, after a multi-line quoted field (line counting must follow).
  p = parse("a,b\n\"x\ny\",2\n1,2,3\n");
  ASSERT_FALSE(p.status.ok());
  EXPECT_NE(p.status.message().find("line 4, column 3 (byte 16)"), std::string::npos)
      << p.status.message();
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

// --- Dialects (issue 15 item 1): files from other tools are not read as one column. ---

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(HYV_SOURCE_DIR) + "/tests/fixtures/csv/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_FALSE(ss.str().empty()) << name;
  return ss.str();
}

// Whole, then in small chunks (the sniffer holds bytes back until it has seen enough).
Result<CsvTable> table_in_chunks(std::string_view bytes, std::string source, size_t chunk,
                                 CsvDialectHints hints = {}) {
  CsvTableBuilder builder(std::move(source), hints);
  for (size_t i = 0; i < bytes.size(); i += chunk)
    HYV_RETURN_IF_ERROR(builder.feed(bytes.substr(i, chunk)));
  return builder.finish();
}

TEST(CsvDialect, SemicolonSpreadsheetExportWithDecimalCommas) {
  std::string bytes = fixture("semicolon_decimal_comma.csv");
  for (size_t chunk : {bytes.size(), size_t{1}, size_t{7}}) {
    auto t = table_in_chunks(bytes, "sales.csv", chunk);
    ASSERT_TRUE(t.ok()) << t.status().message();
    const CsvTable& table = t.value();
    EXPECT_EQ(table.names, (std::vector<std::string>{"name", "city", "price", "quantity", "date"}));
    ASSERT_EQ(table.rows(), 6u);
    ASSERT_TRUE(table.dialect.has_value());
    EXPECT_EQ(table.dialect->delimiter, ';');
    EXPECT_TRUE(table.dialect->crlf);
    EXPECT_EQ(table.dialect->decimal_comma_columns, (std::vector<size_t>{2}));
    // Decimal commas become points; thousands dots go; a quoted ';' stays in its field.
    EXPECT_EQ(table.columns[2].cell(0), "1234.50");
    EXPECT_EQ(table.columns[2].cell(2), "0.5");
    EXPECT_EQ(table.columns[0].cell(2), "Weber; Carla");
    EXPECT_EQ(table.columns[1].cell(0), "K\xc3\xb6ln");
    EXPECT_EQ(table.columns[3].cell(3), "");
  }
  EXPECT_EQ(csv_dialect_text(*parse_csv_table(bytes).value().dialect),
            "delimiter ';', quote '\"', header row, CRLF line ends, decimal commas in 1 column");
}

TEST(CsvDialect, TabSeparatedWithApostropheQuotedHeaders) {
  std::string bytes = fixture("quoted_headers.tsv");
  for (size_t chunk : {bytes.size(), size_t{1}, size_t{5}}) {
    auto t = table_in_chunks(bytes, "people.tsv", chunk);
    ASSERT_TRUE(t.ok()) << t.status().message();
    const CsvTable& table = t.value();
    EXPECT_EQ(table.names, (std::vector<std::string>{"age", "income", "city", "member"}));
    EXPECT_EQ(table.dialect->delimiter, '\t');
    EXPECT_EQ(table.dialect->quote, '\'');
    ASSERT_EQ(table.rows(), 6u);
    EXPECT_EQ(table.columns[0].cell(0), "34");
    EXPECT_EQ(table.columns[2].cell(2), "San Francisco, CA");
    EXPECT_EQ(table.columns[2].cell(5), "O'Hare");
  }
  EXPECT_EQ(csv_dialect_text(*parse_csv_table(bytes).value().dialect),
            "delimiter TAB, quote \"'\", header row, LF line ends");
}

TEST(CsvDialect, PipeSeparated) {
  auto t = parse_csv_table(fixture("pipe.csv"), "p.csv");
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t.value().dialect->delimiter, '|');
  EXPECT_EQ(t.value().names, (std::vector<std::string>{"id", "product", "price", "in_stock"}));
  EXPECT_EQ(t.value().columns[1].cell(1), "Gadget | Pro");
  // Decimal points are left alone.
  EXPECT_TRUE(t.value().dialect->decimal_comma_columns.empty());
  EXPECT_EQ(t.value().columns[2].cell(0), "2.50");
}

TEST(CsvDialect, ByteOrderMarkAndCrLf) {
  auto t = parse_csv_table(fixture("bom_crlf.csv"), "b.csv");
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t.value().names, (std::vector<std::string>{"id", "name", "score"}));
  EXPECT_EQ(t.value().columns[1].cell(1), "Smith, Bo");
  EXPECT_EQ(t.value().columns[2].cell(3), "5.0");
  EXPECT_EQ(csv_dialect_text(*t.value().dialect),
            "delimiter ',', quote '\"', header row, UTF-8 BOM, CRLF line ends");
  EXPECT_EQ(csv_dialect_json(*t.value().dialect),
            "{\"delimiter\":\",\",\"quote\":\"\\\"\",\"header\":true,\"bom\":true,"
            "\"line_end\":\"crlf\",\"decimal_comma_columns\":[]}");
}

TEST(CsvDialect, FirstRowOfDataIsNoHeader) {
  auto t = parse_csv_table(fixture("no_header.csv"), "n.csv");
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_FALSE(t.value().dialect->header);
  EXPECT_EQ(t.value().names, (std::vector<std::string>{"column1", "column2", "column3"}));
  ASSERT_EQ(t.value().rows(), 4u);
  EXPECT_EQ(t.value().columns[1].cell(0), "34");
  EXPECT_EQ(t.value().row_lines[0], 1u);
  // Text columns only: a header (the usual case; nothing says otherwise).
  EXPECT_TRUE(parse_csv_table("Ann,Bo\nCy,Di\n").value().dialect->header);
  // Numbers under a text first row: a header.
  EXPECT_TRUE(parse_csv_table("a,b\n1,2\n3,4\n").value().dialect->header);
}

TEST(CsvDialect, HintsOverrideTheGuess) {
  CsvDialectHints hints;
  hints.header = true;
  auto t = parse_csv_table(fixture("no_header.csv"), "n.csv", hints);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t.value().names, (std::vector<std::string>{"1", "34", "52000"}));
  EXPECT_EQ(csv_dialect_text(*t.value().dialect),
            "delimiter ',', quote '\"', header row (given), LF line ends");
  hints = {};
  hints.header = false;
  t = parse_csv_table("a,b\n1,2\n", "h.csv", hints);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t.value().rows(), 2u);
  EXPECT_EQ(t.value().columns[0].cell(0), "a");
  // A given delimiter is used even where another one splits the rows better...
  hints = {};
  hints.delimiter = ',';
  t = parse_csv_table("a;b\n1;2\n", "d.csv", hints);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t.value().names.size(), 1u);
  EXPECT_TRUE(t.value().dialect->delimiter_given);
  // ...and so is a given quote.
  hints = {};
  hints.quote = '"';
  t = parse_csv_table(fixture("quoted_headers.tsv"), "q.tsv", hints);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t.value().names[0], "'age'");
}

TEST(CsvDialect, OneColumnAndEmptyFiles) {
  auto t = parse_csv_table("name\nAnn\nBo\n");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t.value().dialect->delimiter, ',');
  EXPECT_EQ(t.value().names, (std::vector<std::string>{"name"}));
  EXPECT_FALSE(parse_csv_table("").ok());
}

TEST(CsvDialect, RaggedRowIsAnErrorWithTheSniffedDelimiter) {
  auto t = parse_csv_table(fixture("ragged_semicolon.csv"), "r.csv");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(),
            "r.csv: line 3, column 3 (byte 15): 2 fields, but the first record has 3; every row "
            "needs one value per column (fields are split at ';'; quote fields that contain it)");
  // Too many: the first extra field is named.
  t = parse_csv_table("a;b\n1;2\n3;4;5;6\n", "m.csv");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message().substr(0, 68),
            "m.csv: line 3, column 3 (byte 12): more fields than the 2 of the fir");
}

TEST(CsvDialect, UnbalancedQuoteIsAnErrorNotText) {
  auto t = parse_csv_table(fixture("unbalanced_quote.tsv"), "u.tsv");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(),
            "u.tsv: line 2, column 1 (byte 4): this quoted field is never closed (the file ends "
            "inside it)");
  // A stray '"' inside a field stays an error even though apostrophes would read the file.
  t = parse_csv_table("a;b\n1;ab\"c\n", "s.csv");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("s.csv: line 2, column 2 (byte 8): a quote (\") inside"),
            std::string::npos)
      << t.status().message();
}

TEST(CsvDialect, NonUtf8IsAnErrorNamingLineColumnAndByte) {
  auto t = parse_csv_table(fixture("latin1.csv"), "l.csv");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(),
            "l.csv: line 2, column 2 (byte 15): not UTF-8 text; re-save the file as UTF-8");
}

TEST(CsvDialect, LargeFileIsSniffedFromItsStartAndStreamed) {
  // Over kCsvSniffBytes, with quoted line breaks, one of them across the sample's end.
  std::string bytes = "id;label;value\n";
  int rows = 0;
  while (bytes.size() < 3 * kCsvSniffBytes) {
    bytes += std::to_string(rows) + ";\"multi\nline; " + std::to_string(rows) + "\";" +
             std::to_string(rows % 97) + ",5\n";
    ++rows;
  }
  for (size_t chunk : {bytes.size(), size_t{1000}, size_t{1} << 20}) {
    auto t = table_in_chunks(bytes, "big.csv", chunk);
    ASSERT_TRUE(t.ok()) << t.status().message();
    EXPECT_EQ(t.value().rows(), size_t(rows));
    EXPECT_EQ(t.value().dialect->delimiter, ';');
    EXPECT_EQ(t.value().columns[2].cell(size_t(rows) - 1), std::to_string((rows - 1) % 97) + ".5");
  }
}

TEST(CsvDialect, FlagValues) {
  EXPECT_EQ(parse_csv_delimiter("tab").value(), '\t');
  EXPECT_EQ(parse_csv_delimiter("\\t").value(), '\t');
  EXPECT_EQ(parse_csv_delimiter(";").value(), ';');
  EXPECT_EQ(parse_csv_delimiter("pipe").value(), '|');
  EXPECT_EQ(parse_csv_delimiter(":").status().message(),
            "\":\" is not a delimiter: expected , ; | or tab (or comma, semicolon, pipe)");
  EXPECT_EQ(parse_csv_quote("'").value(), '\'');
  EXPECT_EQ(parse_csv_quote("double").value(), '"');
  EXPECT_EQ(parse_csv_quote("`").status().message(),
            "\"`\" is not a quote character: expected \" or ' (or double, single)");
}

TEST(CsvDialect, DecimalCommaNumbers) {
  std::string out;
  EXPECT_TRUE(decimal_comma_to_point("1.234.567,89", &out));
  EXPECT_EQ(out, "1234567.89");
  EXPECT_TRUE(decimal_comma_to_point(" -0,25 ", &out));
  EXPECT_EQ(out, "-0.25");
  EXPECT_TRUE(decimal_comma_to_point("12", &out));
  EXPECT_EQ(out, "12");
  for (const char* bad : {"", "1,", ",5", "1.23,4", "1234.567,8", "1,2,3", "12 kg", "1.5e3"})
    EXPECT_FALSE(decimal_comma_to_point(bad, &out)) << bad;
}

}  // namespace
}  // namespace hyv::synth
