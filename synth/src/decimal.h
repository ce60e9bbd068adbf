// Decimal text -> double without std::from_chars(double), which libc++ 14 (the wasm32 build's C++
// library) lacks. The grammar is checked here — [-]digits[.digits][(e|E)[+-]digits], or a leading
// '.' — so strtod never sees "inf", "nan", hex floats or spaces; glibc and musl (wasi-libc) both
// round strtod correctly, so the value is the same on every platform (in the "C" numeric locale,
// which hosts keep: hyv never calls setlocale). Internal to synth/.
#pragma once

#include <cmath>
#include <cstdlib>
#include <string>
#include <string_view>

namespace hyv::synth {

// Length of the longest decimal-number prefix of s (0 if none).
inline size_t decimal_prefix(std::string_view s) {
  size_t i = 0;
  auto digits = [&] {
    size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i - start;
  };
  if (i < s.size() && s[i] == '-') ++i;
  size_t whole = digits(), frac = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    frac = digits();
  }
  if (whole + frac == 0) return 0;
  size_t mantissa_end = i;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (digits() == 0) return mantissa_end;  // "1e" is the number 1 followed by "e"
  }
  return i;
}

// Parses exactly s[0, decimal_prefix(s)); returns that length (0: no number).
inline size_t parse_decimal_prefix(std::string_view s, double& v) {
  size_t n = decimal_prefix(s);
  if (n == 0) return 0;
  char small[64];
  std::string big;
  const char* p = small;
  if (n < sizeof small) {
    s.copy(small, n);
    small[n] = '\0';
  } else {
    big.assign(s.substr(0, n));
    p = big.c_str();
  }
  v = std::strtod(p, nullptr);
  return n;
}

// The whole of s is one finite decimal number.
inline bool parse_decimal(std::string_view s, double& v) {
  return !s.empty() && parse_decimal_prefix(s, v) == s.size() && std::isfinite(v);
}

}  // namespace hyv::synth
