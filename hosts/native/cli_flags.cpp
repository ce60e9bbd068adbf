#include "cli_flags.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>
#include <thread>
#include <type_traits>

namespace hyv::cli {
namespace {

constexpr const char* kValidatorName = "hyv-number";

std::string unsigned_text(uint64_t v) {
  return v == std::numeric_limits<uint64_t>::max() ? "2^64-1" : std::to_string(v);
}

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string range_text(int64_t lo, int64_t hi) {
  return "[" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
}

std::string range_text(uint64_t lo, uint64_t hi) {
  return "[" + std::to_string(lo) + ", " + unsigned_text(hi) + "]";
}

// Parses all of `s` as a decimal T; the value is written back in canonical form so CLI11, which
// reads base 0 ("010" is octal to it), converts the number the user meant.
template <typename T>
std::string parse_whole(std::string& s, T lo, T hi) {
  const std::string expected = "expected a whole number in " + range_text(lo, hi);
  T v{};
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, v, 10);
  // "-5" for an unsigned flag is a number, just not an allowed one.
  const bool negative = std::is_unsigned_v<T> && s.size() > 1 && s[0] == '-' &&
                        s.find_first_not_of("0123456789", 1) == std::string::npos;
  if (negative) return s + " is out of range: " + expected;
  if (s.empty() || ptr != end || (ec != std::errc() && ec != std::errc::result_out_of_range))
    return "\"" + s + "\" is not a number: " + expected + " (decimal digits only)";
  if (ec == std::errc::result_out_of_range || v < lo || v > hi)
    return s + " is out of range: " + expected;
  s = std::to_string(v);
  return {};
}

bool is_numeric_type(const std::string& type) {
  for (const char* kind : {"INT", "UINT", "FLOAT"}) {
    const std::string k = kind;
    if (type.compare(0, k.size(), k) == 0 && (type.size() == k.size() || type[k.size()] == ':'))
      return true;
  }
  return false;
}

bool has_number_validator(CLI::Option& opt) {
  try {
    opt.get_validator(kValidatorName);
    return true;
  } catch (const CLI::OptionNotFound&) {
    return false;
  }
}

}  // namespace

CLI::Validator whole_number(int64_t lo, int64_t hi) {
  return CLI::Validator([lo, hi](std::string& s) { return parse_whole<int64_t>(s, lo, hi); },
                        "in " + range_text(lo, hi), kValidatorName);
}

CLI::Validator unsigned_number(uint64_t lo, uint64_t hi) {
  return CLI::Validator([lo, hi](std::string& s) { return parse_whole<uint64_t>(s, lo, hi); },
                        "in " + range_text(lo, hi), kValidatorName);
}

CLI::Validator finite_number(double lo, double hi) {
  const bool has_lo = lo > -std::numeric_limits<double>::max();
  const bool has_hi = hi < std::numeric_limits<double>::max();
  const std::string range = has_lo && has_hi
                                ? "in [" + number_text(lo) + ", " + number_text(hi) + "]"
                            : has_lo ? ">= " + number_text(lo)
                            : has_hi ? "<= " + number_text(hi)
                                     : "";
  const std::string expected = "expected a finite number" + (range.empty() ? "" : " " + range);
  return CLI::Validator(
      [lo, hi, expected](std::string& s) -> std::string {
        double v = 0;
        const char* end = s.data() + s.size();
        auto [ptr, ec] = std::from_chars(s.data(), end, v);
        if (s.empty() || ptr != end || ec != std::errc())
          return "\"" + s + "\" is not a number: " + expected;
        if (!std::isfinite(v)) return s + " is not a finite number: " + expected;
        if (v < lo || v > hi) return s + " is out of range: " + expected;
        return {};
      },
      range, kValidatorName);
}

CLI::Validator csv_delimiter() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        auto c = synth::parse_csv_delimiter(s);
        if (!c.ok()) return c.status().message();
        s = std::string(1, c.value());
        return {};
      },
      ", ; | or tab");
}

CLI::Validator csv_quote() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        auto c = synth::parse_csv_quote(s);
        if (!c.ok()) return c.status().message();
        s = std::string(1, c.value());
        return {};
      },
      "\" or '");
}

synth::CsvDialectHints CsvDialectFlags::hints() const {
  synth::CsvDialectHints h;
  if (!delimiter.empty()) h.delimiter = delimiter[0];
  if (!quote.empty()) h.quote = quote[0];
  if (header) h.header = true;
  if (no_header) h.header = false;
  return h;
}

void add_csv_dialect_flags(CLI::App* cmd, CsvDialectFlags& flags) {
  cmd->add_option("--delimiter", flags.delimiter,
                  "CSV field separator: , ; | or tab (default: sniffed from the file)")
      ->transform(csv_delimiter());
  cmd->add_option("--quote", flags.quote, "CSV quote character: \" or ' (default: sniffed)")
      ->transform(csv_quote());
  // --header is for the file whose column names look like data (years, codes).
  auto* header = cmd->add_flag("--header", flags.header,
                               "The CSV's first row is the header, even where it looks like data");
  cmd->add_flag("--no-header", flags.no_header,
                "The CSV's first row is data (columns are named column1, column2, ...)")
      ->excludes(header);
}

void check_numeric_flags(CLI::App& app) {
  for (CLI::Option* opt : app.get_options()) {
    if (has_number_validator(*opt)) continue;
    const std::string type = opt->get_type_name();
    if (!is_numeric_type(type)) continue;
    // No description: the help keeps showing the bare type for these.
    CLI::Validator v =
        type.compare(0, 4, "UINT") == 0 ? unsigned_number()
        : type.compare(0, 3, "INT") == 0
            ? whole_number(std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max())
            : finite_number();
    v.description("");
    opt->transform(v);
  }
  for (CLI::App* sub : app.get_subcommands({})) check_numeric_flags(*sub);
}

int resolve_threads(int requested) {
  if (requested > 0) return std::min(requested, kMaxThreads);
  return static_cast<int>(
      std::clamp(std::thread::hardware_concurrency(), 1u, unsigned(kMaxThreads)));
}

}  // namespace hyv::cli
