// Calendar arithmetic for date and datetime columns: proleptic Gregorian calendar, no time zones
// (values are civil times), days and seconds counted from 1970-01-01. Formats use a strftime
// subset so output never depends on the C library's locale or time zone:
//   %Y year (4+ digits)  %m month 01-12  %d day 01-31  %H hour 00-23  %M minute  %S second
//   %y two-digit year    %b Jan..Dec     %B January..   %j day of year 001-366   %% a percent sign
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hyv/status.h"

namespace hyv::synth {

struct CivilDate {
  int64_t year;
  int month;  // 1-12
  int day;    // 1-31
};

// Howard Hinnant's days_from_civil / civil_from_days (public domain algorithms).
int64_t days_from_civil(int64_t y, int m, int d);
CivilDate civil_from_days(int64_t days);

// "YYYY-MM-DD" -> days; "YYYY-MM-DD[T| ]HH:MM[:SS][Z]" or a date alone -> seconds.
std::optional<int64_t> parse_iso_date(std::string_view s);
std::optional<int64_t> parse_iso_datetime(std::string_view s);

// Checks a format string; the error names the offending directive.
Status check_date_format(std::string_view format);
void format_datetime(std::string& out, std::string_view format, int64_t seconds);
// Reads back what format_datetime wrote (seconds); nullopt if `s` does not follow the format.
std::optional<int64_t> parse_with_format(std::string_view s, std::string_view format);

}  // namespace hyv::synth
