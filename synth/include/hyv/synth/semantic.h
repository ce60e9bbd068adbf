// Semantic values (people, addresses, companies, network and bank identifiers) drawn from locale
// data, and the check-digit schemes they carry. Columns of one row that share an entity name see
// the same Person / Address / Company, so an e-mail is made from the row's name and a postcode
// belongs to the row's city.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "hyv/engine/rng.h"
#include "hyv/synth/locale.h"
#include "hyv/synth/pattern.h"

namespace hyv::synth {

struct Person {
  std::string_view first, last;
  std::string_view first_slug, last_slug;  // append_slug() of each, from the locale's tables
  int email_style = 0;   // how the local part is built from the name (see make_email)
  int email_number = 0;  // digits some styles append
  std::string_view email_domain;
};

struct Address {
  std::string building;  // "1742"
  std::string_view street, suffix;
  const LocaleCity* city = nullptr;
  std::string postcode;
};

struct Company {
  std::string name;    // "Summit Analytics LLC"
  std::string domain;  // "summitanalytics.com"
};

// Locale patterns compiled once (phone, building number, postcode suffix).
struct LocalePatterns {
  Pattern phone, building, postcode_suffix;
  static Result<LocalePatterns> compile(const LocaleData& locale);
};

// Fill `out` in place (reusing its strings' capacity).
void make_person(engine::Rng& rng, const LocaleData& locale, Person& out);
void make_address(engine::Rng& rng, const LocaleData& locale, const LocalePatterns& p,
                  Address& out);
void make_company(engine::Rng& rng, const LocaleData& locale, Company& out);

// "jane.doe@example.com" and its variants; `domain` overrides the person's (e.g. the company's).
void make_email(std::string& out, const Person& p, std::string_view domain = {});
// Lower-case ASCII letters and digits of s (what names contribute to e-mails and domains).
void append_slug(std::string& out, std::string_view s);
void make_job_title(std::string& out, engine::Rng& rng, const LocaleData& locale);
void make_lorem(std::string& out, engine::Rng& rng, const LocaleData& locale, int min_words,
                int max_words);
void make_ipv4(std::string& out, engine::Rng& rng);
void make_ipv6(std::string& out, engine::Rng& rng);
// RFC 5952 text: lower-case hex, no leading zeros, the longest run of 2+ zero groups as "::".
void format_ipv6(std::string& out, const uint16_t (&groups)[8]);
// RFC 4122 version-4 layout from 128 given bits (the caller derives them from the seed).
void make_uuid(std::string& out, uint64_t hi, uint64_t lo);

// Card numbers: brand "visa" (16 digits, 4...), "mastercard" (16, 51-55), "amex" (15, 34/37), or
// "" for a weighted mix; the last digit is the Luhn check digit.
void make_card_number(std::string& out, engine::Rng& rng, std::string_view brand);
bool luhn_valid(std::string_view digits);
char luhn_check_digit(std::string_view digits_without_check);

// IBANs in electronic form (no spaces) for the countries in iban_countries(); check digits per
// ISO 7064 MOD 97-10 as ISO 13616 prescribes.
bool iban_country_known(std::string_view country);
std::string_view iban_countries();  // "DE, ES, FR, GB, IT, NL" for error messages
void make_iban(std::string& out, engine::Rng& rng, std::string_view country);
bool iban_valid(std::string_view iban);

}  // namespace hyv::synth
