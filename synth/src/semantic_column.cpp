#include "hyv/synth/semantic_column.h"

#include <unordered_set>

#include "hyv/synth/cell_values.h"
#include "hyv/synth/random.h"

namespace hyv::synth {
namespace {

using Counts = std::span<const std::pair<std::string_view, uint64_t>>;

constexpr std::string_view kTypes[] = {
    "first_name", "last_name", "name",         "email",          "phone_number",
    "city",       "state",     "country",      "street_address", "postcode",
    "company",    "job",       "ipv4_address", "ipv6_address",   "credit_card_number"};

struct Alias {
  std::string_view alias, type;
};
constexpr Alias kAliases[] = {{"administrative_unit", "state"}, {"zipcode", "postcode"}};

template <typename T>
const T& pick(engine::Rng& rng, std::span<const T> items) {
  return items[uniform_index(rng, items.size())];
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alnum(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// local@domain.tld, the characters RFC 5322's dot-atoms use in practice.
bool email_shaped(std::string_view v) {
  size_t at = v.find('@');
  if (at == 0 || at == std::string_view::npos || v.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  for (char c : v.substr(0, at)) {
    if (!is_alnum(c) && std::string_view("._%+-").find(c) == std::string_view::npos) return false;
  }
  std::string_view domain = v.substr(at + 1);
  size_t dot = domain.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 2 > domain.size()) return false;
  for (char c : domain) {
    if (!is_alnum(c) && c != '.' && c != '-') return false;
  }
  return true;
}

bool ipv4_shaped(std::string_view v) {
  int parts = 0;
  while (true) {
    size_t n = 0;
    int value = 0;
    while (n < v.size() && is_digit(v[n]) && n < 3) value = value * 10 + (v[n++] - '0');
    if (n == 0 || value > 255) return false;
    ++parts;
    v.remove_prefix(n);
    if (v.empty()) return parts == 4;
    if (v[0] != '.' || parts == 4) return false;
    v.remove_prefix(1);
  }
}

// Digits with separators; `digits` counts them. False on any other character.
bool digits_and(std::string_view v, std::string_view separators, size_t* digits) {
  *digits = 0;
  for (char c : v) {
    if (is_digit(c)) {
      ++*digits;
    } else if (separators.find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

// 9 to 15 digits (E.164's longest) with the usual separators and at least one of them: plain
// integers are numerical columns, and 8-digit dates are not phones.
bool phone_shaped(std::string_view v) {
  size_t digits;
  if (!digits_and(v, " ()-.+", &digits)) return false;
  return digits >= 9 && digits <= 15 && digits < v.size();
}

bool card_shaped(std::string_view v) {
  size_t digits;
  if (!digits_and(v, " -", &digits) || digits < 13 || digits > 19) return false;
  std::string plain;
  for (char c : v) {
    if (is_digit(c)) plain.push_back(c);
  }
  return luhn_valid(plain);
}

using Set = std::unordered_set<std::string_view>;

Set set_of(std::span<const std::string_view> items) {
  return Set(items.begin(), items.end());
}

struct Lists {
  Set first, last, city, suffix;
};

Lists lists_of(const LocaleData& l) {
  Lists s{set_of(l.first_names), set_of(l.last_names), {}, set_of(l.street_suffixes)};
  for (const auto& c : l.cities) s.city.insert(c.name);
  return s;
}

bool full_name(const Lists& s, std::string_view v) {
  size_t sp = v.find(' ');
  return sp != std::string_view::npos && s.first.count(v.substr(0, sp)) &&
         s.last.count(v.substr(sp + 1));
}

// "1742 Oak Street": a building number, words, and one of the locale's street suffixes.
bool street_address(const Lists& s, std::string_view v) {
  size_t first = v.find(' '), last = v.rfind(' ');
  if (first == std::string_view::npos || first == 0 || last == first) return false;
  for (char c : v.substr(0, first)) {
    if (!is_digit(c)) return false;
  }
  return s.suffix.count(v.substr(last + 1)) > 0;
}

template <typename Test>
uint64_t matching(Counts counts, Test test) {
  uint64_t n = 0;
  for (const auto& [value, count] : counts) {
    if (test(trim_blanks(value))) n += count;
  }
  return n;
}

std::string percent(uint64_t part, uint64_t whole) {
  std::string s = std::to_string((part * 100) / whole);
  s.push_back('%');
  return s;
}

}  // namespace

std::string_view canonical_semantic_type(std::string_view name) {
  for (std::string_view t : kTypes) {
    if (t == name) return t;
  }
  for (const auto& a : kAliases) {
    if (a.alias == name) return a.type;
  }
  return {};
}

std::span<const std::string_view> semantic_type_names() {
  return kTypes;
}

std::optional<SemanticMatch> detect_semantic(Counts counts, uint64_t values) {
  if (values < kSemanticMinValues) return std::nullopt;
  auto enough = [&](uint64_t n) {
    return static_cast<double>(n) >= kSemanticMinShare * static_cast<double>(values);
  };
  struct Shape {
    std::string_view type, what;
    bool (*test)(std::string_view);
  };
  static constexpr Shape kShapes[] = {
      {"email", "an e-mail address's shape (local@domain)", email_shaped},
      {"ipv4_address", "an IPv4 address's shape", ipv4_shaped},
      {"credit_card_number", "a card number's shape and a valid Luhn check digit", card_shaped},
      {"phone_number", "a phone number's shape (9-15 digits with separators)", phone_shaped},
  };
  for (const auto& s : kShapes) {
    uint64_t n = matching(counts, s.test);
    if (enough(n)) {
      return SemanticMatch{std::string(s.type), std::string(kDefaultSemanticLocale),
                           percent(n, values) + " of values have " + std::string(s.what)};
    }
  }
  for (std::string_view locale_name : locale_names()) {
    const LocaleData* locale = find_locale(locale_name);
    if (!locale) continue;
    const Lists lists = lists_of(*locale);
    struct List {
      std::string_view type, what;
      uint64_t n;
    } found[] = {
        {"first_name", "first names",
         matching(counts, [&](std::string_view v) { return lists.first.count(v) > 0; })},
        {"last_name", "last names",
         matching(counts, [&](std::string_view v) { return lists.last.count(v) > 0; })},
        {"name", "full names (first last)",
         matching(counts, [&](std::string_view v) { return full_name(lists, v); })},
        {"city", "city names",
         matching(counts, [&](std::string_view v) { return lists.city.count(v) > 0; })},
        {"street_address", "street addresses (number, street, suffix)",
         matching(counts, [&](std::string_view v) { return street_address(lists, v); })},
    };
    // The best-matching list wins: a few names are both first and last names.
    const List* best = nullptr;
    for (const auto& f : found) {
      if (enough(f.n) && (!best || f.n > best->n)) best = &f;
    }
    if (best) {
      return SemanticMatch{std::string(best->type), std::string(locale_name),
                           percent(best->n, values) + " of values are " + std::string(best->what) +
                               " of locale " + std::string(locale_name)};
    }
  }
  return std::nullopt;
}

Result<SemanticGenerator> SemanticGenerator::create(std::string_view type,
                                                    std::string_view locale) {
  std::string_view canonical = canonical_semantic_type(type);
  if (canonical.empty()) {
    std::string known;
    for (std::string_view t : kTypes) known.append(known.empty() ? "" : ", ").append(t);
    return Status::Error("unknown semantic type \"" + std::string(type) + "\" (known: " + known +
                         ")");
  }
  SemanticGenerator g;
  g.type_ = std::string(canonical);
  g.locale_ = find_locale(locale);
  if (!g.locale_) {
    std::string known;
    for (std::string_view l : locale_names()) known.append(known.empty() ? "" : ", ").append(l);
    return Status::Error("unknown locale \"" + std::string(locale) + "\" (known: " + known + ")");
  }
  auto patterns = LocalePatterns::compile(*g.locale_);
  if (!patterns.ok()) return patterns.status();
  g.patterns_ = std::move(patterns).value();
  return g;
}

void SemanticGenerator::generate(engine::Rng& rng, std::string& out) const {
  const LocaleData& l = *locale_;
  const std::string_view t = type_;
  if (t == "first_name") {
    out.append(pick(rng, l.first_names));
  } else if (t == "last_name") {
    out.append(pick(rng, l.last_names));
  } else if (t == "name") {
    out.append(pick(rng, l.first_names)).append(" ").append(pick(rng, l.last_names));
  } else if (t == "email") {
    Person p;
    make_person(rng, l, p);
    make_email(out, p);
  } else if (t == "phone_number") {
    patterns_.phone.generate(rng, out);
  } else if (t == "city") {
    out.append(pick(rng, l.cities).name);
  } else if (t == "state") {
    out.append(pick(rng, l.cities).region);
  } else if (t == "country") {
    out.append(pick(rng, l.countries));
  } else if (t == "street_address" || t == "postcode") {
    Address a;
    make_address(rng, l, patterns_, a);
    if (t == "postcode") {
      out.append(a.postcode);
    } else {
      out.append(a.building).append(" ").append(a.street).append(" ").append(a.suffix);
    }
  } else if (t == "company") {
    Company c;
    make_company(rng, l, c);
    out.append(c.name);
  } else if (t == "job") {
    make_job_title(out, rng, l);
  } else if (t == "ipv4_address") {
    make_ipv4(out, rng);
  } else if (t == "ipv6_address") {
    make_ipv6(out, rng);
  } else {
    make_card_number(out, rng, "");
  }
}

void SemanticGenerator::disambiguate(std::string& out, uint64_t counter) const {
  std::string suffix(1, '-');
  suffix += std::to_string(counter);
  size_t at = type_ == "email" ? out.find('@') : std::string::npos;
  if (at == std::string::npos) {
    out += suffix;
  } else {
    out.insert(at, suffix);
  }
}

}  // namespace hyv::synth
