// Reading and writing single CSV cells: missing-value tokens, numbers (with thousands separators),
// dates and times in a few strptime-style formats. Pure functions, the same bytes on every
// platform: numbers are parsed correctly rounded, dates go through integer civil-calendar math.
//
//   hyv::synth::ParsedNumber n;
//   if (hyv::synth::parse_number("1,234.50", /*allow_thousands=*/true, &n)) { n.value == 1234.5 }
//   double t;
//   hyv::synth::parse_datetime("2024-02-29 13:05:00", "%Y-%m-%d %H:%M:%S", &t);  // epoch seconds
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace hyv::synth {

// Empty (or blank) cells and the tokens pandas reads as missing: NA, N/A, n/a, NaN, nan, null,
// NULL, Null, None, NONE, #N/A.
bool is_null_cell(std::string_view cell);

std::string_view trim_blanks(std::string_view s);

struct ParsedNumber {
  double value = 0;
  int decimals = 0;           // digits after the decimal point as written
  bool integral_text = true;  // no '.', no exponent
  bool thousands = false;     // used ',' thousands separators
};

// [+-]digits[.digits][(e|E)[+-]digits], surrounding blanks allowed. With allow_thousands, the
// integer part may be grouped as 1,234,567 (groups of exactly three digits).
bool parse_number(std::string_view cell, bool allow_thousands, ParsedNumber* out);

// Shortest-free, locale-free formatting with a fixed number of decimals (round half to even on
// the binary value, as printf does), optional thousands separators.
void append_fixed(std::string& out, double value, int decimals, bool thousands);

// strptime-style formats with %Y (4 digits), %m %d %H %M %S (1-2 digits when reading, 2 when
// writing), %f (fraction of a second, 1-9 digits) and %% ; other characters must match as written.
// Times are UTC seconds since 1970-01-01 (no time zones).
bool parse_datetime(std::string_view cell, std::string_view format, double* epoch_seconds);
// frac_digits: digits written for %f.
void append_datetime(std::string& out, double epoch_seconds, std::string_view format,
                     int frac_digits);
// The smallest step the format can show, in seconds (86400 for a date, 60 without %S, ...).
double datetime_resolution_seconds(std::string_view format, int frac_digits);
// The formats type inference tries, in order.
std::span<const std::string_view> known_datetime_formats();

int64_t days_from_civil(int64_t year, unsigned month, unsigned day);
void civil_from_days(int64_t days, int64_t* year, unsigned* month, unsigned* day);

}  // namespace hyv::synth
