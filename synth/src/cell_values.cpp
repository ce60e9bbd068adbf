#include "hyv/synth/cell_values.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>

namespace hyv::synth {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                             1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

// digits: the significant digits without sign or point; exp10: the power of ten to apply.
// Clinger's fast path when both parts are exact doubles (one correctly rounded operation);
// otherwise strtod, which glibc and wasi-libc (musl) round correctly too, saturating out of range.
// Not RapidJSON's full-precision reader: 1.1.0's gives wrong values near the ends of the range
// (hyv/json_parse.h).
double to_double(bool negative, std::string_view digits, int64_t exp10) {
  while (!digits.empty() && digits.front() == '0') digits.remove_prefix(1);
  if (digits.empty()) return negative ? -0.0 : 0.0;
  if (digits.size() <= 15 && exp10 >= -22 && exp10 <= 22) {
    uint64_t m = 0;
    for (char c : digits) m = m * 10 + static_cast<uint64_t>(c - '0');
    double v = static_cast<double>(m);
    v = exp10 >= 0 ? v * kPow10[exp10] : v / kPow10[-exp10];
    return negative ? -v : v;
  }
  std::string json;
  if (negative) json += '-';
  json.append(digits);
  json += 'e';
  json += std::to_string(exp10);
  return std::strtod(json.c_str(), nullptr);
}

constexpr std::array<std::string_view, 18> kDatetimeFormats = {
    "%Y-%m-%d",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%SZ",
    "%Y-%m-%dT%H:%M:%S.%fZ",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d",
    "%Y/%m/%d %H:%M:%S",
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%m/%d/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%d.%m.%Y",
    "%d.%m.%Y %H:%M:%S",
};

bool read_int(std::string_view& s, size_t min_digits, size_t max_digits, int64_t* out) {
  size_t n = 0;
  int64_t v = 0;
  while (n < s.size() && n < max_digits && is_digit(s[n])) v = v * 10 + (s[n++] - '0');
  if (n < min_digits) return false;
  s.remove_prefix(n);
  *out = v;
  return true;
}

unsigned days_in_month(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

void append_padded(std::string& out, int64_t v, int width) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  for (int pad = width - static_cast<int>(r.ptr - buf); pad > 0; --pad) out += '0';
  out.append(buf, r.ptr);
}

}  // namespace

std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_null_cell(std::string_view cell) {
  cell = trim_blanks(cell);
  if (cell.empty()) return true;
  if (cell.size() > 4) return false;
  static constexpr std::string_view kTokens[] = {"NA",   "N/A",  "n/a",  "NaN",  "nan", "null",
                                                 "NULL", "Null", "None", "NONE", "#N/A"};
  for (auto t : kTokens) {
    if (cell == t) return true;
  }
  return false;
}

bool parse_number(std::string_view cell, bool allow_thousands, ParsedNumber* out) {
  std::string_view s = trim_blanks(cell);
  if (s.empty()) return false;
  bool negative = false;
  if (s.front() == '+' || s.front() == '-') {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  std::string digits;
  size_t i = 0;
  size_t int_digits = 0;
  bool thousands = false;
  size_t group = 0;  // digits since the last separator
  while (i < s.size() && (is_digit(s[i]) || (allow_thousands && s[i] == ','))) {
    if (s[i] == ',') {
      // A separator needs 1-3 digits before the first one and exactly three between the others.
      if (group == 0 || group > 3 || (thousands && group != 3)) return false;
      thousands = true;
      group = 0;
    } else {
      digits += s[i];
      ++int_digits;
      ++group;
    }
    ++i;
  }
  if (thousands && group != 3) return false;
  int decimals = 0;
  bool integral = true;
  if (i < s.size() && s[i] == '.') {
    integral = false;
    ++i;
    while (i < s.size() && is_digit(s[i])) {
      digits += s[i++];
      ++decimals;
    }
  }
  if (digits.empty()) return false;
  int64_t exp10 = 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    integral = false;
    ++i;
    bool exp_negative = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) exp_negative = s[i++] == '-';
    size_t start = i;
    while (i < s.size() && is_digit(s[i])) {
      if (exp10 < 100000) exp10 = exp10 * 10 + (s[i] - '0');
      ++i;
    }
    if (i == start) return false;
    if (exp_negative) exp10 = -exp10;
  }
  if (i != s.size()) return false;
  (void)int_digits;
  out->value = to_double(negative, digits, exp10 - decimals);
  out->decimals = decimals;
  out->integral_text = integral;
  out->thousands = thousands;
  return std::isfinite(out->value);
}

void append_fixed(std::string& out, double value, int decimals, bool thousands) {
  char buf[400];
  auto r = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, decimals);
  std::string_view text(buf, static_cast<size_t>(r.ptr - buf));
  if (text == "-0" || (text.size() > 2 && text[0] == '-' &&
                       text.find_first_not_of("0.", 1) == std::string_view::npos)) {
    text.remove_prefix(1);  // no "-0.00"
  }
  if (!thousands) {
    out.append(text);
    return;
  }
  if (!text.empty() && text.front() == '-') {
    out += '-';
    text.remove_prefix(1);
  }
  size_t int_len = text.find('.');
  if (int_len == std::string_view::npos) int_len = text.size();
  for (size_t k = 0; k < int_len; ++k) {
    if (k > 0 && (int_len - k) % 3 == 0) out += ',';
    out += text[k];
  }
  out.append(text.substr(int_len));
}

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  // Howard Hinnant's algorithm: exact integer math, proleptic Gregorian calendar.
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civil_from_days(int64_t z, int64_t* year, unsigned* month, unsigned* day) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *day = doy - (153 * mp + 2) / 5 + 1;
  *month = mp < 10 ? mp + 3 : mp - 9;
  *year = static_cast<int64_t>(yoe) + era * 400 + (*month <= 2);
}

bool parse_datetime(std::string_view cell, std::string_view format, double* epoch_seconds) {
  std::string_view s = trim_blanks(cell);
  int64_t year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0;
  double fraction = 0;
  for (size_t i = 0; i < format.size(); ++i) {
    char f = format[i];
    if (f != '%' || i + 1 == format.size()) {
      if (s.empty() || s.front() != f) return false;
      s.remove_prefix(1);
      continue;
    }
    char d = format[++i];
    bool ok = true;
    switch (d) {
      case 'Y':
        ok = read_int(s, 4, 4, &year);
        break;
      case 'm':
        ok = read_int(s, 1, 2, &month);
        break;
      case 'd':
        ok = read_int(s, 1, 2, &day);
        break;
      case 'H':
        ok = read_int(s, 1, 2, &hour);
        break;
      case 'M':
        ok = read_int(s, 1, 2, &minute);
        break;
      case 'S':
        ok = read_int(s, 1, 2, &second);
        break;
      case 'f': {
        int64_t v = 0;
        size_t before = s.size();
        ok = read_int(s, 1, 9, &v);
        if (ok) fraction = static_cast<double>(v) / kPow10[before - s.size()];
        break;
      }
      case '%':
        ok = !s.empty() && s.front() == '%';
        if (ok) s.remove_prefix(1);
        break;
      default:
        return false;
    }
    if (!ok) return false;
  }
  if (!s.empty()) return false;
  if (month < 1 || month > 12 || day < 1 ||
      day > static_cast<int64_t>(days_in_month(year, static_cast<unsigned>(month))) || hour > 23 ||
      minute > 59 || second > 60) {
    return false;
  }
  int64_t days = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  *epoch_seconds =
      static_cast<double>(days * 86400 + hour * 3600 + minute * 60 + second) + fraction;
  return true;
}

void append_datetime(std::string& out, double epoch_seconds, std::string_view format,
                     int frac_digits) {
  double whole = std::floor(epoch_seconds);
  double frac = epoch_seconds - whole;
  int64_t scale = 1;
  for (int k = 0; k < frac_digits; ++k) scale *= 10;
  int64_t frac_units = static_cast<int64_t>(std::nearbyint(frac * static_cast<double>(scale)));
  int64_t secs = static_cast<int64_t>(whole);
  if (frac_units >= scale) {
    frac_units -= scale;
    ++secs;
  }
  int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
  int64_t rem = secs - days * 86400;
  int64_t year;
  unsigned month, day;
  civil_from_days(days, &year, &month, &day);
  for (size_t i = 0; i < format.size(); ++i) {
    char f = format[i];
    if (f != '%' || i + 1 == format.size()) {
      out += f;
      continue;
    }
    switch (format[++i]) {
      case 'Y':
        append_padded(out, year, 4);
        break;
      case 'm':
        append_padded(out, month, 2);
        break;
      case 'd':
        append_padded(out, day, 2);
        break;
      case 'H':
        append_padded(out, rem / 3600, 2);
        break;
      case 'M':
        append_padded(out, rem / 60 % 60, 2);
        break;
      case 'S':
        append_padded(out, rem % 60, 2);
        break;
      case 'f':
        append_padded(out, frac_units, frac_digits > 0 ? frac_digits : 1);
        break;
      case '%':
        out += '%';
        break;
      default:
        break;
    }
  }
}

double datetime_resolution_seconds(std::string_view format, int frac_digits) {
  if (format.find("%f") != std::string_view::npos) {
    double r = 1;
    for (int k = 0; k < frac_digits; ++k) r /= 10;
    return r;
  }
  if (format.find("%S") != std::string_view::npos) return 1;
  if (format.find("%M") != std::string_view::npos) return 60;
  if (format.find("%H") != std::string_view::npos) return 3600;
  return 86400;
}

std::span<const std::string_view> known_datetime_formats() {
  return kDatetimeFormats;
}

}  // namespace hyv::synth
