// Calendar arithmetic against the C library's timegm/gmtime_r (an independent oracle), and formats.
#include "hyv/synth/dates.h"

#include <gtest/gtest.h>

#include <ctime>

#include "hyv/engine/rng.h"

namespace hyv::synth {
namespace {

TEST(Dates, DaysFromCivilMatchesTimegm) {
  engine::Rng rng(1);
  for (int i = 0; i < 20000; ++i) {
    int64_t days = int64_t(rng.next_u64() % 200000) - 100000;  // about 1696..2243
    time_t t = time_t(days * 86400);
    std::tm tm{};
    ASSERT_NE(gmtime_r(&t, &tm), nullptr);
    CivilDate c = civil_from_days(days);
    ASSERT_EQ(c.year, tm.tm_year + 1900);
    ASSERT_EQ(c.month, tm.tm_mon + 1);
    ASSERT_EQ(c.day, tm.tm_mday);
    ASSERT_EQ(days_from_civil(c.year, c.month, c.day), days);
  }
}

TEST(Dates, FormatsAndParsesBack) {
  engine::Rng rng(2);
  const char* formats[] = {"%Y-%m-%d",         "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M",
                           "%b %d, %Y",        "%B %Y-%j",          "%y%m%d",
                           "day %d of %m %Y (%%)"};
  for (const char* f : formats) {
    ASSERT_TRUE(check_date_format(f).ok()) << f;
    for (int i = 0; i < 2000; ++i) {
      int64_t secs = int64_t(rng.next_u64() % (200LL * 365 * 86400)) - 60LL * 365 * 86400;
      std::string s;
      format_datetime(s, f, secs);
      auto back = parse_with_format(s, f);
      ASSERT_TRUE(back.has_value()) << f << " -> " << s;
      // Formats drop what they do not print (seconds, time of day, century).
      std::string again;
      format_datetime(again, f, *back);
      ASSERT_EQ(again, s) << f;
    }
  }
  std::string s;
  format_datetime(s, "%Y-%m-%dT%H:%M:%S %b %B %j", 951782400 + 3723);  // 2000-02-29 01:02:03
  EXPECT_EQ(s, "2000-02-29T01:02:03 Feb February 060");
}

TEST(Dates, IsoParsingRejectsImpossibleDates) {
  EXPECT_EQ(parse_iso_date("1970-01-01"), 0);
  EXPECT_EQ(parse_iso_date("2000-02-29"), 11016);
  EXPECT_FALSE(parse_iso_date("1900-02-29"));
  EXPECT_FALSE(parse_iso_date("2023-13-01"));
  EXPECT_FALSE(parse_iso_date("2023-1-01"));
  EXPECT_FALSE(parse_iso_date("2023-01-01x"));
  EXPECT_EQ(parse_iso_datetime("1970-01-02T00:00:01"), 86401);
  EXPECT_EQ(parse_iso_datetime("1970-01-02 00:01"), 86460);
  EXPECT_EQ(parse_iso_datetime("1970-01-02T00:00:00Z"), 86400);
  EXPECT_EQ(parse_iso_datetime("1970-01-02"), 86400);
  EXPECT_FALSE(parse_iso_datetime("1970-01-02T24:00:00"));
  EXPECT_FALSE(parse_with_format("2023-02-30", "%Y-%m-%d"));
  EXPECT_FALSE(parse_with_format("2023-02-03 extra", "%Y-%m-%d"));
}

TEST(Dates, UnsupportedDirectivesAreNamed) {
  Status s = check_date_format("%Y-%Q");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("%Q"), std::string::npos) << s.message();
  EXPECT_FALSE(check_date_format("%Y%").ok());
}

}  // namespace
}  // namespace hyv::synth
