#include "hyv/synth/validity.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <initializer_list>
#include <limits>
#include <unordered_map>
#include <unordered_set>

#include "decimal.h"
#include "hash_set.h"
#include "hyv/synth/dates.h"
#include "hyv/synth/random.h"
#include "hyv/synth/semantic.h"

namespace hyv::synth {
namespace {

constexpr double kNull = std::numeric_limits<double>::quiet_NaN();
constexpr size_t kExampleBytes = 80;

uint64_t hash_text(std::string_view s) {
  uint64_t h = 1469598103934665603ULL;
  for (char c : s) {
    h ^= uint8_t(c);
    h *= 1099511628211ULL;
  }
  h = derive_seed(h, 0);
  return h ? h : 1;  // as U64HashSet stores it
}

bool parse_int(std::string_view s, int64_t& v) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

bool parse_double(std::string_view s, double& v) {
  return parse_decimal(s, v);
}

std::string value_text(const Value& v) {
  std::string out;
  switch (v.kind()) {
    case Value::Kind::boolean:
      return v.as_boolean() ? "true" : "false";
    case Value::Kind::integer:
      return std::to_string(v.as_integer());
    case Value::Kind::real:
      append_double(out, v.as_real());
      return out;
    case Value::Kind::string:
      return v.as_string();
    default:
      return "";
  }
}

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

// Words split on single spaces.
std::vector<std::string_view> words(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t sp = s.find(' ', start);
    if (sp == std::string_view::npos) sp = s.size();
    out.push_back(s.substr(start, sp - start));
    start = sp + 1;
  }
  return out;
}

bool is_ipv4(std::string_view s) {
  int parts = 0;
  size_t pos = 0;
  while (parts < 4) {
    size_t dot = s.find('.', pos);
    std::string_view p = s.substr(pos, dot == std::string_view::npos ? s.npos : dot - pos);
    int64_t v;
    if (p.empty() || p.size() > 3 || (p.size() > 1 && p[0] == '0') || !parse_int(p, v) || v > 255)
      return false;
    ++parts;
    if (dot == std::string_view::npos) break;
    pos = dot + 1;
  }
  return parts == 4 && s.find('.', pos) == std::string_view::npos;
}

bool is_ipv6(std::string_view s) {
  size_t dbl = s.find("::");
  if (dbl != std::string_view::npos && s.find("::", dbl + 1) != std::string_view::npos)
    return false;
  auto groups = [](std::string_view part, int& n) {
    if (part.empty()) return true;
    size_t pos = 0;
    while (true) {
      size_t colon = part.find(':', pos);
      std::string_view g =
          part.substr(pos, colon == std::string_view::npos ? part.npos : colon - pos);
      if (g.empty() || g.size() > 4) return false;
      for (char c : g)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
          return false;
      ++n;
      if (colon == std::string_view::npos) return true;
      pos = colon + 1;
    }
  };
  int n = 0;
  if (dbl == std::string_view::npos) return groups(s, n) && n == 8;
  return groups(s.substr(0, dbl), n) && groups(s.substr(dbl + 2), n) && n <= 7;
}

bool is_uuid4(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < 36; ++i) {
    char c = s[i];
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (c == '-')) return false;
    if (!dash && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return s[14] == '4' && (s[19] == '8' || s[19] == '9' || s[19] == 'a' || s[19] == 'b');
}

// Lower-case slug of a company name as its web domain spells it ("Carter & Hughes" ->
// carterandhughes).
std::string company_slug(std::string_view name) {
  std::string out;
  for (std::string_view w : words(name)) {
    if (w == "&")
      out += "and";
    else
      append_slug(out, w);
  }
  return out;
}

struct ColumnState {
  int pos = -1;  // field index in the data, -1 when the data lacks the column
  int type_check = -1, range_check = -1, null_check = -1, unique_check = -1, formula_check = -1,
      key_check = -1, consistency_check = -1;
  U64HashSet unique;
  std::optional<U64HashSet> keys;  // values other tables reference
};

struct TableState {
  bool fed = false;
  std::vector<ColumnState> cols;
  std::vector<int> constraint_checks;
  int columns_check = -1, cardinality_check = -1;
  TableValidity report;
  // Link to the parent: this table's foreign key to a unique parent column.
  int link_column = -1;
  std::unordered_map<uint64_t, uint32_t> children_per_parent;
  // Values descendants need, per row, keyed by the hash of the column children link to.
  std::vector<std::pair<int, int>> exports;
  int export_key = -1;
  std::unordered_map<uint64_t, std::vector<std::string>> export_rows;
  bool exports_complete = true;  // false when a needed value could not be looked up
};

}  // namespace

struct SchemaValidator::Impl {
  const Schema& schema;
  const LocaleData& loc;
  Pattern phone, building, postcode_suffix;
  std::unordered_set<std::string_view> first_names, last_names, cities, regions, countries, streets,
      suffixes, company_words, industries, company_suffixes, levels, areas, roles, email_domains,
      tlds, lorem;
  std::vector<TableState> tables;
  int current = -1;
  // Scratch for one row.
  std::vector<std::optional<std::string_view>> cell;
  std::vector<double> num;
  std::vector<bool> ok;
  const std::vector<std::string>* parent_values = nullptr;

  explicit Impl(const Schema& s);
  int add_check(TableState& t, std::string column, std::string rule) {
    t.report.checks.push_back(ValidityCheck{std::move(column), std::move(rule)});
    return int(t.report.checks.size() - 1);
  }
  void count(int check, bool good, std::string_view value, uint64_t line) {
    if (check < 0) return;
    ValidityCheck& c = tables[size_t(current)].report.checks[size_t(check)];
    ++c.checked;
    if (good) return;
    if (c.violations++ == 0) {
      c.example_line = line;
      c.example.assign(value.substr(0, kExampleBytes));
      if (value.size() > kExampleBytes) c.example += "...";
    }
  }
  std::string describe_type(const ColumnSpec& c) const;
  std::string describe_range(const ColumnSpec& c) const;
  bool parse_cell(const ColumnSpec& c, std::string_view s, double& number) const;
  bool semantic_ok(const ColumnSpec& c, std::string_view s) const;
  std::optional<bool> consistent(const TableSpec& spec, int column, std::string_view s) const;
  int entity_column(const TableSpec& spec, int column, ColumnType type) const;
  void plan_exports();
};

SchemaValidator::Impl::Impl(const Schema& s) : schema(s), loc(*s.locale_data) {
  auto lp = LocalePatterns::compile(loc);
  if (lp.ok()) {
    phone = lp.value().phone;
    building = lp.value().building;
    postcode_suffix = lp.value().postcode_suffix;
  }
  auto fill = [](std::unordered_set<std::string_view>& set, std::span<const std::string_view> l) {
    set.insert(l.begin(), l.end());
  };
  fill(first_names, loc.first_names);
  fill(last_names, loc.last_names);
  for (const auto& c : loc.cities) cities.insert(c.name), regions.insert(c.region);
  fill(countries, loc.countries);
  fill(streets, loc.street_names);
  fill(suffixes, loc.street_suffixes);
  fill(company_words, loc.company_words);
  fill(industries, loc.company_industries);
  fill(company_suffixes, loc.company_suffixes);
  fill(levels, loc.job_levels);
  fill(areas, loc.job_areas);
  fill(roles, loc.job_roles);
  fill(email_domains, loc.email_domains);
  fill(tlds, loc.tlds);
  fill(lorem, loc.lorem);
  tables.resize(s.tables.size());
  for (size_t t = 0; t < s.tables.size(); ++t) {
    const TableSpec& spec = s.tables[t];
    TableState& st = tables[t];
    st.cols.resize(spec.columns.size());
    if (spec.parent < 0) continue;
    for (size_t c = 0; c < spec.columns.size(); ++c) {
      const ColumnSpec& col = spec.columns[c];
      if (col.type != ColumnType::foreign_key || col.ref_table != spec.parent) continue;
      const ColumnSpec& target = s.tables[size_t(col.ref_table)].columns[size_t(col.ref_column)];
      if (target.type == ColumnType::id || target.unique) {
        st.link_column = int(c);
        break;
      }
    }
  }
  // Key sets for every referenced column.
  for (const TableSpec& spec : s.tables)
    for (const ColumnSpec& col : spec.columns)
      if (col.type == ColumnType::foreign_key)
        tables[size_t(col.ref_table)].cols[size_t(col.ref_column)].keys.emplace();
  plan_exports();
}

// Which (table, column) values each table keeps per row for its descendants' checks.
void SchemaValidator::Impl::plan_exports() {
  auto need = [&](int child, std::pair<int, int> what) {
    for (int x = schema.tables[size_t(child)].parent; x >= 0; x = schema.tables[size_t(x)].parent) {
      auto& ex = tables[size_t(x)].exports;
      if (std::find(ex.begin(), ex.end(), what) == ex.end()) ex.push_back(what);
      if (x == what.first) break;
    }
  };
  for (size_t t = 0; t < schema.tables.size(); ++t) {
    const TableSpec& spec = schema.tables[t];
    for (const auto& slot : spec.outer_slots) need(int(t), slot);
    for (size_t c = 0; c < spec.columns.size(); ++c) {
      const ColumnSpec& col = spec.columns[c];
      if (col.type == ColumnType::foreign_key && col.ref_parent && int(c) != tables[t].link_column)
        need(int(t), {col.ref_table, col.ref_column});
    }
    if (tables[t].link_column >= 0) {
      const ColumnSpec& link = spec.columns[size_t(tables[t].link_column)];
      TableState& parent = tables[size_t(spec.parent)];
      if (parent.export_key < 0) parent.export_key = link.ref_column;
    }
  }
}

std::string SchemaValidator::Impl::describe_type(const ColumnSpec& c) const {
  switch (c.type) {
    case ColumnType::integer:
    case ColumnType::real:
      if (c.distribution == Distribution::weighted || c.distribution == Distribution::empirical)
        return std::string(c.type == ColumnType::integer ? "integer" : "float") + " among " +
               std::to_string(c.values.size()) + " listed values";
      if (c.type == ColumnType::integer) return "whole number";
      return c.decimals >= 0 ? "number with at most " + std::to_string(c.decimals) + " decimals"
                             : "number";
    case ColumnType::boolean:
      return "true or false";
    case ColumnType::categorical:
      if (c.values.empty()) return "text (values from a combinations constraint)";
      return "one of " + std::to_string(c.values.size()) + " values";
    case ColumnType::date:
    case ColumnType::datetime:
      return std::string(column_type_name(c.type)) + " as " + c.format;
    case ColumnType::id:
      return c.uuid ? "version-4 UUID"
                    : "sequence id " + std::to_string(c.start) + ", " +
                          std::to_string(c.start + c.step) + ", ...";
    case ColumnType::pattern:
      return "matches " + c.pattern.source();
    case ColumnType::formula:
      if (c.integer_result) return "whole number";
      return c.decimals >= 0 ? "number with at most " + std::to_string(c.decimals) + " decimals"
                             : "number";
    case ColumnType::foreign_key: {
      const TableSpec& t = schema.tables[size_t(c.ref_table)];
      return "value of " + t.name + "." + t.columns[size_t(c.ref_column)].name;
    }
    case ColumnType::email:
      return "e-mail address";
    case ColumnType::iban:
      return c.option + " IBAN with valid check digits";
    case ColumnType::credit_card:
      return (c.option.empty() ? std::string("card") : c.option) +
             " number with a valid Luhn digit";
    case ColumnType::country:
      return c.option == "world" ? "country name" : "the locale's country";
    default:
      return std::string(column_type_name(c.type)) + " (" + std::string(loc.name) + " locale)";
  }
}

std::string SchemaValidator::Impl::describe_range(const ColumnSpec& c) const {
  auto text = [&](double v) {
    if (c.type == ColumnType::date || c.type == ColumnType::datetime) {
      std::string s;
      format_datetime(s, c.type == ColumnType::date ? "%Y-%m-%d" : "%Y-%m-%dT%H:%M:%S",
                      int64_t(v) * (c.type == ColumnType::date ? 86400 : 1));
      return s;
    }
    return number_text(v);
  };
  if (c.min && c.max) return "between " + text(*c.min) + " and " + text(*c.max);
  if (c.min) return "at least " + text(*c.min);
  return "at most " + text(*c.max);
}

// Type/format check of one non-null cell; sets `number` for columns formulas can read.
bool SchemaValidator::Impl::parse_cell(const ColumnSpec& c, std::string_view s,
                                       double& number) const {
  number = kNull;
  switch (c.type) {
    case ColumnType::integer: {
      int64_t v;
      if (!parse_int(s, v)) return false;
      number = double(v);
      if (c.distribution == Distribution::weighted || c.distribution == Distribution::empirical)
        return std::any_of(c.values.begin(), c.values.end(),
                           [&](const Value& x) { return x.as_integer() == v; });
      return true;
    }
    case ColumnType::real: {
      double v;
      if (!parse_double(s, v)) return false;
      number = v;
      if (c.distribution == Distribution::weighted || c.distribution == Distribution::empirical)
        return std::any_of(c.values.begin(), c.values.end(),
                           [&](const Value& x) { return x.as_number() == v; });
      return c.decimals < 0 || round_to_digits(v, c.decimals) == v;
    }
    case ColumnType::boolean:
      if (s == "true" || s == "false") {
        number = s == "true" ? 1 : 0;
        return true;
      }
      return false;
    case ColumnType::categorical:
      for (const Value& v : c.values)
        if (value_text(v) == s) {
          if (v.kind() == Value::Kind::integer || v.kind() == Value::Kind::real)
            number = v.as_number();
          return true;
        }
      if (c.values.empty()) {  // values come from a combinations constraint (checked there)
        double v;
        if (parse_double(s, v)) number = v;
        return true;
      }
      return false;
    case ColumnType::date:
    case ColumnType::datetime: {
      auto secs = parse_with_format(s, c.format);
      if (!secs) return false;
      number = c.type == ColumnType::date ? double(*secs / 86400) : double(*secs);
      return c.type == ColumnType::datetime || *secs % 86400 == 0;
    }
    case ColumnType::id: {
      if (c.uuid) return is_uuid4(s);
      int64_t v;
      if (!parse_int(s, v)) return false;
      number = double(v);
      int64_t diff = v - c.start;
      return diff % c.step == 0 && diff / c.step >= 0;
    }
    case ColumnType::pattern:
      return c.pattern.matches(s);
    case ColumnType::formula: {
      if (c.integer_result) {
        int64_t v;
        if (!parse_int(s, v)) return false;
        number = double(v);
        return true;
      }
      double v;
      if (!parse_double(s, v)) return false;
      number = v;
      return c.decimals < 0 || round_to_digits(v, c.decimals) == v;
    }
    case ColumnType::foreign_key:
      return parse_cell(schema.tables[size_t(c.ref_table)].columns[size_t(c.ref_column)], s,
                        number);
    default:
      return semantic_ok(c, s);
  }
}

bool SchemaValidator::Impl::semantic_ok(const ColumnSpec& c, std::string_view s) const {
  auto has = [](const std::unordered_set<std::string_view>& set, std::string_view w) {
    return set.count(w) > 0;
  };
  switch (c.type) {
    case ColumnType::first_name:
      return has(first_names, s);
    case ColumnType::last_name:
      return has(last_names, s);
    case ColumnType::full_name: {
      size_t sp = s.find(' ');
      return sp != s.npos && has(first_names, s.substr(0, sp)) && has(last_names, s.substr(sp + 1));
    }
    case ColumnType::email: {
      size_t at = s.find('@');
      if (at == 0 || at == s.npos || s.find('@', at + 1) != s.npos) return false;
      for (char ch : s.substr(0, at))
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '_'))
          return false;
      std::string_view domain = s.substr(at + 1);
      if (c.option != "company") return has(email_domains, domain);
      size_t dot = domain.rfind('.');
      return dot != domain.npos && dot > 0 && has(tlds, domain.substr(dot + 1));
    }
    case ColumnType::phone:
      return phone.matches(s);
    case ColumnType::street_address: {
      auto w = words(s);
      if (w.size() < 3 || !building.matches(w[0]) || !has(suffixes, w.back())) return false;
      std::string_view street =
          s.substr(w[0].size() + 1, s.size() - w[0].size() - w.back().size() - 2);
      return has(streets, street);
    }
    case ColumnType::city:
      return has(cities, s);
    case ColumnType::state:
      return has(regions, s);
    case ColumnType::postcode:
      for (const auto& city : loc.cities)
        if (s.substr(0, city.postcode_prefix.size()) == city.postcode_prefix &&
            postcode_suffix.matches(s.substr(city.postcode_prefix.size())))
          return true;
      return false;
    case ColumnType::country:
      return c.option == "world" ? has(countries, s) : s == loc.format("country");
    case ColumnType::company: {
      auto w = words(s);
      if (!w.empty() && has(company_suffixes, w.back()) && w.size() > 2) w.pop_back();
      if (w.size() == 3 && w[1] == "&") return has(last_names, w[0]) && has(last_names, w[2]);
      return w.size() == 2 && (has(company_words, w[0]) || has(last_names, w[0])) &&
             has(industries, w[1]);
    }
    case ColumnType::job_title: {
      size_t sp = s.rfind(' ');
      if (sp == s.npos || !has(roles, s.substr(sp + 1))) return false;
      std::string_view rest = s.substr(0, sp);
      if (has(areas, rest)) return true;
      size_t first = rest.find(' ');
      return first != rest.npos && has(levels, rest.substr(0, first)) &&
             has(areas, rest.substr(first + 1));
    }
    case ColumnType::url: {
      constexpr std::string_view kPrefix = "https://www.";
      if (s.substr(0, kPrefix.size()) != kPrefix || s.empty() || s.back() != '/') return false;
      std::string_view host = s.substr(kPrefix.size(), s.size() - kPrefix.size() - 1);
      size_t dot = host.find('.');
      if (dot == 0 || dot == host.npos || !has(tlds, host.substr(dot + 1))) return false;
      for (char ch : host.substr(0, dot))
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))) return false;
      return true;
    }
    case ColumnType::ipv4:
      return is_ipv4(s);
    case ColumnType::ipv6:
      return is_ipv6(s);
    case ColumnType::iban:
      return iban_valid(s) && s.substr(0, 2) == c.option;
    case ColumnType::credit_card: {
      if (!luhn_valid(s)) return false;
      bool visa = s.size() == 16 && s[0] == '4';
      bool mc = s.size() == 16 && s[0] == '5' && s[1] >= '1' && s[1] <= '5';
      bool amex = s.size() == 15 && s[0] == '3' && (s[1] == '4' || s[1] == '7');
      if (c.option == "visa") return visa;
      if (c.option == "mastercard") return mc;
      if (c.option == "amex") return amex;
      return visa || mc || amex;
    }
    case ColumnType::lorem: {
      if (s.empty() || s.back() != '.') return false;
      auto w = words(s.substr(0, s.size() - 1));
      if (int(w.size()) < c.min_words || int(w.size()) > c.max_words) return false;
      for (size_t i = 0; i < w.size(); ++i) {
        std::string lower(w[i]);
        if (i == 0 && !lower.empty() && lower[0] >= 'A' && lower[0] <= 'Z')
          lower[0] = char(lower[0] + 32);
        if (!lorem.count(lower)) return false;
      }
      return true;
    }
    default:
      return true;
  }
}

// The column of the given type describing the same entity as `column` in this row, or -1.
int SchemaValidator::Impl::entity_column(const TableSpec& spec, int column, ColumnType type) const {
  for (size_t i = 0; i < spec.columns.size(); ++i) {
    const ColumnSpec& c = spec.columns[i];
    if (c.type == type && c.entity == spec.columns[size_t(column)].entity &&
        tables[size_t(current)].cols[i].pos >= 0 && cell[i])
      return int(i);
  }
  return -1;
}

// Within-row agreement of semantic columns; nullopt when the row has nothing to compare with.
std::optional<bool> SchemaValidator::Impl::consistent(const TableSpec& spec, int column,
                                                      std::string_view s) const {
  const ColumnSpec& c = spec.columns[size_t(column)];
  auto text = [&](int col) { return *cell[size_t(col)]; };
  switch (c.type) {
    case ColumnType::full_name: {
      int f = entity_column(spec, column, ColumnType::first_name);
      int l = entity_column(spec, column, ColumnType::last_name);
      if (f < 0 && l < 0) return std::nullopt;
      std::string expect = std::string(f >= 0 ? text(f) : s.substr(0, s.find(' '))) + " " +
                           std::string(l >= 0 ? text(l) : s.substr(s.find(' ') + 1));
      return s == expect;
    }
    case ColumnType::email: {
      std::string_view local = s.substr(0, s.find('@')), domain = s.substr(s.find('@') + 1);
      if (c.option == "company") {
        int co = entity_column(spec, column, ColumnType::company);
        int url = entity_column(spec, column, ColumnType::url);
        if (url >= 0) return text(url) == "https://www." + std::string(domain) + "/";
        if (co < 0) return std::nullopt;
        return company_slug(text(co)).rfind(domain.substr(0, domain.find('.')), 0) == 0;
      }
      int f = entity_column(spec, column, ColumnType::first_name);
      int l = entity_column(spec, column, ColumnType::last_name);
      int full = entity_column(spec, column, ColumnType::full_name);
      std::string_view first, last;
      if (f >= 0) first = text(f);
      if (l >= 0) last = text(l);
      if (full >= 0) {
        std::string_view n = text(full);
        size_t sp = n.find(' ');
        if (sp == n.npos) return false;
        if (f < 0) first = n.substr(0, sp);
        if (l < 0) last = n.substr(sp + 1);
      }
      if (first.empty() && last.empty()) return std::nullopt;
      bool ok = true;
      if (!first.empty()) {
        std::string fs, initial;
        append_slug(fs, first);
        append_slug(initial, first.substr(0, 1));
        ok = local.rfind(fs, 0) == 0 || local.rfind(initial + ".", 0) == 0;
      }
      if (!last.empty()) {
        std::string ls;
        append_slug(ls, last);
        ok = ok && local.find(ls) != local.npos;
      }
      return ok;
    }
    case ColumnType::url: {
      int co = entity_column(spec, column, ColumnType::company);
      if (co < 0) return std::nullopt;
      std::string_view host = s.substr(12);
      return company_slug(text(co)).rfind(host.substr(0, host.find('.')), 0) == 0;
    }
    case ColumnType::state:
    case ColumnType::postcode: {
      int city = entity_column(spec, column, ColumnType::city);
      int state =
          c.type == ColumnType::postcode ? entity_column(spec, column, ColumnType::state) : -1;
      if (city < 0) return std::nullopt;
      for (const auto& lc : loc.cities) {
        if (lc.name != text(city)) continue;
        if (c.type == ColumnType::state && lc.region == s) return true;
        if (c.type == ColumnType::postcode && s.rfind(lc.postcode_prefix, 0) == 0 &&
            (state < 0 || lc.region == text(state)))
          return true;
      }
      return false;
    }
    default:
      return std::nullopt;
  }
}

SchemaValidator::SchemaValidator(const Schema& schema) : impl_(std::make_unique<Impl>(schema)) {}
SchemaValidator::~SchemaValidator() = default;
SchemaValidator::SchemaValidator(SchemaValidator&&) noexcept = default;

Status SchemaValidator::begin_table(int t, std::string source,
                                    std::span<const std::string_view> header) {
  Impl& m = *impl_;
  if (t < 0 || size_t(t) >= m.schema.tables.size()) return Status::Error("no such table");
  if (m.tables[size_t(t)].fed)
    return Status::Error("table " + m.schema.tables[size_t(t)].name + " given twice");
  m.current = t;
  const TableSpec& spec = m.schema.tables[size_t(t)];
  TableState& st = m.tables[size_t(t)];
  st.fed = true;
  st.report.table = spec.name;
  st.report.source = std::move(source);
  st.columns_check = m.add_check(st, "", "columns of the schema present, no others");
  int n = int(header.size());
  std::vector<bool> used(header.size(), false);
  for (size_t c = 0; c < spec.columns.size(); ++c) {
    const ColumnSpec& col = spec.columns[c];
    ColumnState& cs = st.cols[c];
    for (int i = 0; i < n; ++i)
      if (header[size_t(i)] == col.name) cs.pos = i, used[size_t(i)] = true;
    if (col.hidden) {
      cs.pos = -1;
      continue;
    }
    if (cs.pos < 0) {
      m.count(st.columns_check, false, "missing column " + col.name, 1);
      continue;
    }
    m.count(st.columns_check, true, "", 1);
    cs.type_check = m.add_check(st, col.name, m.describe_type(col));
    bool ranged =
        (col.min || col.max) && col.type != ColumnType::date && col.type != ColumnType::datetime;
    if (col.type == ColumnType::date || col.type == ColumnType::datetime || ranged)
      cs.range_check = m.add_check(st, col.name, m.describe_range(col));
    if (col.null_rate == 0) cs.null_check = m.add_check(st, col.name, "never null");
    if (col.unique) cs.unique_check = m.add_check(st, col.name, "unique");
    if (col.type == ColumnType::formula)
      cs.formula_check = m.add_check(st, col.name, "equals " + col.formula->source());
    // Token counts need the column's model, which a validator does not load.
    if (col.type == ColumnType::generated_text)
      st.report.notes.push_back(col.name + ": generated_text; length in tokens (" +
                                std::to_string(col.text->min_tokens) + "-" +
                                std::to_string(col.text->max_tokens) +
                                ") not checked, only presence and nulls");
    if (col.type == ColumnType::foreign_key) {
      const TableSpec& target = m.schema.tables[size_t(col.ref_table)];
      std::string ref = target.name + "." + target.columns[size_t(col.ref_column)].name;
      if (m.tables[size_t(col.ref_table)].fed)
        cs.key_check = m.add_check(st, col.name, "refers to an existing " + ref);
      else
        st.report.notes.push_back(col.name + ": references not checked (" + target.name +
                                  " not given)");
    }
    // Consistency rules only where the row has a column to agree with.
    auto partner = [&](std::initializer_list<ColumnType> types) {
      for (const ColumnSpec& other : spec.columns)
        for (ColumnType ty : types)
          if (other.type == ty && other.entity == col.entity && !other.hidden) return true;
      return false;
    };
    switch (col.type) {
      case ColumnType::full_name:
        if (partner({ColumnType::first_name, ColumnType::last_name}))
          cs.consistency_check = m.add_check(st, col.name, "first and last name of the row");
        break;
      case ColumnType::email:
        if (col.option == "company"
                ? partner({ColumnType::company, ColumnType::url})
                : partner({ColumnType::first_name, ColumnType::last_name, ColumnType::full_name}))
          cs.consistency_check = m.add_check(
              st, col.name,
              col.option == "company" ? "at the row's company domain" : "made from the row's name");
        break;
      case ColumnType::url:
        if (partner({ColumnType::company}))
          cs.consistency_check = m.add_check(st, col.name, "the row's company domain");
        break;
      case ColumnType::state:
      case ColumnType::postcode:
        if (partner({ColumnType::city}))
          cs.consistency_check = m.add_check(st, col.name, "belongs to the row's city");
        break;
      default:
        break;
    }
  }
  for (int i = 0; i < n; ++i)
    if (!used[size_t(i)])
      m.count(st.columns_check, false, "extra column " + std::string(header[size_t(i)]), 1);
  bool parent_ok = spec.parent >= 0 && st.link_column >= 0 && m.tables[size_t(spec.parent)].fed;
  for (size_t k = 0; k < spec.constraints.size(); ++k) {
    const ConstraintSpec& con = spec.constraints[k];
    bool outer = false;
    for (const auto* f : {&con.left, &con.right})
      if (*f)
        for (int r : (*f)->refs()) outer |= r >= int(spec.columns.size());
    if (outer && !parent_ok) {
      st.constraint_checks.push_back(-1);
      st.report.notes.push_back(con.path + " (" + con.description +
                                "): not checked (needs the parent table's rows)");
      continue;
    }
    st.constraint_checks.push_back(m.add_check(st, "", con.description));
  }
  if (spec.parent >= 0) {
    const std::string& parent = m.schema.tables[size_t(spec.parent)].name;
    if (parent_ok)
      st.cardinality_check =
          m.add_check(st, "",
                      std::to_string(spec.per_parent_min) + " to " +
                          std::to_string(spec.per_parent_max) + " rows per " + parent + " row");
    else
      st.report.notes.push_back("rows per parent not checked (" +
                                (st.link_column < 0
                                     ? "no foreign key to a unique column of " + parent
                                     : parent + " not given") +
                                ")");
  }
  m.cell.assign(spec.columns.size(), std::nullopt);
  m.num.assign(spec.columns.size() + spec.outer_slots.size(), kNull);
  m.ok.assign(spec.columns.size(), false);
  return Status::Ok();
}

void SchemaValidator::add_row(std::span<const std::optional<std::string_view>> cells,
                              uint64_t line) {
  Impl& m = *impl_;
  const TableSpec& spec = m.schema.tables[size_t(m.current)];
  TableState& st = m.tables[size_t(m.current)];
  ++st.report.rows;
  size_t ncols = spec.columns.size();
  for (size_t c = 0; c < ncols; ++c) {
    int pos = st.cols[c].pos;
    m.cell[c] = pos >= 0 && size_t(pos) < cells.size() ? cells[size_t(pos)] : std::nullopt;
  }
  // Parent row, through the link column.
  m.parent_values = nullptr;
  bool have_parent = false;
  if (spec.parent >= 0 && st.link_column >= 0 && m.cell[size_t(st.link_column)]) {
    TableState& parent = m.tables[size_t(spec.parent)];
    uint64_t key = hash_text(*m.cell[size_t(st.link_column)]);
    ++st.children_per_parent[key];
    auto it = parent.export_rows.find(key);
    if (it != parent.export_rows.end()) m.parent_values = &it->second;
    have_parent = parent.fed && (parent.exports.empty() || m.parent_values);
  }
  // Per column: null, type, range, unique, keys.
  for (size_t c = 0; c < ncols; ++c) {
    const ColumnSpec& col = spec.columns[c];
    ColumnState& cs = st.cols[c];
    m.num[c] = kNull;
    m.ok[c] = false;
    if (cs.pos < 0) continue;
    const auto& v = m.cell[c];
    if (!v) {
      // An empty CSV field is also how an empty string reads back; accept it where "" is a value.
      bool empty_ok = col.type == ColumnType::pattern && col.pattern.matches("");
      m.count(cs.null_check, empty_ok, "(null)", line);
      continue;
    }
    m.count(cs.null_check, true, "", line);
    double number;
    bool typed = m.parse_cell(col, *v, number);
    m.ok[c] = typed;
    m.count(cs.type_check, typed, *v, line);
    if (!typed) continue;
    m.num[c] = number;
    if (cs.range_check >= 0)
      m.count(cs.range_check, !((col.min && number < *col.min) || (col.max && number > *col.max)),
              *v, line);
    uint64_t h = hash_text(*v);
    if (cs.unique_check >= 0) m.count(cs.unique_check, cs.unique.insert(h), *v, line);
    if (cs.keys) cs.keys->insert(h);
    if (cs.key_check >= 0) {
      const auto& keys = m.tables[size_t(col.ref_table)].cols[size_t(col.ref_column)].keys;
      m.count(cs.key_check, keys && keys->contains(h), *v, line);
    }
  }
  // Ancestors' values for formulas and constraints, and copied foreign keys.
  if (m.parent_values) {
    const auto& pex = m.tables[size_t(spec.parent)].exports;
    for (size_t i = 0; i < spec.outer_slots.size(); ++i) {
      auto it = std::find(pex.begin(), pex.end(), spec.outer_slots[i]);
      if (it == pex.end()) continue;
      const std::string& text = (*m.parent_values)[size_t(it - pex.begin())];
      const ColumnSpec& oc = m.schema.tables[size_t(spec.outer_slots[i].first)]
                                 .columns[size_t(spec.outer_slots[i].second)];
      double number = kNull;
      if (!text.empty()) m.parse_cell(oc, text, number);
      m.num[ncols + i] = number;
    }
    for (size_t c = 0; c < ncols; ++c) {
      const ColumnSpec& col = spec.columns[c];
      if (col.type != ColumnType::foreign_key || !col.ref_parent || int(c) == st.link_column ||
          !m.cell[c] || st.cols[c].key_check < 0)
        continue;
      auto it = std::find(pex.begin(), pex.end(), std::pair(col.ref_table, col.ref_column));
      if (it != pex.end()) {
        // Counted as a second look at the same rule: the value must be the linked row's own.
        ValidityCheck& check = st.report.checks[size_t(st.cols[c].key_check)];
        bool same = (*m.parent_values)[size_t(it - pex.begin())] == *m.cell[c];
        if (!same && check.violations++ == 0) {
          check.example_line = line;
          check.example = std::string(*m.cell[c]) + " (the linked parent row has " +
                          (*m.parent_values)[size_t(it - pex.begin())] + ")";
        }
      }
    }
  } else {
    for (size_t i = 0; i < spec.outer_slots.size(); ++i) m.num[ncols + i] = kNull;
  }
  // Formulas, recomputed from the row's own parsed values.
  for (size_t c = 0; c < ncols; ++c) {
    const ColumnSpec& col = spec.columns[c];
    ColumnState& cs = st.cols[c];
    if (cs.formula_check < 0 || !m.cell[c] || std::isnan(m.num[c])) continue;
    bool inputs = true;
    for (int r : col.formula->refs())
      inputs &= r < int(ncols) ? (st.cols[size_t(r)].pos >= 0 || spec.columns[size_t(r)].hidden)
                               : have_parent;
    bool hidden_input = false;
    for (int r : col.formula->refs())
      hidden_input |= r < int(ncols) && spec.columns[size_t(r)].hidden;
    if (!inputs || hidden_input) continue;
    double x = col.formula->eval(m.num);
    if (col.integer_result)
      x = std::round(x);
    else if (col.decimals >= 0)
      x = round_to_digits(x, col.decimals);
    bool good =
        std::isnan(x) ? false : std::fabs(x - m.num[c]) <= 1e-12 * std::max(1.0, std::fabs(x));
    m.count(cs.formula_check, good, *m.cell[c], line);
  }
  // Constraints (a null side is not a violation, as in generation).
  for (size_t k = 0; k < spec.constraints.size(); ++k) {
    int check = st.constraint_checks[k];
    if (check < 0) continue;
    const ConstraintSpec& con = spec.constraints[k];
    bool good = true;
    std::string shown;
    switch (con.kind) {
      case ConstraintSpec::Kind::compare: {
        double l = con.left->eval(m.num), r = con.right->eval(m.num);
        if (std::isnan(l) || std::isnan(r)) break;
        switch (con.op) {
          case CompareOp::lt:
            good = l < r;
            break;
          case CompareOp::le:
            good = l <= r;
            break;
          case CompareOp::gt:
            good = l > r;
            break;
          case CompareOp::ge:
            good = l >= r;
            break;
          case CompareOp::eq:
            good = l == r;
            break;
          case CompareOp::ne:
            good = l != r;
            break;
        }
        shown = number_text(l) + " " + std::string(compare_op_name(con.op)) + " " + number_text(r);
        break;
      }
      case ConstraintSpec::Kind::range: {
        double x = m.num[size_t(con.column)];
        if (std::isnan(x)) break;
        good = !((con.min && x < *con.min) || (con.max && x > *con.max));
        shown = number_text(x);
        break;
      }
      case ConstraintSpec::Kind::combinations: {
        bool any_null = false;
        for (int col : con.columns)
          any_null |= !m.cell[size_t(col)] || st.cols[size_t(col)].pos < 0;
        if (any_null) break;
        good = std::any_of(con.tuples.begin(), con.tuples.end(), [&](const auto& tuple) {
          for (size_t j = 0; j < con.columns.size(); ++j)
            if (value_text(tuple[j]) != *m.cell[size_t(con.columns[j])]) return false;
          return true;
        });
        for (int col : con.columns)
          shown += (shown.empty() ? "" : ", ") + std::string(*m.cell[size_t(col)]);
        break;
      }
    }
    m.count(check, good, shown, line);
  }
  // Within-row consistency (values that failed their type check are already reported).
  for (size_t c = 0; c < ncols; ++c) {
    ColumnState& cs = st.cols[c];
    if (cs.consistency_check < 0 || !m.cell[c] || !m.ok[c]) continue;
    auto verdict = m.consistent(spec, int(c), *m.cell[c]);
    if (verdict) m.count(cs.consistency_check, *verdict, *m.cell[c], line);
  }
  // What this row passes on to its children.
  if (!st.exports.empty() && st.export_key >= 0 && m.cell[size_t(st.export_key)]) {
    std::vector<std::string> values;
    const auto* pex = spec.parent >= 0 ? &m.tables[size_t(spec.parent)].exports : nullptr;
    for (const auto& [et, ec] : st.exports) {
      if (et == m.current) {
        values.emplace_back(m.cell[size_t(ec)] ? std::string(*m.cell[size_t(ec)]) : "");
        continue;
      }
      std::string v;
      if (pex && m.parent_values) {
        auto it = std::find(pex->begin(), pex->end(), std::pair(et, ec));
        if (it != pex->end()) v = (*m.parent_values)[size_t(it - pex->begin())];
      }
      values.push_back(std::move(v));
    }
    st.export_rows[hash_text(*m.cell[size_t(st.export_key)])] = std::move(values);
  }
}

void SchemaValidator::end_table() {
  Impl& m = *impl_;
  const TableSpec& spec = m.schema.tables[size_t(m.current)];
  TableState& st = m.tables[size_t(m.current)];
  if (st.cardinality_check >= 0) {
    const ColumnSpec& link = spec.columns[size_t(st.link_column)];
    const auto& keys = m.tables[size_t(spec.parent)].cols[size_t(link.ref_column)].keys;
    if (keys) {
      keys->for_each([&](uint64_t h) {
        auto it = st.children_per_parent.find(h);
        int64_t n = it == st.children_per_parent.end() ? 0 : int64_t(it->second);
        bool good = n >= spec.per_parent_min && n <= spec.per_parent_max;
        m.count(st.cardinality_check, good, std::to_string(n) + " rows for one parent row", 0);
      });
    }
  }
  st.children_per_parent.clear();
  m.current = -1;
}

ValidityReport SchemaValidator::report() const {
  ValidityReport r;
  for (const TableState& st : impl_->tables)
    if (st.fed) r.tables.push_back(st.report);
  return r;
}

uint64_t ValidityReport::violations() const {
  uint64_t n = 0;
  for (const auto& t : tables)
    for (const auto& c : t.checks) n += c.violations;
  return n;
}

uint64_t ValidityReport::checks() const {
  uint64_t n = 0;
  for (const auto& t : tables) n += t.checks.size();
  return n;
}

std::vector<int> validation_order(const Schema& schema) {
  std::vector<int> order;
  std::vector<int> state(schema.tables.size(), 0);
  std::function<void(int)> visit = [&](int t) {
    if (state[size_t(t)]) return;
    state[size_t(t)] = 1;
    const TableSpec& spec = schema.tables[size_t(t)];
    if (spec.parent >= 0) visit(spec.parent);
    for (const ColumnSpec& c : spec.columns)
      if (c.type == ColumnType::foreign_key && c.ref_table != t) visit(c.ref_table);
    order.push_back(t);
  };
  for (size_t t = 0; t < schema.tables.size(); ++t) visit(int(t));
  return order;
}

}  // namespace hyv::synth
