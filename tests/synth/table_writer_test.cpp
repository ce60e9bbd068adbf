// Table writers: CSV read back by an independent RFC 4180 parser written here, JSON and JSON Lines
// read back by RapidJSON; buffering, call order and sink failures.
#include "hyv/synth/table_writer.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <vector>

namespace hyv::synth {
namespace {

using Rows = std::vector<std::vector<std::string>>;

// A straightforward RFC 4180 state machine; `quoted` records which fields were quoted so the test
// can tell null ("") from empty string ("\"\"").
Rows parse_csv(const std::string& text, std::vector<std::vector<bool>>* quoted = nullptr) {
  Rows rows;
  std::vector<std::string> row;
  std::vector<bool> row_quoted;
  std::string field;
  bool in_quotes = false, was_quoted = false, field_started = false;
  auto end_field = [&] {
    row.push_back(field);
    row_quoted.push_back(was_quoted);
    field.clear();
    was_quoted = false;
    field_started = false;
  };
  auto end_row = [&] {
    end_field();
    rows.push_back(row);
    if (quoted) quoted->push_back(row_quoted);
    row.clear();
    row_quoted.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_quotes) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else if (c == '"') {
        in_quotes = false;
      } else {
        field.push_back(c);
      }
    } else if (c == '"' && !field_started) {
      in_quotes = was_quoted = field_started = true;
    } else if (c == ',') {
      end_field();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      end_row();
      ++i;
    } else if (c == '\n') {
      end_row();
    } else {
      field.push_back(c);
      field_started = true;
    }
  }
  EXPECT_FALSE(in_quotes) << "unterminated quoted field";
  return rows;
}

struct Written {
  std::string bytes;
  int calls = 0;
};

std::unique_ptr<RowSink> writer(TableFormat f, Written& w, TableWriterOptions o = {}) {
  return make_table_writer(
      f,
      [&w](std::string_view b) {
        w.bytes.append(b);
        ++w.calls;
        return Status::Ok();
      },
      o);
}

const std::vector<std::string> kTricky = {
    "plain",
    "with,comma",
    "with \"quotes\"",
    "line\nbreak",
    "cr\rlf\r\n",
    "",
    " spaced ",
    "tab\there",
    "unicode é 中文 😀",
    "\"",
    ",",
    "back\\slash",
    std::string("nul\0x", 5),
};

TEST(TableWriter, CsvRoundTripsEveryAwkwardString) {
  Written w;
  auto sink = writer(TableFormat::csv, w);
  std::vector<std::string> cols = {"id", "text,with comma", "n"};
  ASSERT_TRUE(sink->begin(cols).ok());
  for (size_t i = 0; i < kTricky.size(); ++i) {
    std::vector<Value> row = {Value::integer(int64_t(i)), Value::string(kTricky[i]), Value::null()};
    ASSERT_TRUE(sink->write_row(row).ok());
  }
  ASSERT_TRUE(sink->finish().ok());
  std::vector<std::vector<bool>> quoted;
  Rows rows = parse_csv(w.bytes, &quoted);
  ASSERT_EQ(rows.size(), kTricky.size() + 1);
  EXPECT_EQ(rows[0], cols);
  for (size_t i = 0; i < kTricky.size(); ++i) {
    SCOPED_TRACE(i);
    ASSERT_EQ(rows[i + 1].size(), 3u);
    EXPECT_EQ(rows[i + 1][0], std::to_string(i));
    EXPECT_EQ(rows[i + 1][1], kTricky[i]);
    EXPECT_EQ(rows[i + 1][2], "");
    EXPECT_FALSE(quoted[i + 1][2]) << "null must be an empty, unquoted field";
  }
  EXPECT_TRUE(quoted[1 + 5][1]) << "empty string must be quoted to differ from null";
  // RFC 4180 records end with CRLF, and nothing else is added.
  EXPECT_EQ(w.bytes.substr(0, 24), "id,\"text,with comma\",n\r\n");
  EXPECT_EQ(w.bytes.substr(w.bytes.size() - 2), "\r\n");
}

TEST(TableWriter, CsvLineEndingAndHeaderOptions) {
  Written w;
  TableWriterOptions o;
  o.csv_line_ending = "\n";
  o.csv_header = false;
  auto sink = writer(TableFormat::csv, w, o);
  std::vector<std::string> cols = {"a", "b"};
  ASSERT_TRUE(sink->begin(cols).ok());
  std::vector<Value> row = {Value::boolean(true), Value::string("x\ny")};
  ASSERT_TRUE(sink->write_row(row).ok());
  ASSERT_TRUE(sink->finish().ok());
  EXPECT_EQ(w.bytes, "true,\"x\ny\"\n");
}

TEST(TableWriter, DoublesAreShortestRoundTripAndStayFloats) {
  const double values[] = {0.1,           1.0 / 3, 3.0,    -2.5e-300, 1e21,
                           123456789.125, -0.0,    5e-324, 1e100,     2.0 / 3};
  for (double d : values) {
    std::string s;
    append_double(s, d);
    SCOPED_TRACE(s);
    EXPECT_EQ(std::strtod(s.c_str(), nullptr), d);
    EXPECT_NE(s.find_first_of(".e"), std::string::npos);
    EXPECT_EQ(s.find(','), std::string::npos) << "never locale-formatted";
  }
  std::string s;
  append_double(s, 0.1);
  EXPECT_EQ(s, "0.1");
  s.clear();
  append_double(s, 3.0);
  EXPECT_EQ(s, "3.0");
}

TEST(TableWriter, JsonArrayAndLinesParseBackWithTypes) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (TableFormat f : {TableFormat::json, TableFormat::jsonl}) {
    Written w;
    auto sink = writer(f, w);
    std::vector<std::string> cols = {"i", "d", "b", "s", "n", "bad\"key"};
    ASSERT_TRUE(sink->begin(cols).ok());
    for (size_t i = 0; i < kTricky.size(); ++i) {
      std::vector<Value> row = {Value::integer(int64_t(i) - 5),
                                Value::real(i == 3 ? nan : double(i) / 7),
                                Value::boolean(i % 2),
                                Value::string(kTricky[i]),
                                Value::null(),
                                Value::integer(std::numeric_limits<int64_t>::min())};
      ASSERT_TRUE(sink->write_row(row).ok());
    }
    ASSERT_TRUE(sink->finish().ok());

    std::vector<std::string> docs;
    if (f == TableFormat::json) {
      docs.push_back(w.bytes);
    } else {
      size_t start = 0, nl;
      while ((nl = w.bytes.find('\n', start)) != std::string::npos) {
        docs.push_back(w.bytes.substr(start, nl - start));
        start = nl + 1;
      }
      EXPECT_EQ(start, w.bytes.size()) << "JSON Lines end with a newline";
    }
    std::vector<rapidjson::Document> objects;
    for (const std::string& d : docs) {
      rapidjson::Document doc;
      doc.Parse(d.data(), d.size());
      ASSERT_FALSE(doc.HasParseError()) << d;
      if (f == TableFormat::json) {
        ASSERT_TRUE(doc.IsArray());
        for (auto& o : doc.GetArray()) {
          rapidjson::Document copy;
          copy.CopyFrom(o, copy.GetAllocator());
          objects.push_back(std::move(copy));
        }
      } else {
        objects.push_back(std::move(doc));
      }
    }
    ASSERT_EQ(objects.size(), kTricky.size());
    for (size_t i = 0; i < kTricky.size(); ++i) {
      const auto& o = objects[i];
      EXPECT_EQ(o["i"].GetInt64(), int64_t(i) - 5);
      if (i == 3)
        EXPECT_TRUE(o["d"].IsNull());
      else
        EXPECT_EQ(o["d"].GetDouble(), double(i) / 7);
      EXPECT_EQ(o["b"].GetBool(), bool(i % 2));
      EXPECT_EQ(std::string(o["s"].GetString(), o["s"].GetStringLength()), kTricky[i]);
      EXPECT_TRUE(o["n"].IsNull());
      EXPECT_EQ(o["bad\"key"].GetInt64(), std::numeric_limits<int64_t>::min());
    }
  }
}

TEST(TableWriter, EmptyTablesAreValid) {
  Written w;
  auto sink = writer(TableFormat::json, w);
  std::vector<std::string> cols = {"a"};
  ASSERT_TRUE(sink->begin(cols).ok());
  ASSERT_TRUE(sink->finish().ok());
  EXPECT_EQ(w.bytes, "[\n]\n");
  Written c;
  auto csv = writer(TableFormat::csv, c);
  ASSERT_TRUE(csv->begin(cols).ok());
  ASSERT_TRUE(csv->finish().ok());
  EXPECT_EQ(c.bytes, "a\r\n");
}

TEST(TableWriter, BuffersThenFlushesInChunks) {
  Written w;
  TableWriterOptions o;
  o.buffer_bytes = 1000;
  auto sink = writer(TableFormat::csv, w, o);
  std::vector<std::string> cols = {"x"};
  ASSERT_TRUE(sink->begin(cols).ok());
  std::vector<Value> row = {Value::string(std::string(90, 'a'))};
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(sink->write_row(row).ok());
  EXPECT_GE(w.calls, 8);
  EXPECT_LE(w.calls, 10);
  EXPECT_EQ(sink->bytes_flushed(), w.bytes.size());
  ASSERT_TRUE(sink->finish().ok());
  EXPECT_EQ(w.bytes.size(), 3 + 100 * 92u);
}

TEST(TableWriter, CallOrderAndSinkFailuresAreErrors) {
  Written w;
  auto sink = writer(TableFormat::csv, w);
  std::vector<Value> row = {Value::integer(1)};
  EXPECT_FALSE(sink->write_row(row).ok());
  std::vector<std::string> cols = {"a", "b"};
  ASSERT_TRUE(sink->begin(cols).ok());
  EXPECT_FALSE(sink->begin(cols).ok());
  Status bad = sink->write_row(row);
  EXPECT_NE(bad.message().find("1 values for 2 columns"), std::string::npos) << bad.message();
  ASSERT_TRUE(sink->finish().ok());
  std::vector<Value> two = {Value::integer(1), Value::integer(2)};
  EXPECT_FALSE(sink->write_row(two).ok());

  auto failing = make_table_writer(TableFormat::jsonl,
                                   [](std::string_view) { return Status::Error("disk full"); });
  ASSERT_TRUE(failing->begin(cols).ok());
  ASSERT_TRUE(failing->write_row(two).ok());  // still buffered
  Status s = failing->finish();
  EXPECT_EQ(s.message(), "disk full");
}

TEST(TableWriter, FormatNames) {
  EXPECT_EQ(table_format_from_path("out/data.csv"), TableFormat::csv);
  EXPECT_EQ(table_format_from_path("x.jsonl"), TableFormat::jsonl);
  EXPECT_EQ(table_format_from_path("x.ndjson"), TableFormat::jsonl);
  EXPECT_EQ(table_format_from_path("x.json"), TableFormat::json);
  EXPECT_EQ(table_format_from_path("dir.v2/out"), std::nullopt);
  EXPECT_EQ(table_format_from_path("out.parquet"), std::nullopt);
  EXPECT_EQ(parse_table_format("tsv"), std::nullopt);
}

}  // namespace
}  // namespace hyv::synth
