#include "hyv/synth/column_types.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "hyv/synth/cell_values.h"
#include "hyv/synth/semantic_column.h"

namespace hyv::synth {
namespace {

constexpr size_t kMaxCategories = 1000;
constexpr size_t kMaxMixedTokens = 3;
constexpr double kMinParsedShare = 0.95;

using Counts = std::vector<std::pair<std::string_view, uint64_t>>;

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower(c);
  return out;
}

// Distinct non-missing cells with their counts, in first-appearance order (deterministic).
Counts distinct_counts(const CellColumn& column, uint64_t* missing) {
  std::unordered_map<std::string_view, size_t> index;
  Counts counts;
  *missing = 0;
  for (size_t r = 0; r < column.size(); ++r) {
    std::string_view cell = column.cell(r);
    if (is_null_cell(cell)) {
      ++*missing;
      continue;
    }
    auto [it, inserted] = index.try_emplace(cell, counts.size());
    if (inserted) counts.emplace_back(cell, 0);
    ++counts[it->second].second;
  }
  return counts;
}

// Values that fail `parses`: accepted as missing tokens when few and rare (the mixed rule).
template <typename Parse>
bool fits_mostly(const Counts& counts, uint64_t values, Parse parses,
                 std::vector<std::string>* tokens) {
  tokens->clear();
  uint64_t failed_rows = 0;
  for (const auto& [value, n] : counts) {
    if (parses(value)) continue;
    if (tokens->size() == kMaxMixedTokens) return false;
    tokens->emplace_back(value);
    failed_rows += n;
  }
  if (failed_rows == 0) return true;
  if (failed_rows == values) return false;
  return static_cast<double>(values - failed_rows) >= kMinParsedShare * static_cast<double>(values);
}

bool boolean_values(const Counts& counts) {
  static constexpr std::string_view kPairs[][2] = {
      {"true", "false"}, {"yes", "no"}, {"t", "f"}, {"y", "n"}};
  for (const auto& pair : kPairs) {
    bool all = true;
    for (const auto& [value, n] : counts) {
      std::string v = lowered(trim_blanks(value));
      if (v != pair[0] && v != pair[1]) {
        all = false;
        break;
      }
    }
    if (all) return true;
  }
  return false;
}

bool try_numerical(const Counts& counts, ColumnInfo* info) {
  for (bool thousands : {false, true}) {
    std::vector<std::string> tokens;
    bool integer = true, used_thousands = false;
    int decimals = 0;
    auto parses = [&](std::string_view v) {
      ParsedNumber n;
      if (!parse_number(v, thousands, &n)) return false;
      integer = integer && n.integral_text;
      decimals = std::max(decimals, n.decimals);
      used_thousands = used_thousands || n.thousands;
      return true;
    };
    if (!fits_mostly(counts, info->values, parses, &tokens)) continue;
    info->sdtype = Sdtype::numerical;
    info->integer = integer;
    info->decimals = integer ? 0 : std::min(decimals, 12);
    info->thousands = used_thousands;
    info->missing_tokens = std::move(tokens);
    info->reason = integer ? "every value is an integer" : "every value is a number";
    if (used_thousands) info->reason += " (with thousands separators)";
    return true;
  }
  return false;
}

int frac_digits_of(std::string_view v) {
  size_t dot = v.rfind('.');
  if (dot == std::string_view::npos) return 0;
  int n = 0;
  for (size_t i = dot + 1; i < v.size() && v[i] >= '0' && v[i] <= '9'; ++i) ++n;
  return n;
}

bool try_datetime(const Counts& counts, std::string_view only_format, ColumnInfo* info) {
  std::span<const std::string_view> formats = known_datetime_formats();
  std::string_view single[] = {only_format};
  if (!only_format.empty()) formats = single;
  for (std::string_view format : formats) {
    std::vector<std::string> tokens;
    int frac = 0;
    auto parses = [&](std::string_view v) {
      double t;
      if (!parse_datetime(v, format, &t)) return false;
      if (format.find("%f") != std::string_view::npos) frac = std::max(frac, frac_digits_of(v));
      return true;
    };
    if (!fits_mostly(counts, info->values, parses, &tokens)) continue;
    info->sdtype = Sdtype::datetime;
    info->datetime_format = std::string(format);
    info->frac_digits = frac;
    info->missing_tokens = std::move(tokens);
    info->reason = "every value is a date/time in the format " + std::string(format);
    return true;
  }
  return false;
}

bool key_like(std::string_view v) {
  if (v.size() > 64) return false;
  return v.find_first_of(" \t\r\n") == std::string_view::npos;
}

// Unique semantic columns stay unique when sampled; the sdtype says so to SDV-only readers.
void set_semantic(std::string type, std::string locale, ColumnInfo* info) {
  info->semantic = std::move(type);
  info->semantic_locale = std::move(locale);
  info->sdtype = info->values > 1 && info->distinct == info->values ? Sdtype::id : Sdtype::text;
  info->missing_tokens.clear();
}

void classify_text(const Counts& counts, ColumnInfo* info) {
  uint64_t n = info->values;
  uint64_t d = counts.size();
  bool few = d <= std::max<uint64_t>(20, n / 2) && d <= kMaxCategories;
  // A city column with few distinct values stays categorical: its frequencies and its links to
  // other columns (a state, a price level) are what users learn a table for, and a city names a
  // place rather than a person.
  if (auto match = detect_semantic(counts, n); match && !(few && match->type == "city")) {
    set_semantic(std::move(match->type), std::move(match->locale), info);
    info->reason = std::move(match->reason);
    return;
  }
  if (few) {
    info->sdtype = Sdtype::categorical;
    info->reason = std::to_string(d) + " distinct values";
    return;
  }
  bool unique = d == n;
  bool keys = unique && std::all_of(counts.begin(), counts.end(),
                                    [](const auto& c) { return key_like(c.first); });
  if (n > 20 && keys) {
    info->sdtype = Sdtype::id;
    info->reason = "every value is distinct and key-like (no blanks, at most 64 bytes)";
    return;
  }
  info->sdtype = Sdtype::text;
  info->reason = std::to_string(d) + " distinct values among " + std::to_string(n) +
                 ": too many for categories (limit " + std::to_string(kMaxCategories) +
                 ", or half the rows)";
}

ColumnInfo infer_one(const CsvTable& table, size_t col) {
  ColumnInfo info;
  info.name = table.names[col];
  Counts counts = distinct_counts(table.columns[col], &info.missing);
  info.values = table.rows() - info.missing;
  info.distinct = counts.size();
  if (info.values == 0) {
    info.sdtype = Sdtype::categorical;
    info.reason = table.rows() == 0 ? "no rows" : "every value is missing";
    return info;
  }
  if (boolean_values(counts)) {
    info.sdtype = Sdtype::boolean;
    info.reason = "every value is one of a true/false pair";
    return info;
  }
  if (try_numerical(counts, &info)) {
    if (info.integer && info.missing_tokens.empty() && info.missing == 0 &&
        info.distinct == info.values && info.values > 1 && looks_like_key_name(info.name)) {
      info.sdtype = Sdtype::id;
      info.reason = "distinct integers in a column named like a key";
    }
    if (!info.missing_tokens.empty()) {
      info.reason += "; mixed: ";
      for (size_t i = 0; i < info.missing_tokens.size(); ++i) {
        info.reason += (i ? ", \"" : "\"") + info.missing_tokens[i] + "\"";
      }
      info.reason += " read as missing";
    }
    return info;
  }
  if (try_datetime(counts, {}, &info)) return info;
  classify_text(counts, &info);
  return info;
}

std::string cell_where(const CsvTable& table, size_t col, size_t row) {
  return table.source + ": line " + std::to_string(table.row_lines[row]) + ", column " +
         std::to_string(col + 1) + " (\"" + table.names[col] + "\")";
}

Status apply_override(const CsvTable& table, size_t col, const ColumnOverride& o,
                      ColumnInfo* info) {
  info->from_metadata = true;
  if (!o.semantic.empty()) {
    set_semantic(
        o.semantic,
        info->semantic_locale.empty() ? std::string(kDefaultSemanticLocale) : info->semantic_locale,
        info);
    info->reason = "set by the metadata";
    return Status::Ok();
  }
  if (o.sdtype && (*o.sdtype != info->sdtype || !info->semantic.empty())) {
    info->semantic.clear();
    info->semantic_locale.clear();
    Sdtype want = *o.sdtype;
    uint64_t missing;
    Counts counts = distinct_counts(table.columns[col], &missing);
    ColumnInfo forced = *info;
    forced.missing_tokens.clear();
    if (want == Sdtype::numerical) {
      if (!try_numerical(counts, &forced) || !forced.missing_tokens.empty()) {
        forced.missing_tokens.clear();
        for (size_t r = 0; r < table.rows(); ++r) {
          std::string_view cell = table.columns[col].cell(r);
          ParsedNumber n;
          if (!is_null_cell(cell) && !parse_number(cell, true, &n)) {
            return Status::Error(cell_where(table, col, r) + ": \"" + std::string(cell) +
                                 "\" is not a number, but the metadata says the column is "
                                 "numerical; fix the value or the metadata");
          }
        }
      }
    } else if (want == Sdtype::datetime) {
      if (o.datetime_format.empty() && !try_datetime(counts, {}, &forced)) {
        return Status::Error(table.source + ": column \"" + info->name +
                             "\": the metadata says datetime, but no known format fits every "
                             "value; give its \"datetime_format\" (e.g. \"%d/%m/%Y\")");
      }
    }
    *info = std::move(forced);
    info->sdtype = want;
    info->from_metadata = true;
    info->reason = "set by the metadata";
  }
  if (info->sdtype == Sdtype::datetime && !o.datetime_format.empty()) {
    info->datetime_format = o.datetime_format;
    for (size_t r = 0; r < table.rows(); ++r) {
      std::string_view cell = table.columns[col].cell(r);
      double t;
      if (!is_null_cell(cell) && !parse_datetime(cell, o.datetime_format, &t)) {
        return Status::Error(cell_where(table, col, r) + ": \"" + std::string(cell) +
                             "\" does not match the datetime_format \"" + o.datetime_format +
                             "\" given in the metadata");
      }
      if (!is_null_cell(cell) && o.datetime_format.find("%f") != std::string::npos) {
        info->frac_digits = std::max(info->frac_digits, frac_digits_of(cell));
      }
    }
    info->missing_tokens.clear();
    info->reason = "datetime in the format " + o.datetime_format + " (from the metadata)";
  }
  if (o.integer && info->sdtype == Sdtype::numerical) {
    info->integer = *o.integer;
    if (info->integer) info->decimals = 0;
  }
  return Status::Ok();
}

}  // namespace

std::string_view sdtype_name(Sdtype t) {
  switch (t) {
    case Sdtype::numerical:
      return "numerical";
    case Sdtype::categorical:
      return "categorical";
    case Sdtype::datetime:
      return "datetime";
    case Sdtype::boolean:
      return "boolean";
    case Sdtype::id:
      return "id";
    case Sdtype::text:
      return "text";
  }
  return "categorical";
}

std::optional<Sdtype> parse_sdtype(std::string_view name) {
  for (Sdtype t : {Sdtype::numerical, Sdtype::categorical, Sdtype::datetime, Sdtype::boolean,
                   Sdtype::id, Sdtype::text}) {
    if (sdtype_name(t) == name) return t;
  }
  return std::nullopt;
}

bool looks_like_key_name(std::string_view name) {
  std::string l = lowered(name);
  if (l == "id" || l == "key" || l == "uuid" || l == "guid" || l == "pk") return true;
  auto ends_with = [&](std::string_view suffix) {
    return l.size() > suffix.size() &&
           l.compare(l.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends_with("_id") || ends_with("-id") || ends_with(" id") || ends_with("_key") ||
      ends_with("_uuid")) {
    return true;
  }
  // camelCase: customerId, orderID.
  return name.size() > 2 && (name.ends_with("Id") || name.ends_with("ID")) &&
         name[name.size() - 3] >= 'a' && name[name.size() - 3] <= 'z';
}

Result<std::vector<ColumnInfo>> infer_column_types(const CsvTable& table,
                                                   std::span<const ColumnOverride> overrides) {
  for (const auto& o : overrides) {
    if (table.column_index(o.name) < 0) {
      return Status::Error("metadata names column \"" + o.name + "\", which " + table.source +
                           " does not have");
    }
  }
  std::vector<ColumnInfo> infos;
  infos.reserve(table.names.size());
  for (size_t c = 0; c < table.names.size(); ++c) {
    infos.push_back(infer_one(table, c));
    for (const auto& o : overrides) {
      if (o.name == table.names[c]) HYV_RETURN_IF_ERROR(apply_override(table, c, o, &infos[c]));
    }
  }
  return infos;
}

bool cell_number(std::string_view cell, const ColumnInfo& info, double* out) {
  if (is_null_cell(cell)) return false;
  if (info.sdtype == Sdtype::datetime) return parse_datetime(cell, info.datetime_format, out);
  ParsedNumber n;
  if (!parse_number(cell, true, &n)) return false;
  *out = n.value;
  return true;
}

Status column_numbers(const CsvTable& table, size_t column, const ColumnInfo& info,
                      std::vector<double>* out) {
  const CellColumn& cells = table.columns[column];
  out->resize(cells.size());
  for (size_t r = 0; r < cells.size(); ++r) {
    std::string_view cell = cells.cell(r);
    double v;
    if (cell_number(cell, info, &v)) {
      (*out)[r] = v;
      continue;
    }
    (*out)[r] = std::numeric_limits<double>::quiet_NaN();
    if (is_null_cell(cell)) continue;
    bool token = std::find(info.missing_tokens.begin(), info.missing_tokens.end(), cell) !=
                 info.missing_tokens.end();
    if (!token) {
      return Status::Error(
          cell_where(table, column, r) + ": \"" + std::string(cell) + "\" is not " +
          (info.sdtype == Sdtype::datetime ? "a date/time in the format " + info.datetime_format
                                           : std::string("a number")) +
          ", but the column is " + std::string(sdtype_name(info.sdtype)));
    }
  }
  return Status::Ok();
}

}  // namespace hyv::synth
