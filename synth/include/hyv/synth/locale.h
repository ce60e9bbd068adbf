// Locale data for semantic columns (names, addresses, companies, ...), compiled into the library
// from synth/locales/<locale>/*.txt by synth/locales/make_locale_sources.py, so the core needs no
// files at run time. A new locale is a new folder with the same files and a re-run of the script.
#pragma once

#include <span>
#include <string_view>

namespace hyv::synth {

struct LocaleCity {
  std::string_view name;
  std::string_view region;
  std::string_view postcode_prefix;
};

struct LocaleFormat {
  std::string_view key;
  std::string_view value;
};

// One locale; every list is non-empty and every entry plain text, with no ',' '"' '\\' or control
// character (the generator script checks), so generated values need no CSV/JSON escaping.
struct LocaleData {
  std::string_view name;
  std::span<const std::string_view> first_names;
  std::span<const std::string_view> last_names;
  std::span<const LocaleCity> cities;
  std::span<const std::string_view> street_names;
  std::span<const std::string_view> street_suffixes;
  std::span<const std::string_view> countries;
  std::span<const std::string_view> company_words;
  std::span<const std::string_view> company_industries;
  std::span<const std::string_view> company_suffixes;
  std::span<const std::string_view> job_levels;
  std::span<const std::string_view> job_areas;
  std::span<const std::string_view> job_roles;
  std::span<const std::string_view> email_domains;
  std::span<const std::string_view> tlds;
  std::span<const std::string_view> lorem;
  std::span<const LocaleFormat> formats;
  // append_slug() of each first and last name, precomputed for e-mail addresses.
  std::span<const std::string_view> first_name_slugs;
  std::span<const std::string_view> last_name_slugs;

  // The value of formats.txt's KEY, or "" when absent.
  std::string_view format(std::string_view key) const;
};

// nullptr when the locale is unknown.
const LocaleData* find_locale(std::string_view name);
// Names of the compiled-in locales, for error messages.
std::span<const std::string_view> locale_names();

}  // namespace hyv::synth
