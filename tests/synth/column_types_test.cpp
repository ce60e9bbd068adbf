// Cell parsing and column type inference: the rules documented in column_types.h, bad input
// (mixed types, all-null, 100k distinct values, thousands separators) and metadata overrides.
#include "hyv/synth/column_types.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <string>

#include "hyv/engine/rng.h"
#include "hyv/synth/cell_values.h"
#include "hyv/synth/table_metadata.h"

namespace hyv::synth {
namespace {

CsvTable table_of(const std::string& csv) {
  auto t = parse_csv_table(csv, "t.csv");
  EXPECT_TRUE(t.ok()) << t.status().message();
  return std::move(t).value();
}

std::vector<ColumnInfo> infer(const CsvTable& t, std::vector<ColumnOverride> o = {}) {
  auto r = infer_column_types(t, o);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? r.value() : std::vector<ColumnInfo>{};
}

TEST(CellValues, NullTokens) {
  for (const char* s : {"", "  ", "NA", "N/A", "NaN", "nan", "null", "NULL", "None", "#N/A"}) {
    EXPECT_TRUE(is_null_cell(s)) << s;
  }
  for (const char* s : {"0", "Nan2", "none of it", "?", "-"}) EXPECT_FALSE(is_null_cell(s)) << s;
}

TEST(CellValues, NumbersAgreeWithStrtodBitForBit) {
  // glibc's strtod is correctly rounded: an independent oracle for both of our paths.
  engine::Rng rng(7);
  for (int i = 0; i < 20000; ++i) {
    std::string s;
    if (rng.next_u64() % 2) s += '-';
    int int_digits = 1 + static_cast<int>(rng.next_u64() % 19);
    for (int k = 0; k < int_digits; ++k) s += static_cast<char>('0' + rng.next_u64() % 10);
    if (rng.next_u64() % 2) {
      s += '.';
      int frac = 1 + static_cast<int>(rng.next_u64() % 12);
      for (int k = 0; k < frac; ++k) s += static_cast<char>('0' + rng.next_u64() % 10);
    }
    if (rng.next_u64() % 4 == 0) {
      s += 'e';
      s += std::to_string(static_cast<int>(rng.next_u64() % 80) - 40);
    }
    ParsedNumber n;
    ASSERT_TRUE(parse_number(s, false, &n)) << s;
    double expected = std::strtod(s.c_str(), nullptr);
    EXPECT_EQ(n.value, expected) << s;
  }
}

// The slow path near the ends of the double range, where RapidJSON 1.1.0's full-precision reader
// (which it used before) gave wrong values, and "12277e307" a tiny number instead of out of range.
TEST(CellValues, NumbersAtTheEndsOfTheRangeAgreeWithStrtod) {
  for (const char* s : {"5.7555847890922e-338", "1.2345678901234e-330", "0.000e-100",
                        "4.9406564584124654e-324", "2.2250738585072011e-308",
                        "1.7976931348623157e308", "123456789012345678901234567890e-350"}) {
    ParsedNumber n;
    ASSERT_TRUE(parse_number(s, false, &n)) << s;
    EXPECT_EQ(n.value, std::strtod(s, nullptr)) << s;
  }
  ParsedNumber n;
  EXPECT_FALSE(parse_number("12277e307", false, &n));
  engine::Rng rng(11);
  for (int i = 0; i < 20000; ++i) {
    std::string s(1, static_cast<char>('1' + rng.next_u64() % 9));
    int digits = static_cast<int>(rng.next_u64() % 30);
    int point = rng.next_u64() % 2 ? static_cast<int>(rng.next_u64() % (digits + 1)) : -1;
    for (int k = 0; k < digits; ++k) {
      if (k == point) s += '.';
      s += static_cast<char>('0' + rng.next_u64() % 10);
    }
    s += 'e';
    s += std::to_string(static_cast<int>(rng.next_u64() % 700) - 350);
    double expected = std::strtod(s.c_str(), nullptr);
    ParsedNumber parsed;
    EXPECT_EQ(parse_number(s, false, &parsed), std::isfinite(expected)) << s;
    if (std::isfinite(expected)) {
      EXPECT_EQ(parsed.value, expected) << s;
    }
  }
}

TEST(CellValues, NumberForms) {
  ParsedNumber n;
  ASSERT_TRUE(parse_number(" +1.50 ", false, &n));
  EXPECT_EQ(n.value, 1.5);
  EXPECT_EQ(n.decimals, 2);
  EXPECT_FALSE(n.integral_text);
  ASSERT_TRUE(parse_number("1,234,567.5", true, &n));
  EXPECT_EQ(n.value, 1234567.5);
  EXPECT_TRUE(n.thousands);
  EXPECT_FALSE(parse_number("1,234", false, &n));
  EXPECT_FALSE(parse_number("12,34", true, &n));
  EXPECT_FALSE(parse_number("1,2345", true, &n));
  EXPECT_FALSE(parse_number("1,,234", true, &n));
  EXPECT_FALSE(parse_number("1e", false, &n));
  EXPECT_FALSE(parse_number("abc", false, &n));
  EXPECT_FALSE(parse_number(".", false, &n));
  ASSERT_TRUE(parse_number(".5", false, &n));
  EXPECT_EQ(n.value, 0.5);
}

TEST(CellValues, FixedFormatting) {
  std::string s;
  append_fixed(s, 1234567.456, 2, true);
  EXPECT_EQ(s, "1,234,567.46");
  s.clear();
  append_fixed(s, -0.001, 2, false);
  EXPECT_EQ(s, "0.00");
  s.clear();
  append_fixed(s, -999.5, 0, true);
  EXPECT_EQ(s, "-1,000");  // round half to even on the binary value: -999.5 -> -1000
}

TEST(CellValues, CivilCalendarAgainstKnownDays) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(2000, 3, 1), 11017);
  EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
  for (int64_t d = -800000; d < 800000; d += 997) {
    int64_t y;
    unsigned m, day;
    civil_from_days(d, &y, &m, &day);
    EXPECT_EQ(days_from_civil(y, m, day), d);
  }
}

TEST(CellValues, DatetimeRoundTrip) {
  double t;
  ASSERT_TRUE(parse_datetime("2024-02-29 13:05:09", "%Y-%m-%d %H:%M:%S", &t));
  EXPECT_EQ(t, 1709211909.0);
  std::string s;
  append_datetime(s, t, "%d.%m.%Y %H:%M:%S", 0);
  EXPECT_EQ(s, "29.02.2024 13:05:09");
  EXPECT_FALSE(parse_datetime("2023-02-29", "%Y-%m-%d", &t));  // not a leap year
  EXPECT_FALSE(parse_datetime("2023-13-01", "%Y-%m-%d", &t));
  ASSERT_TRUE(parse_datetime("1969-12-31T23:59:59.250Z", "%Y-%m-%dT%H:%M:%S.%fZ", &t));
  EXPECT_EQ(t, -0.75);
  s.clear();
  append_datetime(s, t, "%Y-%m-%dT%H:%M:%S.%fZ", 3);
  EXPECT_EQ(s, "1969-12-31T23:59:59.250Z");
  EXPECT_EQ(datetime_resolution_seconds("%Y-%m-%d", 0), 86400);
}

TEST(ColumnTypes, BasicKinds) {
  std::string csv = "id,age,score,city,active,joined\n";
  for (int i = 0; i < 40; ++i) {
    csv += std::to_string(100 + i);
    csv += ',';
    csv += std::to_string(20 + i % 7);
    csv += ',';
    csv += std::to_string(i);
    csv += i % 3 ? ".25,Oslo," : ".25,Paris,";
    csv += i % 2 ? "True" : "False";
    csv += i % 28 < 9 ? ",2024-01-0" : ",2024-01-";
    csv += std::to_string(i % 28 + 1);
    csv += '\n';
  }
  auto types = infer(table_of(csv));
  ASSERT_EQ(types.size(), 6u);
  EXPECT_EQ(types[0].sdtype, Sdtype::id);
  EXPECT_EQ(types[1].sdtype, Sdtype::numerical);
  EXPECT_TRUE(types[1].integer);
  EXPECT_EQ(types[2].sdtype, Sdtype::numerical);
  EXPECT_FALSE(types[2].integer);
  EXPECT_EQ(types[2].decimals, 2);
  EXPECT_EQ(types[3].sdtype, Sdtype::categorical);
  EXPECT_EQ(types[3].distinct, 2u);
  EXPECT_EQ(types[4].sdtype, Sdtype::boolean);
  EXPECT_EQ(types[5].sdtype, Sdtype::datetime);
  EXPECT_EQ(types[5].datetime_format, "%Y-%m-%d");
}

TEST(ColumnTypes, ThousandsSeparators) {
  auto types = infer(table_of("amount\n\"1,234\"\n\"12,345,678.5\"\n17\n"));
  EXPECT_EQ(types[0].sdtype, Sdtype::numerical);
  EXPECT_TRUE(types[0].thousands);
  EXPECT_EQ(types[0].decimals, 1);
  std::vector<double> values;
  ASSERT_TRUE(
      column_numbers(table_of("amount\n\"1,234\"\n\"12,345,678.5\"\n17\n"), 0, types[0], &values)
          .ok());
  EXPECT_EQ(values, (std::vector<double>{1234, 12345678.5, 17}));
}

TEST(ColumnTypes, AllNullColumn) {
  auto types = infer(table_of("a,b\n1,\n2,NA\n3,\n"));
  EXPECT_EQ(types[1].sdtype, Sdtype::categorical);
  EXPECT_EQ(types[1].missing, 3u);
  EXPECT_EQ(types[1].values, 0u);
  EXPECT_NE(types[1].reason.find("missing"), std::string::npos);
}

TEST(ColumnTypes, MixedMostlyNumbersKeepsNumbersAndNamesTheTokens) {
  std::string csv = "x\n";
  for (int i = 0; i < 97; ++i) csv += std::to_string(i) + "\n";
  csv += "unknown\n?\nunknown\n";
  auto table = table_of(csv);
  auto types = infer(table);
  EXPECT_EQ(types[0].sdtype, Sdtype::numerical);
  EXPECT_EQ(types[0].missing_tokens, (std::vector<std::string>{"unknown", "?"}));
  EXPECT_NE(types[0].reason.find("\"unknown\""), std::string::npos) << types[0].reason;
  std::vector<double> v;
  ASSERT_TRUE(column_numbers(table, 0, types[0], &v).ok());
  EXPECT_TRUE(std::isnan(v[97]));
}

TEST(ColumnTypes, MixedHalfAndHalfIsNotNumerical) {
  std::string csv = "x\n";
  for (int i = 0; i < 60; ++i) {
    if (i % 2 == 0) csv += 'w';
    csv += std::to_string(i);
    csv += '\n';
  }
  auto types = infer(table_of(csv));
  EXPECT_NE(types[0].sdtype, Sdtype::numerical);
}

TEST(ColumnTypes, HundredThousandDistinctValuesAreIdOrTextNotCategories) {
  std::string csv = "code,comment\n";
  for (int i = 0; i < 100000; ++i) {
    csv += 'K';
    csv += std::to_string(i * 7919);
    csv += ",note number ";
    csv += std::to_string(i);
    csv += '\n';
  }
  auto types = infer(table_of(csv));
  EXPECT_EQ(types[0].sdtype, Sdtype::id);
  EXPECT_EQ(types[1].sdtype, Sdtype::text);
  EXPECT_EQ(types[0].distinct, 100000u);
}

TEST(ColumnTypes, DayMonthOrderFollowsTheData) {
  auto types = infer(table_of("d\n01/02/2020\n25/12/2021\n"));
  EXPECT_EQ(types[0].sdtype, Sdtype::datetime);
  EXPECT_EQ(types[0].datetime_format, "%d/%m/%Y");
  types = infer(table_of("d\n01/02/2020\n12/25/2021\n"));
  EXPECT_EQ(types[0].datetime_format, "%m/%d/%Y");
}

TEST(ColumnTypes, KeyNames) {
  EXPECT_TRUE(looks_like_key_name("id"));
  EXPECT_TRUE(looks_like_key_name("customer_id"));
  EXPECT_TRUE(looks_like_key_name("orderId"));
  EXPECT_FALSE(looks_like_key_name("paid"));
  EXPECT_FALSE(looks_like_key_name("valid"));
}

TEST(ColumnTypes, MetadataOverrides) {
  auto table = table_of("zip,when,n\n01234,05/06/2020,1\n99999,07/08/2021,2\n");
  auto meta = parse_table_metadata(
      R"({"columns": {"zip": {"sdtype": "categorical"},
                      "when": {"sdtype": "datetime", "datetime_format": "%d/%m/%Y"},
                      "n": {"sdtype": "numerical", "computer_representation": "Float"}}})",
      "m.json");
  ASSERT_TRUE(meta.ok()) << meta.status().message();
  auto types = infer(table, meta.value());
  EXPECT_EQ(types[0].sdtype, Sdtype::categorical);
  EXPECT_TRUE(types[0].from_metadata);
  EXPECT_EQ(types[1].datetime_format, "%d/%m/%Y");
  EXPECT_FALSE(types[2].integer);
}

TEST(ColumnTypes, MetadataErrorsNameTheCell) {
  auto table = table_of("a,b\nx,1\n7,2\n");
  std::vector<ColumnOverride> o = {{"a", Sdtype::numerical, {}, {}}};
  auto r = infer_column_types(table, o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("t.csv: line 2, column 1 (\"a\")"), std::string::npos)
      << r.status().message();
  o = {{"nope", Sdtype::numerical, {}, {}}};
  r = infer_column_types(table, o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("\"nope\""), std::string::npos);
  o = {{"b", Sdtype::datetime, "%Y", {}}};
  r = infer_column_types(table, o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("line 2"), std::string::npos) << r.status().message();
}

TEST(ColumnTypes, MetadataJsonErrors) {
  EXPECT_FALSE(parse_table_metadata("{", "m.json").ok());
  EXPECT_FALSE(parse_table_metadata(R"({"cols": {}})", "m.json").ok());
  auto bad = parse_table_metadata(R"({"columns": {"a": {"sdtype": "number"}}})", "m.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("m.json: columns.\"a\".sdtype"), std::string::npos)
      << bad.status().message();
  auto pk = parse_table_metadata(R"({"columns": {}, "primary_key": "k"})", "m.json");
  ASSERT_TRUE(pk.ok());
  ASSERT_EQ(pk.value().size(), 1u);
  EXPECT_EQ(pk.value()[0].sdtype, Sdtype::id);
}

TEST(ColumnTypes, MetadataJsonRoundTrip) {
  auto table = table_of("a,b,c\n1.5,x,2020-01-01\n2,y,2020-01-02\n");
  auto types = infer(table);
  std::string json = table_metadata_json(types);
  auto back = parse_table_metadata(json, "out.json");
  ASSERT_TRUE(back.ok()) << json;
  auto again = infer(table, back.value());
  for (size_t i = 0; i < types.size(); ++i) {
    EXPECT_EQ(again[i].sdtype, types[i].sdtype);
    EXPECT_EQ(again[i].datetime_format, types[i].datetime_format);
  }
}

}  // namespace
}  // namespace hyv::synth
