#include "hyv/synth/dates.h"

#include <charconv>

namespace hyv::synth {
namespace {

constexpr const char* kMonths[] = {"January",   "February", "March",    "April",
                                   "May",       "June",     "July",     "August",
                                   "September", "October",  "November", "December"};

int64_t floor_div(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

bool is_leap(int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(int64_t y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

void append_padded(std::string& out, int64_t v, int width) {
  char buf[24];
  bool neg = v < 0;
  uint64_t u = neg ? uint64_t(0) - uint64_t(v) : uint64_t(v);
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, u);
  (void)ec;
  int len = int(end - buf);
  if (neg) out.push_back('-');
  for (int i = len; i < width; ++i) out.push_back('0');
  out.append(buf, size_t(len));
}

// Reads exactly `width` digits (or 1..width when `flexible`) at s[pos].
bool read_digits(std::string_view s, size_t& pos, int width, int64_t& v, bool flexible = false) {
  size_t start = pos;
  v = 0;
  while (pos < s.size() && pos - start < size_t(width) && s[pos] >= '0' && s[pos] <= '9')
    v = v * 10 + (s[pos++] - '0');
  return flexible ? pos > start : pos - start == size_t(width);
}

}  // namespace

int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = floor_div(y, 400);
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = floor_div(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = int(doy - (153 * mp + 2) / 5 + 1);
  const int m = int(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (m <= 2), m, d};
}

std::optional<int64_t> parse_iso_date(std::string_view s) {
  size_t pos = 0;
  int64_t y, m, d;
  if (!read_digits(s, pos, 4, y) || pos >= s.size() || s[pos++] != '-' ||
      !read_digits(s, pos, 2, m) || pos >= s.size() || s[pos++] != '-' ||
      !read_digits(s, pos, 2, d) || pos != s.size())
    return std::nullopt;
  if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, int(m))) return std::nullopt;
  return days_from_civil(y, int(m), int(d));
}

std::optional<int64_t> parse_iso_datetime(std::string_view s) {
  if (s.size() == 10) {
    auto d = parse_iso_date(s);
    if (!d) return std::nullopt;
    return *d * 86400;
  }
  if (s.size() < 16 || (s[10] != 'T' && s[10] != ' ')) return std::nullopt;
  auto d = parse_iso_date(s.substr(0, 10));
  if (!d) return std::nullopt;
  size_t pos = 11;
  int64_t h, mi, sec = 0;
  if (!read_digits(s, pos, 2, h) || pos >= s.size() || s[pos++] != ':' ||
      !read_digits(s, pos, 2, mi))
    return std::nullopt;
  if (pos < s.size() && s[pos] == ':') {
    ++pos;
    if (!read_digits(s, pos, 2, sec)) return std::nullopt;
  }
  if (pos < s.size() && s[pos] == 'Z') ++pos;
  if (pos != s.size() || h > 23 || mi > 59 || sec > 59) return std::nullopt;
  return *d * 86400 + h * 3600 + mi * 60 + sec;
}

Status check_date_format(std::string_view format) {
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%') continue;
    if (i + 1 >= format.size())
      return Status::Error("date format \"" + std::string(format) + "\" ends with a lone '%'");
    char c = format[++i];
    if (std::string_view("YmdHMSybBj%").find(c) == std::string_view::npos)
      return Status::Error("date format \"" + std::string(format) + "\": unsupported directive %" +
                           std::string(1, c) + " (supported: %Y %m %d %H %M %S %y %b %B %j %%)");
  }
  return Status::Ok();
}

namespace {

// Formatted bytes gather on the stack and reach `out` in one append per ~64 bytes: per-directive
// appends and to_chars calls were most of a date column's cost.
class DateSink {
 public:
  explicit DateSink(std::string& out) : out_(out) {}
  ~DateSink() { out_.append(buf_, n_); }
  DateSink(const DateSink&) = delete;
  DateSink& operator=(const DateSink&) = delete;

  void put(char c) {
    if (n_ == sizeof buf_) flush();
    buf_[n_++] = c;
  }
  void put(std::string_view s) {
    for (char c : s) put(c);
  }
  // v zero-padded to at least `width` digits, '-' first when negative.
  void padded(int64_t v, int width) {
    if (v >= 0 && v < 10000 && width <= 4) {
      int len = v < 10 ? 1 : v < 100 ? 2 : v < 1000 ? 3 : 4;
      if (width < len) width = len;
      if (n_ + size_t(width) > sizeof buf_) flush();
      for (int i = width - 1; i >= 0; --i, v /= 10) buf_[n_ + size_t(i)] = char('0' + v % 10);
      n_ += size_t(width);
      return;
    }
    flush();
    append_padded(out_, v, width);
  }

 private:
  void flush() {
    out_.append(buf_, n_);
    n_ = 0;
  }
  std::string& out_;
  size_t n_ = 0;
  char buf_[64];
};

}  // namespace

void format_datetime(std::string& out, std::string_view format, int64_t seconds) {
  int64_t days = floor_div(seconds, 86400);
  int64_t sod = seconds - days * 86400;
  CivilDate c = civil_from_days(days);
  if (format == "%Y-%m-%d" && c.year >= 0 && c.year <= 9999) {  // the default, written directly
    char b[10] = {char('0' + c.year / 1000),
                  char('0' + c.year / 100 % 10),
                  char('0' + c.year / 10 % 10),
                  char('0' + c.year % 10),
                  '-',
                  char('0' + c.month / 10),
                  char('0' + c.month % 10),
                  '-',
                  char('0' + c.day / 10),
                  char('0' + c.day % 10)};
    out.append(b, sizeof b);
    return;
  }
  DateSink o(out);
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%' || i + 1 >= format.size()) {
      o.put(format[i]);
      continue;
    }
    switch (format[++i]) {
      case 'Y':
        o.padded(c.year, 4);
        break;
      case 'y':
        o.padded(((c.year % 100) + 100) % 100, 2);
        break;
      case 'm':
        o.padded(c.month, 2);
        break;
      case 'd':
        o.padded(c.day, 2);
        break;
      case 'H':
        o.padded(sod / 3600, 2);
        break;
      case 'M':
        o.padded(sod / 60 % 60, 2);
        break;
      case 'S':
        o.padded(sod % 60, 2);
        break;
      case 'b':
        o.put(std::string_view(kMonths[c.month - 1], 3));
        break;
      case 'B':
        o.put(kMonths[c.month - 1]);
        break;
      case 'j':
        o.padded(days - days_from_civil(c.year, 1, 1) + 1, 3);
        break;
      default:
        o.put(format[i]);
    }
  }
}

std::optional<int64_t> parse_with_format(std::string_view s, std::string_view format) {
  int64_t year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0, yday = -1;
  size_t pos = 0;
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%' || i + 1 >= format.size()) {
      if (pos >= s.size() || s[pos++] != format[i]) return std::nullopt;
      continue;
    }
    char c = format[++i];
    bool ok = true;
    switch (c) {
      case 'Y':
        ok = read_digits(s, pos, 4, year);
        while (ok && pos < s.size() && s[pos] >= '0' && s[pos] <= '9')  // years past 9999
          year = year * 10 + (s[pos++] - '0');
        break;
      case 'y':
        ok = read_digits(s, pos, 2, year);
        year += year < 69 ? 2000 : 1900;  // POSIX strptime's pivot
        break;
      case 'm':
        ok = read_digits(s, pos, 2, month);
        break;
      case 'd':
        ok = read_digits(s, pos, 2, day);
        break;
      case 'H':
        ok = read_digits(s, pos, 2, hour);
        break;
      case 'M':
        ok = read_digits(s, pos, 2, minute);
        break;
      case 'S':
        ok = read_digits(s, pos, 2, second);
        break;
      case 'j':
        ok = read_digits(s, pos, 3, yday);
        break;
      case 'b':
      case 'B': {
        ok = false;
        for (int m = 0; m < 12; ++m) {
          std::string_view name = kMonths[m];
          if (c == 'b') name = name.substr(0, 3);
          if (s.substr(pos, name.size()) == name) {
            month = m + 1;
            pos += name.size();
            ok = true;
            break;
          }
        }
        break;
      }
      default:
        ok = pos < s.size() && s[pos++] == c;
    }
    if (!ok) return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, int(month)) || hour > 23 ||
      minute > 59 || second > 59)
    return std::nullopt;
  int64_t days = days_from_civil(year, int(month), int(day));
  if (yday >= 0) {
    if (yday < 1 || yday > (is_leap(year) ? 366 : 365)) return std::nullopt;
    days = days_from_civil(year, 1, 1) + yday - 1;
  }
  return days * 86400 + hour * 3600 + minute * 60 + second;
}

}  // namespace hyv::synth
