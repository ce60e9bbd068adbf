#include "hyv/synth/semantic.h"

#include <charconv>

#include "hyv/synth/random.h"

namespace hyv::synth {
namespace {

template <typename T>
const T& pick(engine::Rng& rng, std::span<const T> items) {
  return items[uniform_index(rng, items.size())];
}

void append_digits(std::string& out, engine::Rng& rng, int n) {
  for (int i = 0; i < n; ++i) out.push_back(char('0' + uniform_index(rng, 10)));
}

struct IbanFormat {
  std::string_view country;
  std::string_view bban;  // 'a' = upper-case letter, 'n' = digit
};

constexpr IbanFormat kIbanFormats[] = {
    {"DE", "nnnnnnnnnnnnnnnnnn"},       // bank code 8 + account 10
    {"ES", "nnnnnnnnnnnnnnnnnnnn"},     // bank 4 + branch 4 + check 2 + account 10
    {"FR", "nnnnnnnnnnnnnnnnnnnnnnn"},  // bank 5 + branch 5 + account 11 + key 2
    {"GB", "aaaannnnnnnnnnnnnn"},       // bank 4 letters + sort code 6 + account 8
    {"IT", "annnnnnnnnnnnnnnnnnnnnn"},  // CIN 1 + bank 5 + branch 5 + account 12
    {"NL", "aaaannnnnnnnnn"},           // bank 4 letters + account 10
};

// The remainder mod 97 of a string whose letters count as two-digit numbers (A = 10 ... Z = 35).
int mod97(std::string_view s) {
  int r = 0;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      r = (r * 10 + (c - '0')) % 97;
    } else {
      int v = c - 'A' + 10;
      r = (r * 100 + v) % 97;
    }
  }
  return r;
}

}  // namespace

Result<LocalePatterns> LocalePatterns::compile(const LocaleData& locale) {
  LocalePatterns p;
  struct Item {
    std::string_view key;
    Pattern* into;
  } items[] = {{"phone", &p.phone},
               {"building_number", &p.building},
               {"postcode_suffix", &p.postcode_suffix}};
  for (auto& item : items) {
    auto r = Pattern::parse(locale.format(item.key));
    if (!r.ok())
      return r.status().with_context("locale " + std::string(locale.name) + " formats.txt " +
                                     std::string(item.key));
    *item.into = std::move(r).value();
  }
  return p;
}

void make_person(engine::Rng& rng, const LocaleData& locale, Person& p) {
  size_t f = uniform_index(rng, locale.first_names.size());
  size_t l = uniform_index(rng, locale.last_names.size());
  p.first = locale.first_names[f];
  p.last = locale.last_names[l];
  p.first_slug = locale.first_name_slugs[f];
  p.last_slug = locale.last_name_slugs[l];
  p.email_style = int(uniform_index(rng, 6));
  p.email_number = int(uniform_int(rng, 1, 9999));
  p.email_domain = pick(rng, locale.email_domains);
}

void make_address(engine::Rng& rng, const LocaleData& locale, const LocalePatterns& pat,
                  Address& a) {
  a.building.clear();
  pat.building.generate(rng, a.building);
  a.street = pick(rng, locale.street_names);
  a.suffix = pick(rng, locale.street_suffixes);
  a.city = &pick(rng, locale.cities);
  a.postcode.assign(a.city->postcode_prefix);
  pat.postcode_suffix.generate(rng, a.postcode);
}

void append_slug(std::string& out, std::string_view s) {
  // Written through a pointer: a push_back per byte was most of make_company's cost.
  size_t start = out.size();
  out.resize(start + s.size());
  char* p = out.data() + start;
  for (char c : s) {
    if (c >= 'A' && c <= 'Z')
      *p++ = char(c - 'A' + 'a');
    else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
      *p++ = c;
  }
  out.resize(size_t(p - out.data()));
}

void make_company(engine::Rng& rng, const LocaleData& locale, Company& c) {
  c.name.clear();
  c.domain.clear();
  // A last name's slug comes from the locale's table (the same bytes append_slug would make).
  auto last_name = [&](std::string_view& slug) {
    size_t i = uniform_index(rng, locale.last_names.size());
    slug = locale.last_name_slugs[i];
    return locale.last_names[i];
  };
  std::string_view a, b, a_slug, b_slug;
  int style = int(uniform_index(rng, 4));
  switch (style) {
    case 0:  // "Summit Analytics"
    case 1:  // "Summit Analytics LLC"
      a = pick(rng, locale.company_words);
      b = pick(rng, locale.company_industries);
      c.name.append(a).append(" ").append(b);
      break;
    case 2:  // "Carter Logistics"
      a = last_name(a_slug);
      b = pick(rng, locale.company_industries);
      c.name.append(a).append(" ").append(b);
      break;
    default:  // "Carter & Hughes"
      a = last_name(a_slug);
      b = last_name(b_slug);
      c.name.append(a).append(" & ").append(b);
      break;
  }
  std::string_view suffix = pick(rng, locale.company_suffixes);
  if (style == 1 || style == 3) c.name.append(" ").append(suffix);
  if (style >= 2)
    c.domain.append(a_slug);
  else
    append_slug(c.domain, a);
  if (style == 3) c.domain.append("and");
  if (style == 3)
    c.domain.append(b_slug);
  else
    append_slug(c.domain, b);
  c.domain.append(".").append(pick(rng, locale.tlds));
}

void make_email(std::string& out, const Person& p, std::string_view domain) {
  std::string first_buf, last_buf;
  std::string_view first = p.first_slug, last = p.last_slug;
  if (first.empty() && !p.first.empty()) append_slug(first_buf, p.first), first = first_buf;
  if (last.empty() && !p.last.empty()) append_slug(last_buf, p.last), last = last_buf;
  char digits[24];
  switch (p.email_style) {
    case 0:  // jane.doe
      out.append(first).append(".").append(last);
      break;
    case 1:  // janedoe
      out.append(first).append(last);
      break;
    case 2:  // j.doe
      out.append(first.substr(0, 1)).append(".").append(last);
      break;
    case 3:  // jane_doe
      out.append(first).append("_").append(last);
      break;
    case 4:  // jane.doe42
      out.append(first).append(".").append(last);
      out.append(digits,
                 size_t(std::to_chars(digits, digits + 24, p.email_number % 100).ptr - digits));
      break;
    default:  // janedoe1234
      out.append(first).append(last);
      out.append(digits, size_t(std::to_chars(digits, digits + 24, p.email_number).ptr - digits));
      break;
  }
  out.push_back('@');
  out.append(domain.empty() ? p.email_domain : domain);
}

void make_job_title(std::string& out, engine::Rng& rng, const LocaleData& locale) {
  if (bernoulli(rng, 0.5)) out.append(pick(rng, locale.job_levels)).push_back(' ');
  out.append(pick(rng, locale.job_areas)).push_back(' ');
  out.append(pick(rng, locale.job_roles));
}

void make_lorem(std::string& out, engine::Rng& rng, const LocaleData& locale, int min_words,
                int max_words) {
  int n = int(uniform_int(rng, min_words, max_words));
  for (int i = 0; i < n; ++i) {
    if (i) out.push_back(' ');
    size_t start = out.size();
    out.append(pick(rng, locale.lorem));
    if (i == 0 && out[start] >= 'a' && out[start] <= 'z') out[start] = char(out[start] - 32);
  }
  if (n > 0) out.push_back('.');
}

void make_ipv4(std::string& out, engine::Rng& rng) {
  // First octet 1-223 without 10 and 127: unicast, not private-class-A or loopback.
  int first;
  do first = int(uniform_int(rng, 1, 223));
  while (first == 10 || first == 127);
  out.append(std::to_string(first));
  for (int i = 0; i < 3; ++i) out.append(".").append(std::to_string(uniform_int(rng, 0, 255)));
}

void make_ipv6(std::string& out, engine::Rng& rng) {
  uint16_t g[8];
  uint64_t a = rng.next_u64(), b = rng.next_u64();
  for (int i = 0; i < 4; ++i) g[i] = uint16_t(a >> (48 - 16 * i));
  for (int i = 0; i < 4; ++i) g[4 + i] = uint16_t(b >> (48 - 16 * i));
  g[0] = uint16_t(0x2000 | (g[0] & 0x1fff));  // global unicast 2000::/3
  format_ipv6(out, g);
}

void format_ipv6(std::string& out, const uint16_t (&g)[8]) {
  static constexpr char kHex[] = "0123456789abcdef";
  // RFC 5952: compress the longest run (first if tied) of two or more zero groups.
  int best = -1, best_len = 1;
  for (int i = 0; i < 8;) {
    int j = i;
    while (j < 8 && g[j] == 0) ++j;
    if (j - i > best_len) best = i, best_len = j - i;
    i = j == i ? i + 1 : j;
  }
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      out.append("::");
      i += best_len - 1;
      continue;
    }
    if (i > 0 && i != best + best_len) out.push_back(':');
    bool lead = true;
    for (int s = 12; s >= 0; s -= 4) {
      int d = (g[i] >> s) & 15;
      if (lead && d == 0 && s > 0) continue;
      lead = false;
      out.push_back(kHex[d]);
    }
  }
}

void make_uuid(std::string& out, uint64_t hi, uint64_t lo) {
  static constexpr char kHex[] = "0123456789abcdef";
  hi = (hi & ~0xf000ULL) | 0x4000ULL;                         // version 4
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // variant 10
  // 8-4-4-4-12 hex digits, most significant first: nibbles written from the right of each half,
  // with the dashes at fixed places, no per-byte branches.
  char buf[36];
  buf[8] = buf[13] = buf[18] = buf[23] = '-';
  static constexpr int kHiPos[16] = {0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 14, 15, 16, 17};
  static constexpr int kLoPos[16] = {19, 20, 21, 22, 24, 25, 26, 27,
                                     28, 29, 30, 31, 32, 33, 34, 35};
  for (int i = 15; i >= 0; --i, hi >>= 4, lo >>= 4) {
    buf[kHiPos[i]] = kHex[hi & 15];
    buf[kLoPos[i]] = kHex[lo & 15];
  }
  out.append(buf, sizeof buf);
}

char luhn_check_digit(std::string_view digits) {
  int sum = 0;
  // Double every second digit counting from the right, starting with the rightmost payload digit.
  for (size_t i = 0; i < digits.size(); ++i) {
    int d = digits[digits.size() - 1 - i] - '0';
    if (i % 2 == 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return char('0' + (10 - sum % 10) % 10);
}

bool luhn_valid(std::string_view digits) {
  if (digits.size() < 2) return false;
  for (char c : digits)
    if (c < '0' || c > '9') return false;
  return luhn_check_digit(digits.substr(0, digits.size() - 1)) == digits.back();
}

void make_card_number(std::string& out, engine::Rng& rng, std::string_view brand) {
  if (brand.empty()) {
    static constexpr std::string_view kBrands[] = {"visa", "visa", "mastercard", "mastercard",
                                                   "amex"};
    brand = kBrands[uniform_index(rng, 5)];
  }
  size_t start = out.size();
  int length = 16;
  if (brand == "visa") {
    out.push_back('4');
  } else if (brand == "mastercard") {
    out.append(std::to_string(uniform_int(rng, 51, 55)));
  } else {
    out.append(bernoulli(rng, 0.5) ? "34" : "37");
    length = 15;
  }
  append_digits(out, rng, length - 1 - int(out.size() - start));
  out.push_back(luhn_check_digit(std::string_view(out).substr(start)));
}

bool iban_country_known(std::string_view country) {
  for (const auto& f : kIbanFormats)
    if (f.country == country) return true;
  return false;
}

std::string_view iban_countries() {
  return "DE, ES, FR, GB, IT, NL";
}

void make_iban(std::string& out, engine::Rng& rng, std::string_view country) {
  std::string_view format = kIbanFormats[3].bban;
  for (const auto& f : kIbanFormats)
    if (f.country == country) format = f.bban;
  std::string bban;
  for (char k : format)
    bban.push_back(k == 'a' ? char('A' + uniform_index(rng, 26))
                            : char('0' + uniform_index(rng, 10)));
  // ISO 13616: check = 98 - (BBAN + country + "00") mod 97.
  std::string rearranged = bban;
  rearranged.append(country).append("00");
  int check = 98 - mod97(rearranged);
  out.append(country);
  out.push_back(char('0' + check / 10));
  out.push_back(char('0' + check % 10));
  out.append(bban);
}

bool iban_valid(std::string_view iban) {
  if (iban.size() < 5 || iban.size() > 34) return false;
  for (size_t i = 0; i < iban.size(); ++i) {
    char c = iban[i];
    bool digit = c >= '0' && c <= '9', upper = c >= 'A' && c <= 'Z';
    if (i < 2 ? !upper : i < 4 ? !digit : !(digit || upper)) return false;
  }
  std::string rearranged(iban.substr(4));
  rearranged.append(iban.substr(0, 4));
  return mod97(rearranged) == 1;
}

}  // namespace hyv::synth
