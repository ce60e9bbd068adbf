// hyv::parse_json: the document RapidJSON would build, with every non-integer number read by
// strtod instead of RapidJSON 1.1.0's full-precision reader, which is wrong (or crashes) near the
// ends of the double range.
#include "hyv/json_parse.h"

#include <gtest/gtest.h>
#include <rapidjson/error/en.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>

#include "hyv/engine/rng.h"

namespace hyv {
namespace {

double number(const std::string& text) {
  rapidjson::Document doc;
  rapidjson::ParseResult ok = parse_json(doc, text);
  EXPECT_TRUE(ok) << text << ": " << rapidjson::GetParseError_En(ok.Code());
  EXPECT_TRUE(doc.IsNumber()) << text;
  return doc.IsNumber() ? doc.GetDouble() : std::nan("");
}

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

TEST(JsonParse, ZerosWithExponentsAreZero) {
  for (const char* zero : {"0.0", "0e-54", "0.000e-100", "0.0000000000000000000000000e-30",
                           "0e-324", "0E+5", "0.0e308"}) {
    EXPECT_TRUE(same_bits(number(zero), 0.0)) << zero;
  }
  EXPECT_TRUE(same_bits(number("-0.000e-100"), -0.0));
}

// The values RapidJSON 1.1.0 got wrong or crashed on, found by fuzzing.
TEST(JsonParse, NumbersNearTheEndsOfTheRangeRoundCorrectly) {
  EXPECT_EQ(number("5.7555847890922e-338"), 0.0);
  EXPECT_EQ(number("1.2345678901234e-330"), 0.0);
  EXPECT_EQ(number("4.9406564584124654e-324"), std::numeric_limits<double>::denorm_min());
  EXPECT_EQ(number("2.2250738585072011e-308"), 2.2250738585072011e-308);
  EXPECT_EQ(number("1.7976931348623157e308"), std::numeric_limits<double>::max());
  EXPECT_EQ(number("-1.5e-320"), -1.5e-320);
  engine::Rng rng(3);
  for (int i = 0; i < 20000; ++i) {
    std::string s = rng.next_u64() % 2 ? "-" : "";
    s += static_cast<char>('1' + rng.next_u64() % 9);
    int digits = static_cast<int>(rng.next_u64() % 30);
    for (int k = 0; k < digits; ++k) s += static_cast<char>('0' + rng.next_u64() % 10);
    if (rng.next_u64() % 2) {
      s += '.';
      s += std::to_string(rng.next_u64() % 100000);
    }
    s += 'e';
    s += std::to_string(static_cast<int>(rng.next_u64() % 640) - 340);
    double expected = std::strtod(s.c_str(), nullptr);
    if (!std::isfinite(expected)) continue;
    EXPECT_TRUE(same_bits(number(s), expected)) << s;
  }
}

TEST(JsonParse, OutOfRangeNumbersAreRefusedAtTheirFirstByte) {
  rapidjson::Document doc;
  rapidjson::ParseResult r = parse_json(doc, R"({"a": [1, 12277e307]})");
  EXPECT_EQ(r.Code(), rapidjson::kParseErrorNumberTooBig);
  EXPECT_EQ(r.Offset(), 10u);
  r = parse_json(doc, "-1.8e308");
  EXPECT_EQ(r.Code(), rapidjson::kParseErrorNumberTooBig);
  EXPECT_EQ(r.Offset(), 0u);
}

TEST(JsonParse, IntegersKeepRapidJsonsTypes) {
  rapidjson::Document doc;
  ASSERT_TRUE(parse_json(doc,
                         "[0, -0, 7, -2147483648, -2147483649, 4294967295, 4294967296, "
                         "-9223372036854775808, 18446744073709551615, 18446744073709551616, "
                         "-9223372036854775809]"));
  const auto& a = doc.GetArray();
  EXPECT_TRUE(a[0].IsInt() && a[0].IsUint() && a[0].GetInt() == 0);
  EXPECT_TRUE(a[1].IsInt() && a[1].GetInt() == 0);
  EXPECT_TRUE(a[2].IsInt() && a[2].GetInt() == 7);
  EXPECT_TRUE(a[3].IsInt() && a[3].GetInt() == INT32_MIN);
  EXPECT_TRUE(!a[4].IsInt() && a[4].IsInt64() && a[4].GetInt64() == int64_t{INT32_MIN} - 1);
  EXPECT_TRUE(!a[5].IsInt() && a[5].IsUint() && a[5].GetUint() == UINT32_MAX);
  EXPECT_TRUE(!a[6].IsUint() && a[6].IsInt64() && a[6].GetInt64() == int64_t{UINT32_MAX} + 1);
  EXPECT_TRUE(a[7].IsInt64() && a[7].GetInt64() == INT64_MIN);
  EXPECT_TRUE(!a[8].IsInt64() && a[8].IsUint64() && a[8].GetUint64() == UINT64_MAX);
  EXPECT_TRUE(a[9].IsDouble() && a[9].GetDouble() == 18446744073709551616.0);
  EXPECT_TRUE(a[10].IsDouble() && a[10].GetDouble() == -9223372036854775809.0);
}

TEST(JsonParse, BuildsTheSameDocumentAndReportsSyntaxErrorsAtTheSameByte) {
  const std::string text = R"({"s": "a\"b\u00e9", "n": null, "t": true, "o": {"x": [1.5, {}]}})";
  rapidjson::Document ours, theirs;
  ASSERT_TRUE(parse_json(ours, text));
  theirs.Parse(text.data(), text.size());
  EXPECT_TRUE(ours == theirs);
  for (const std::string bad : {"{\"a\": 1,}", "[1, 2", "01", "1.", "-", "[1e]", "\"\\x\""}) {
    rapidjson::ParseResult r = parse_json(ours, bad);
    theirs.Parse(bad.data(), bad.size());
    ASSERT_TRUE(r.IsError()) << bad;
    EXPECT_EQ(r.Code(), theirs.GetParseError()) << bad;
    EXPECT_EQ(r.Offset(), theirs.GetErrorOffset()) << bad;
  }
}

}  // namespace
}  // namespace hyv
