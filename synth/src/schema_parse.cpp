// JSON -> Schema. Every error names the JSON path (tables[0].columns[3].type) and what was
// expected.
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <initializer_list>
#include <limits>

#include "hyv/json_nesting.h"
#include "hyv/json_parse.h"
#include "hyv/synth/dates.h"
#include "hyv/synth/schema.h"
#include "hyv/synth/semantic.h"

namespace hyv::synth {
namespace {

using JV = rapidjson::Value;

std::string describe(const JV& v) {
  if (v.IsString()) return "a string";
  if (v.IsNumber()) return "a number";
  if (v.IsBool()) return "true/false";
  if (v.IsNull()) return "null";
  if (v.IsArray()) return "an array";
  return "an object";
}

Status expected(const std::string& path, const std::string& what, const JV& got) {
  return Status::Error(path + ": expected " + what + ", got " + describe(got));
}

Status fail(const std::string& path, const std::string& what) {
  return Status::Error(path + ": " + what);
}

std::string quoted(std::string_view s) {
  return "\"" + std::string(s) + "\"";
}

std::string join(std::initializer_list<std::string_view> items) {
  std::string out;
  for (auto s : items) {
    if (!out.empty()) out += ", ";
    out += s;
  }
  return out;
}

// An object being read: remembers its path and which keys it may hold.
class Obj {
 public:
  Obj(const JV& v, std::string path) : v_(v), path_(std::move(path)) {}

  const std::string& path() const { return path_; }
  std::string at(std::string_view key) const { return path_ + "." + std::string(key); }
  const JV* get(std::string_view key) const {
    auto it = v_.FindMember(rapidjson::StringRef(key.data(), key.size()));
    return it == v_.MemberEnd() ? nullptr : &it->value;
  }

  Status only(std::initializer_list<std::string_view> allowed, const std::string& what) const {
    for (auto it = v_.MemberBegin(); it != v_.MemberEnd(); ++it) {
      std::string_view key(it->name.GetString(), it->name.GetStringLength());
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
        return fail(path_, "unknown key " + quoted(key) + " for " + what +
                               " (known: " + join(allowed) + ")");
    }
    return Status::Ok();
  }

  Status string(std::string_view key, std::string& out, bool required) const {
    const JV* v = get(key);
    if (!v) return required ? fail(path_, "missing " + quoted(key)) : Status::Ok();
    if (!v->IsString()) return expected(at(key), "a string", *v);
    out.assign(v->GetString(), v->GetStringLength());
    return Status::Ok();
  }

  Status number(std::string_view key, std::optional<double>& out) const {
    const JV* v = get(key);
    if (!v) return Status::Ok();
    if (!v->IsNumber()) return expected(at(key), "a number", *v);
    out = v->GetDouble();
    return Status::Ok();
  }

  Status integer(std::string_view key, std::optional<int64_t>& out) const {
    const JV* v = get(key);
    if (!v) return Status::Ok();
    if (v->IsInt64()) {
      out = v->GetInt64();
      return Status::Ok();
    }
    if (v->IsNumber() && std::floor(v->GetDouble()) == v->GetDouble() &&
        std::fabs(v->GetDouble()) < 9.2e18) {
      out = int64_t(v->GetDouble());
      return Status::Ok();
    }
    if (v->IsNumber() && std::floor(v->GetDouble()) == v->GetDouble())
      return fail(at(key), "must be between -9223372036854775808 and 9223372036854775807 (64-bit)");
    return expected(at(key), "a whole number", *v);
  }

  Status boolean(std::string_view key, bool& out) const {
    const JV* v = get(key);
    if (!v) return Status::Ok();
    if (!v->IsBool()) return expected(at(key), "true or false", *v);
    out = v->GetBool();
    return Status::Ok();
  }

 private:
  const JV& v_;
  std::string path_;
};

struct TypeName {
  std::string_view name;
  ColumnType type;
};
constexpr TypeName kTypes[] = {
    {"integer", ColumnType::integer},
    {"float", ColumnType::real},
    {"boolean", ColumnType::boolean},
    {"categorical", ColumnType::categorical},
    {"date", ColumnType::date},
    {"datetime", ColumnType::datetime},
    {"id", ColumnType::id},
    {"pattern", ColumnType::pattern},
    {"formula", ColumnType::formula},
    {"foreign_key", ColumnType::foreign_key},
    {"first_name", ColumnType::first_name},
    {"last_name", ColumnType::last_name},
    {"full_name", ColumnType::full_name},
    {"email", ColumnType::email},
    {"phone", ColumnType::phone},
    {"street_address", ColumnType::street_address},
    {"city", ColumnType::city},
    {"state", ColumnType::state},
    {"postcode", ColumnType::postcode},
    {"country", ColumnType::country},
    {"company", ColumnType::company},
    {"job_title", ColumnType::job_title},
    {"url", ColumnType::url},
    {"ipv4", ColumnType::ipv4},
    {"ipv6", ColumnType::ipv6},
    {"iban", ColumnType::iban},
    {"credit_card", ColumnType::credit_card},
    {"lorem", ColumnType::lorem},
    {"generated_text", ColumnType::generated_text},
};

std::string all_type_names() {
  std::string out;
  for (const auto& t : kTypes) {
    if (!out.empty()) out += ", ";
    out += t.name;
  }
  return out;
}

constexpr std::string_view kDistNames[] = {"uniform", "normal",   "lognormal", "exponential",
                                           "poisson", "weighted", "empirical"};

Result<Value> scalar(const JV& v, const std::string& path) {
  if (v.IsString()) return Value::string(std::string_view(v.GetString(), v.GetStringLength()));
  if (v.IsBool()) return Value::boolean(v.GetBool());
  if (v.IsInt64()) return Value::integer(v.GetInt64());
  if (v.IsNumber()) return Value::real(v.GetDouble());
  return expected(path, "a string, number or true/false", v);
}

// Running sums of weights (each finite and >= 0, not all zero). When the plain sum overflows
// (weights near 1e308) every weight is first scaled by the same power of two, which is exact, so
// the draws stay proportional; sums that fit keep their exact values (and the generated bytes).
void cumulative_weights(const std::vector<double>& weights, std::vector<double>& cumulative) {
  double total = 0;
  for (double w : weights) total += w;
  double scale = 1;
  if (!std::isfinite(total)) {
    int exponent = 0;
    std::frexp(*std::max_element(weights.begin(), weights.end()), &exponent);
    scale = std::ldexp(1.0, -exponent);  // the largest weight becomes [0.5, 1)
  }
  total = 0;
  for (double w : weights) cumulative.push_back(total += w * scale);
}

// values (+ optional weights) -> column.values and cumulative weights.
Status read_values(const Obj& o, std::vector<Value>& values, std::vector<double>& cumulative,
                   bool numbers_only, bool integers_only) {
  const JV* v = o.get("values");
  if (!v) return fail(o.path(), "missing \"values\"");
  if (!v->IsArray() || v->Empty()) return expected(o.at("values"), "a non-empty array", *v);
  for (rapidjson::SizeType i = 0; i < v->Size(); ++i) {
    std::string p = o.at("values") + "[" + std::to_string(i) + "]";
    const JV& item = (*v)[i];
    if (integers_only && !item.IsInt64()) return expected(p, "a whole number", item);
    if (numbers_only && !item.IsNumber()) return expected(p, "a number", item);
    auto s = scalar(item, p);
    if (!s.ok()) return s.status();
    values.push_back(std::move(s).value());
  }
  const JV* w = o.get("weights");
  double total = 0;
  if (w) {
    std::vector<double> weights;
    if (!w->IsArray()) return expected(o.at("weights"), "an array of numbers", *w);
    if (w->Size() != v->Size())
      return fail(o.at("weights"), "has " + std::to_string(w->Size()) + " weights for " +
                                       std::to_string(v->Size()) + " values");
    for (rapidjson::SizeType i = 0; i < w->Size(); ++i) {
      const JV& x = (*w)[i];
      std::string p = o.at("weights") + "[" + std::to_string(i) + "]";
      if (!x.IsNumber() || !(x.GetDouble() >= 0) || std::isinf(x.GetDouble()))
        return expected(p, "a finite number >= 0", x);
      weights.push_back(x.GetDouble());
      total = std::max(total, x.GetDouble());
    }
    if (!(total > 0)) return fail(o.at("weights"), "weights must not all be zero");
    cumulative_weights(weights, cumulative);
  } else {
    for (size_t i = 0; i < values.size(); ++i) cumulative.push_back(double(i + 1));
  }
  return Status::Ok();
}

// A table's name becomes a file name (DIR/<table>.csv in the CLI, <table>.jsonl in the studio),
// so it must be one on every platform: no path separators, no "." or "..", no hidden files, no
// control or other special characters.
Status check_table_name(const std::string& path, const std::string& name) {
  std::string rule =
      "table names must be 1 to 64 of A-Z a-z 0-9 _ - . and not start with '.' (they "
      "name files)";
  if (name.empty()) return fail(path, "must not be empty; " + rule);
  if (name.size() > 64)
    return fail(path, "is " + std::to_string(name.size()) + " characters long; " + rule);
  if (name[0] == '.') return fail(path, quoted(name) + " starts with '.'; " + rule);
  for (size_t i = 0; i < name.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.';
    if (ok) continue;
    char what[48];
    if (c < 0x20 || c == 0x7f || c >= 0x80)
      std::snprintf(what, sizeof what, "byte 0x%02X", c);
    else
      std::snprintf(what, sizeof what, "'%c'", c);
    // A control character is not echoed: the name is shown only up to it.
    std::string shown = c < 0x20 || c == 0x7f ? name.substr(0, i) + "..." : name;
    return fail(path,
                quoted(shown) + " has " + what + " at offset " + std::to_string(i) + "; " + rule);
  }
  return Status::Ok();
}

class SchemaParser {
 public:
  Result<Schema> run(std::string_view json) {
    HYV_RETURN_IF_ERROR(check_json_nesting(json, "schema"));  // RapidJSON recurses per level
    rapidjson::Document doc;
    rapidjson::ParseResult parsed = parse_json(doc, json);
    if (!parsed)
      return Status::Error("schema: JSON syntax error at byte offset " +
                           std::to_string(parsed.Offset()) + ": " +
                           rapidjson::GetParseError_En(parsed.Code()));
    if (!doc.IsObject()) return expected("schema", "a JSON object with \"tables\"", doc);
    Obj root(doc, "schema");
    HYV_RETURN_IF_ERROR(
        root.only({"$schema", "description", "locale", "max_attempts", "tables"}, "the schema"));
    HYV_RETURN_IF_ERROR(root.string("locale", s_.locale, false));
    s_.locale_data = find_locale(s_.locale);
    if (!s_.locale_data) {
      std::string known;
      for (auto n : locale_names()) known += (known.empty() ? "" : ", ") + std::string(n);
      return fail("locale", "unknown locale " + quoted(s_.locale) + " (available: " + known + ")");
    }
    std::optional<int64_t> attempts;
    HYV_RETURN_IF_ERROR(root.integer("max_attempts", attempts));
    if (attempts) {
      if (*attempts < 1 || *attempts > 1000000)
        return fail("max_attempts", "must be between 1 and 1000000");
      s_.max_attempts = int(*attempts);
    }
    const JV* tables = root.get("tables");
    if (!tables) return fail("schema", "missing \"tables\" (an array of tables)");
    if (!tables->IsArray() || tables->Empty())
      return expected("tables", "a non-empty array of tables", *tables);

    // Names first, so parents and foreign keys may point forwards.
    for (rapidjson::SizeType i = 0; i < tables->Size(); ++i) {
      const JV& t = (*tables)[i];
      std::string path = "tables[" + std::to_string(i) + "]";
      if (!t.IsObject()) return expected(path, "a table object", t);
      TableSpec spec;
      spec.path = path;
      HYV_RETURN_IF_ERROR(Obj(t, path).string("name", spec.name, true));
      HYV_RETURN_IF_ERROR(check_table_name(path + ".name", spec.name));
      if (s_.find_table(spec.name) >= 0)
        return fail(path + ".name", "a second table named " + quoted(spec.name));
      s_.tables.push_back(std::move(spec));
    }
    for (rapidjson::SizeType i = 0; i < tables->Size(); ++i)
      HYV_RETURN_IF_ERROR(table_header(int(i), (*tables)[i]));
    HYV_RETURN_IF_ERROR(check_parent_cycles());
    HYV_RETURN_IF_ERROR(check_rows_per_root_row());
    for (rapidjson::SizeType i = 0; i < tables->Size(); ++i)
      HYV_RETURN_IF_ERROR(columns(int(i), (*tables)[i]));
    for (rapidjson::SizeType i = 0; i < tables->Size(); ++i)
      HYV_RETURN_IF_ERROR(references(int(i), (*tables)[i]));
    for (rapidjson::SizeType i = 0; i < tables->Size(); ++i) {
      HYV_RETURN_IF_ERROR(formulas(int(i), (*tables)[i]));
      HYV_RETURN_IF_ERROR(constraints(int(i), (*tables)[i]));
      HYV_RETURN_IF_ERROR(categorical_values(int(i)));
      HYV_RETURN_IF_ERROR(order(int(i)));
    }
    return std::move(s_);
  }

 private:
  Status table_header(int ti, const JV& t) {
    TableSpec& spec = s_.tables[size_t(ti)];
    Obj o(t, spec.path);
    HYV_RETURN_IF_ERROR(o.only(
        {"name", "description", "rows", "parent", "rows_per_parent", "columns", "constraints"},
        "a table"));
    std::optional<int64_t> rows;
    HYV_RETURN_IF_ERROR(o.integer("rows", rows));
    if (rows && *rows < 0) return fail(o.at("rows"), "must be >= 0");
    spec.rows = rows;
    std::string parent;
    HYV_RETURN_IF_ERROR(o.string("parent", parent, false));
    const JV* per = o.get("rows_per_parent");
    if (parent.empty()) {
      if (per) return fail(o.at("rows_per_parent"), "needs \"parent\"");
      return Status::Ok();
    }
    spec.parent = s_.find_table(parent);
    if (spec.parent < 0) return fail(o.at("parent"), "no table named " + quoted(parent));
    if (spec.parent == ti) return fail(o.at("parent"), "a table cannot be its own parent");
    if (rows)
      return fail(o.at("rows"),
                  "a child table's row count comes from its parent; use \"rows_per_parent\"");
    s_.tables[size_t(spec.parent)].children.push_back(ti);
    if (!per) return Status::Ok();
    if (!per->IsObject())
      return expected(o.at("rows_per_parent"), "an object like {\"min\": 1, \"max\": 5}", *per);
    Obj p(*per, o.at("rows_per_parent"));
    HYV_RETURN_IF_ERROR(p.only({"min", "max"}, "rows_per_parent"));
    std::optional<int64_t> lo, hi;
    HYV_RETURN_IF_ERROR(p.integer("min", lo));
    HYV_RETURN_IF_ERROR(p.integer("max", hi));
    if (!lo && !hi) return fail(p.path(), "give \"min\" and/or \"max\"");
    spec.per_parent_min = lo.value_or(hi.value_or(1) < 1 ? 0 : 1);
    spec.per_parent_max = hi.value_or(spec.per_parent_min);
    if (spec.per_parent_min < 0) return fail(p.at("min"), "must be >= 0");
    if (spec.per_parent_max < spec.per_parent_min)
      return fail(p.path(), "max (" + std::to_string(spec.per_parent_max) + ") is below min (" +
                                std::to_string(spec.per_parent_min) + ")");
    if (spec.per_parent_max > 1000000) return fail(p.at("max"), "must be at most 1000000");
    return Status::Ok();
  }

  Status check_parent_cycles() {
    for (size_t i = 0; i < s_.tables.size(); ++i) {
      int t = int(i);
      for (size_t steps = 0; t >= 0; ++steps) {
        if (steps > s_.tables.size())
          return fail(s_.tables[i].path + ".parent",
                      "parents form a cycle through table " + quoted(s_.tables[i].name));
        t = s_.tables[size_t(t)].parent;
      }
    }
    return Status::Ok();
  }

  // Rows one top-level row can bring into each table (rows_per_parent max along the chain): over
  // kMaxTotalRows, no row count can be generated, whatever --rows says.
  Status check_rows_per_root_row() const {
    for (size_t i = 0; i < s_.tables.size(); ++i) {
      uint64_t rows = 1;
      int root = int(i);
      for (int t = int(i); s_.tables[size_t(t)].parent >= 0; t = s_.tables[size_t(t)].parent) {
        uint64_t m = uint64_t(s_.tables[size_t(t)].per_parent_max);
        rows = m != 0 && rows > UINT64_MAX / m ? UINT64_MAX : rows * m;
        root = s_.tables[size_t(t)].parent;
      }
      if (rows <= kMaxTotalRows) continue;
      return fail(s_.tables[i].path + ".rows_per_parent",
                  "table " + quoted(s_.tables[i].name) + " can get " +
                      (rows == UINT64_MAX ? std::string("more than 18446744073709551614")
                                          : "up to " + std::to_string(rows)) +
                      " rows for each row of " + quoted(s_.tables[size_t(root)].name) +
                      " (the rows_per_parent maxima multiplied), over the limit of " +
                      std::to_string(kMaxTotalRows) + " rows per run; lower rows_per_parent max");
    }
    return Status::Ok();
  }

  Status columns(int ti, const JV& t) {
    TableSpec& spec = s_.tables[size_t(ti)];
    Obj o(t, spec.path);
    const JV* cols = o.get("columns");
    if (!cols) return fail(spec.path, "missing \"columns\"");
    if (!cols->IsArray() || cols->Empty())
      return expected(o.at("columns"), "a non-empty array of columns", *cols);
    for (rapidjson::SizeType i = 0; i < cols->Size(); ++i) {
      ColumnSpec c;
      c.path = o.at("columns") + "[" + std::to_string(i) + "]";
      HYV_RETURN_IF_ERROR(column(c, (*cols)[i]));
      for (const ColumnSpec& other : spec.columns)
        if (other.name == c.name)
          return fail(c.path + ".name", "a second column named " + quoted(c.name));
      spec.columns.push_back(std::move(c));
    }
    bool visible = false;
    for (const ColumnSpec& c : spec.columns) visible |= !c.hidden;
    if (!visible) return fail(o.at("columns"), "every column is hidden; nothing would be written");
    return Status::Ok();
  }

  Status column(ColumnSpec& c, const JV& v) {
    if (!v.IsObject()) return expected(c.path, "a column object", v);
    Obj o(v, c.path);
    HYV_RETURN_IF_ERROR(o.string("name", c.name, true));
    if (c.name.empty()) return fail(o.at("name"), "must not be empty");
    std::string type;
    HYV_RETURN_IF_ERROR(o.string("type", type, true));
    auto it = std::find_if(std::begin(kTypes), std::end(kTypes),
                           [&](const TypeName& t) { return t.name == type; });
    if (it == std::end(kTypes))
      return fail(o.at("type"),
                  "unknown type " + quoted(type) + " (expected one of: " + all_type_names() + ")");
    c.type = it->type;
    std::optional<double> null_rate;
    HYV_RETURN_IF_ERROR(o.number("null_rate", null_rate));
    if (null_rate) {
      if (!(*null_rate >= 0 && *null_rate <= 1))
        return fail(o.at("null_rate"), "must be between 0 and 1");
      c.null_rate = *null_rate;
    }
    HYV_RETURN_IF_ERROR(o.boolean("unique", c.unique));
    HYV_RETURN_IF_ERROR(o.boolean("hidden", c.hidden));
    std::string what = std::string(type) + " column";
#define HYV_COMMON "name", "type", "description", "null_rate", "unique", "hidden"
    switch (c.type) {
      case ColumnType::integer:
      case ColumnType::real:
        HYV_RETURN_IF_ERROR(
            o.only({HYV_COMMON, "distribution", "min", "max", "mean", "stddev", "mu", "sigma",
                    "rate", "lambda", "values", "weights", "decimals"},
                   what));
        return numeric(c, o);
      case ColumnType::boolean: {
        HYV_RETURN_IF_ERROR(o.only({HYV_COMMON, "probability"}, what));
        std::optional<double> p;
        HYV_RETURN_IF_ERROR(o.number("probability", p));
        if (p && !(*p >= 0 && *p <= 1)) return fail(o.at("probability"), "must be between 0 and 1");
        c.probability = p.value_or(0.5);
        return Status::Ok();
      }
      case ColumnType::categorical:
        HYV_RETURN_IF_ERROR(o.only({HYV_COMMON, "values", "weights"}, what));
        // Values may be left out when a "combinations" constraint supplies them (checked later).
        if (!o.get("values")) return Status::Ok();
        return read_values(o, c.values, c.cumulative, false, false);
      case ColumnType::date:
      case ColumnType::datetime:
        HYV_RETURN_IF_ERROR(o.only({HYV_COMMON, "min", "max", "format"}, what));
        return date_column(c, o);
      case ColumnType::id: {
        HYV_RETURN_IF_ERROR(o.only({HYV_COMMON, "format", "start", "step"}, what));
        std::string format = "sequence";
        HYV_RETURN_IF_ERROR(o.string("format", format, false));
        if (format != "sequence" && format != "uuid")
          return fail(o.at("format"), "expected \"sequence\" or \"uuid\", got " + quoted(format));
        c.uuid = format == "uuid";
        std::optional<int64_t> start, step;
        HYV_RETURN_IF_ERROR(o.integer("start", start));
        HYV_RETURN_IF_ERROR(o.integer("step", step));
        if (c.uuid && (start || step))
          return fail(c.path, "\"start\" and \"step\" apply to sequence ids, not uuid");
        c.start = start.value_or(1);
        c.step = step.value_or(1);
        if (c.step == 0) return fail(o.at("step"), "must not be 0");
        c.unique = true;  // by construction
        return Status::Ok();
      }
      case ColumnType::pattern: {
        HYV_RETURN_IF_ERROR(o.only({HYV_COMMON, "pattern"}, what));
        std::string p;
        HYV_RETURN_IF_ERROR(o.string("pattern", p, true));
        auto r = Pattern::parse(p);
        if (!r.ok()) return fail(o.at("pattern"), r.status().message());
        c.pattern = std::move(r).value();
        return Status::Ok();
      }
      case ColumnType::formula: {
        HYV_RETURN_IF_ERROR(o.only({HYV_COMMON, "formula", "result", "decimals"}, what));
        std::string f, result = "float";
        HYV_RETURN_IF_ERROR(o.string("formula", f, true));
        HYV_RETURN_IF_ERROR(o.string("result", result, false));
        if (result != "float" && result != "integer")
          return fail(o.at("result"), "expected \"float\" or \"integer\", got " + quoted(result));
        c.integer_result = result == "integer";
        c.format = f;  // parsed once every column is known
        return decimals(c, o);
      }
      case ColumnType::foreign_key:
        HYV_RETURN_IF_ERROR(o.only({HYV_COMMON, "references"}, what));
        HYV_RETURN_IF_ERROR(o.string("references", c.format, true));  // resolved later
        return Status::Ok();
      case ColumnType::email: {
        HYV_RETURN_IF_ERROR(o.only({HYV_COMMON, "entity", "domain"}, what));
        HYV_RETURN_IF_ERROR(o.string("entity", c.entity, false));
        std::string domain = "personal";
        HYV_RETURN_IF_ERROR(o.string("domain", domain, false));
        if (domain != "personal" && domain != "company")
          return fail(o.at("domain"),
                      "expected \"personal\" or \"company\", got " + quoted(domain));
        c.option = domain == "company" ? "company" : "";
        return Status::Ok();
      }
      case ColumnType::country: {
        HYV_RETURN_IF_ERROR(o.only({HYV_COMMON, "entity", "scope"}, what));
        HYV_RETURN_IF_ERROR(o.string("entity", c.entity, false));
        std::string scope = "address";
        HYV_RETURN_IF_ERROR(o.string("scope", scope, false));
        if (scope != "address" && scope != "world")
          return fail(o.at("scope"), "expected \"address\" or \"world\", got " + quoted(scope));
        c.option = scope == "world" ? "world" : "";
        return Status::Ok();
      }
      case ColumnType::iban: {
        HYV_RETURN_IF_ERROR(o.only({HYV_COMMON, "country"}, what));
        c.option = "GB";
        HYV_RETURN_IF_ERROR(o.string("country", c.option, false));
        if (!iban_country_known(c.option))
          return fail(o.at("country"), "no IBAN format for " + quoted(c.option) +
                                           " (known: " + std::string(iban_countries()) + ")");
        return Status::Ok();
      }
      case ColumnType::credit_card: {
        HYV_RETURN_IF_ERROR(o.only({HYV_COMMON, "brand"}, what));
        HYV_RETURN_IF_ERROR(o.string("brand", c.option, false));
        if (!c.option.empty() && c.option != "visa" && c.option != "mastercard" &&
            c.option != "amex")
          return fail(o.at("brand"),
                      "expected \"visa\", \"mastercard\" or \"amex\", got " + quoted(c.option));
        return Status::Ok();
      }
      case ColumnType::lorem: {
        HYV_RETURN_IF_ERROR(o.only({HYV_COMMON, "min_words", "max_words"}, what));
        std::optional<int64_t> lo, hi;
        HYV_RETURN_IF_ERROR(o.integer("min_words", lo));
        HYV_RETURN_IF_ERROR(o.integer("max_words", hi));
        c.min_words = int(std::clamp<int64_t>(lo.value_or(4), -1, 100000));
        c.max_words =
            int(std::clamp<int64_t>(hi.value_or(std::max<int64_t>(c.min_words, 12)), -1, 100000));
        if (c.min_words < 1) return fail(o.at("min_words"), "must be between 1 and 100000");
        if (c.max_words < c.min_words) return fail(c.path, "max_words is below min_words");
        return Status::Ok();
      }
      case ColumnType::generated_text:
        HYV_RETURN_IF_ERROR(o.only({HYV_COMMON, "prompt", "model", "min_tokens", "max_tokens",
                                    "temperature", "top_k", "top_p", "stop"},
                                   what));
        return text_column(c, o);
      default:  // the other semantic types take only an entity
        HYV_RETURN_IF_ERROR(o.only({HYV_COMMON, "entity"}, what));
        return o.string("entity", c.entity, false);
    }
#undef HYV_COMMON
  }

  Status text_column(ColumnSpec& c, const Obj& o) {
    if (c.unique)
      return fail(o.at("unique"), "generated_text columns cannot be unique (a model may repeat)");
    TextColumnSpec t;
    HYV_RETURN_IF_ERROR(o.string("prompt", c.format, true));  // parsed once every column is known
    HYV_RETURN_IF_ERROR(o.string("model", t.model, false));
    if (t.model.empty()) return fail(o.at("model"), "expected \"text\", \"code\" or a folder");
    std::optional<int64_t> lo, hi, top_k;
    HYV_RETURN_IF_ERROR(o.integer("min_tokens", lo));
    HYV_RETURN_IF_ERROR(o.integer("max_tokens", hi));
    t.max_tokens =
        int(std::clamp<int64_t>(hi.value_or(std::max<int64_t>(lo.value_or(1), 32)), -1, 1000000));
    t.min_tokens = int(std::clamp<int64_t>(lo.value_or(std::min(1, t.max_tokens)), -1, 1000000));
    if (t.max_tokens < 1 || t.max_tokens > 4096)
      return fail(o.at("max_tokens"), "must be between 1 and 4096");
    if (t.min_tokens < 0) return fail(o.at("min_tokens"), "must be >= 0");
    if (t.min_tokens > t.max_tokens) return fail(c.path, "min_tokens is above max_tokens");
    std::optional<double> temperature, top_p;
    HYV_RETURN_IF_ERROR(o.number("temperature", temperature));
    HYV_RETURN_IF_ERROR(o.integer("top_k", top_k));
    HYV_RETURN_IF_ERROR(o.number("top_p", top_p));
    if (temperature && !(*temperature >= 0 && *temperature <= 10))
      return fail(o.at("temperature"), "must be between 0 (greedy) and 10");
    if (top_k && (*top_k < 0 || *top_k > 1000000))
      return fail(o.at("top_k"), "must be >= 0 (0: off)");
    if (top_p && !(*top_p > 0 && *top_p <= 1))
      return fail(o.at("top_p"), "must be in (0, 1] (1: off)");
    if (temperature) t.temperature = float(*temperature);
    if (top_k) t.top_k = int(*top_k);
    if (top_p) t.top_p = float(*top_p);
    if (const JV* stop = o.get("stop")) {
      t.stop.clear();
      if (stop->IsString()) {
        t.stop.emplace_back(stop->GetString(), stop->GetStringLength());
      } else if (stop->IsArray()) {
        for (rapidjson::SizeType i = 0; i < stop->Size(); ++i) {
          const JV& x = (*stop)[i];
          if (!x.IsString())
            return expected(o.at("stop") + "[" + std::to_string(i) + "]", "a string", x);
          t.stop.emplace_back(x.GetString(), x.GetStringLength());
        }
      } else {
        return expected(o.at("stop"), "a string or an array of strings", *stop);
      }
      for (const std::string& x : t.stop)
        if (x.empty()) return fail(o.at("stop"), "a stop string must not be empty");
    }
    c.text = std::move(t);
    return Status::Ok();
  }

  Status decimals(ColumnSpec& c, const Obj& o) {
    std::optional<int64_t> d;
    HYV_RETURN_IF_ERROR(o.integer("decimals", d));
    if (!d) return Status::Ok();
    if (*d < 0 || *d > 15) return fail(o.at("decimals"), "must be between 0 and 15");
    if (c.type == ColumnType::formula && c.integer_result)
      return fail(o.at("decimals"), "does not apply to \"result\": \"integer\"");
    c.decimals = int(*d);
    return Status::Ok();
  }

  Status numeric(ColumnSpec& c, const Obj& o) {
    bool integer = c.type == ColumnType::integer;
    if (integer && o.get("decimals")) return fail(o.at("decimals"), "applies to float columns");
    HYV_RETURN_IF_ERROR(decimals(c, o));
    std::string dist;
    HYV_RETURN_IF_ERROR(o.string("distribution", dist, false));
    if (dist.empty())
      dist = o.get("values") ? (o.get("weights") ? "weighted" : "empirical") : "uniform";
    auto it = std::find(std::begin(kDistNames), std::end(kDistNames), dist);
    if (it == std::end(kDistNames))
      return fail(o.at("distribution"),
                  "unknown distribution " + quoted(dist) +
                      " (expected uniform, normal, lognormal, exponential, poisson, weighted or "
                      "empirical)");
    c.distribution = Distribution(it - std::begin(kDistNames));
    if (integer) {
      std::optional<int64_t> lo, hi;
      HYV_RETURN_IF_ERROR(o.integer("min", lo));
      HYV_RETURN_IF_ERROR(o.integer("max", hi));
      if (lo) c.min = double(*lo), c.int_min = *lo;
      if (hi) c.max = double(*hi), c.int_max = *hi;
      if (lo && hi && *lo > *hi)
        return fail(c.path,
                    "min (" + std::to_string(*lo) + ") is above max (" + std::to_string(*hi) + ")");
    } else {
      HYV_RETURN_IF_ERROR(o.number("min", c.min));
      HYV_RETURN_IF_ERROR(o.number("max", c.max));
    }
    if (c.min && c.max && *c.min > *c.max)
      return fail(c.path, "min (" + num(*c.min) + ") is above max (" + num(*c.max) + ")");
    // Which parameters each distribution takes; any other one is a mistake worth reporting.
    auto param = [&](std::string_view key, double& out, bool positive) -> Status {
      std::optional<double> v;
      HYV_RETURN_IF_ERROR(o.number(key, v));
      if (!v) return fail(c.path, "the " + dist + " distribution needs " + quoted(key));
      if (positive && !(*v > 0)) return fail(o.at(key), "must be > 0");
      out = *v;
      return Status::Ok();
    };
    auto unused = [&](std::initializer_list<std::string_view> keys) -> Status {
      for (auto k : keys)
        if (o.get(k)) return fail(o.at(k), "does not apply to the " + dist + " distribution");
      return Status::Ok();
    };
    switch (c.distribution) {
      case Distribution::uniform:
        HYV_RETURN_IF_ERROR(
            unused({"mean", "stddev", "mu", "sigma", "rate", "lambda", "values", "weights"}));
        if (!c.min || !c.max) return fail(c.path, "a uniform column needs \"min\" and \"max\"");
        return Status::Ok();
      // Outputs must stay finite: the sampler's normal draws lie within 13 standard deviations
      // (random.h), -log(1 - U) below 37, and a draw that still overflows is redrawn.
      case Distribution::normal:
        HYV_RETURN_IF_ERROR(unused({"mu", "sigma", "rate", "lambda", "values", "weights"}));
        HYV_RETURN_IF_ERROR(param("mean", c.param1, false));
        HYV_RETURN_IF_ERROR(param("stddev", c.param2, true));
        if (std::fabs(c.param1) > 1e300)
          return fail(o.at("mean"), "must be between -1e300 and 1e300 (draws would overflow)");
        if (c.param2 > 1e300)
          return fail(o.at("stddev"), "must be at most 1e300 (draws would overflow)");
        return Status::Ok();
      case Distribution::lognormal:
        HYV_RETURN_IF_ERROR(unused({"mean", "stddev", "rate", "lambda", "values", "weights"}));
        HYV_RETURN_IF_ERROR(param("mu", c.param1, false));
        HYV_RETURN_IF_ERROR(param("sigma", c.param2, true));
        if (!c.max && !(c.param1 + 13 * c.param2 <= 709))
          return fail(c.path,
                      "a lognormal column without \"max\" needs mu + 13 * sigma <= 709 "
                      "(got mu " +
                          num(c.param1) + ", sigma " + num(c.param2) +
                          "), or its largest draws exceed 1.8e308, the largest double; "
                          "lower mu or sigma, or give \"max\"");
        return Status::Ok();
      case Distribution::exponential:
        HYV_RETURN_IF_ERROR(
            unused({"mean", "stddev", "mu", "sigma", "lambda", "values", "weights"}));
        HYV_RETURN_IF_ERROR(param("rate", c.param1, true));
        if (c.param1 < 1e-300)
          return fail(o.at("rate"),
                      "must be at least 1e-300 (draws up to 37 / rate would "
                      "overflow)");
        return Status::Ok();
      case Distribution::poisson:
        HYV_RETURN_IF_ERROR(unused({"mean", "stddev", "mu", "sigma", "rate", "values", "weights"}));
        if (!integer)
          return fail(o.at("distribution"), "poisson gives whole numbers; use an integer column");
        HYV_RETURN_IF_ERROR(param("lambda", c.param1, true));
        if (c.param1 > 1e9) return fail(o.at("lambda"), "must be at most 1e9");
        return Status::Ok();
      case Distribution::weighted:
      case Distribution::empirical:
        HYV_RETURN_IF_ERROR(unused({"mean", "stddev", "mu", "sigma", "rate", "lambda"}));
        if (c.distribution == Distribution::empirical && o.get("weights"))
          return fail(o.at("weights"),
                      "empirical draws every listed value equally; use "
                      "\"distribution\": \"weighted\" for weights");
        return read_values(o, c.values, c.cumulative, true, integer);
    }
    return Status::Ok();
  }

  Status date_column(ColumnSpec& c, const Obj& o) {
    bool datetime = c.type == ColumnType::datetime;
    c.format = datetime ? "%Y-%m-%dT%H:%M:%S" : "%Y-%m-%d";
    HYV_RETURN_IF_ERROR(o.string("format", c.format, false));
    Status f = check_date_format(c.format);
    if (!f.ok()) return fail(o.at("format"), f.message());
    for (std::string_view key : {"min", "max"}) {
      std::string text;
      HYV_RETURN_IF_ERROR(o.string(key, text, true));
      auto v = datetime ? parse_iso_datetime(text) : parse_iso_date(text);
      if (!v)
        return fail(o.at(key), "expected " +
                                   std::string(datetime ? "an ISO datetime like 2024-05-01T13:45:00"
                                                        : "an ISO date like 2024-05-01") +
                                   ", got " + quoted(text));
      (key == "min" ? c.min : c.max) = double(*v);
    }
    if (*c.min > *c.max) return fail(c.path, "min is after max");
    return Status::Ok();
  }

  Status references(int ti, const JV&) {
    TableSpec& spec = s_.tables[size_t(ti)];
    for (ColumnSpec& c : spec.columns) {
      if (c.type != ColumnType::foreign_key) continue;
      std::string ref = c.format;
      c.format.clear();
      std::string at = c.path + ".references";
      size_t dot = ref.find('.');
      if (dot == std::string::npos)
        return fail(at, "expected \"table.column\", got " + quoted(ref));
      int t = s_.find_table(ref.substr(0, dot));
      if (t < 0) return fail(at, "no table named " + quoted(ref.substr(0, dot)));
      const TableSpec& target = s_.tables[size_t(t)];
      std::string col = ref.substr(dot + 1);
      auto it = std::find_if(target.columns.begin(), target.columns.end(),
                             [&](const ColumnSpec& x) { return x.name == col; });
      if (it == target.columns.end())
        return fail(at, "table " + quoted(target.name) + " has no column " + quoted(col));
      c.ref_table = t;
      c.ref_column = int(it - target.columns.begin());
      if (t == ti) return fail(at, "a table cannot reference itself");
      for (int a = spec.parent; a >= 0; a = s_.tables[size_t(a)].parent)
        if (a == t) c.ref_parent = true;
      if (!c.ref_parent && (it->type != ColumnType::id || target.parent >= 0))
        return fail(at, quoted(ref) + " is not an id column of a top-level table, and " +
                            quoted(target.name) + " is not a parent of " + quoted(spec.name) +
                            ": reference an id column (type id) of a table without a parent, or "
                            "make " +
                            quoted(target.name) + " the parent");
      if (it->type == ColumnType::foreign_key)
        return fail(at, "references another foreign key; reference the column it points to");
    }
    return Status::Ok();
  }

  // Resolves formula names: this table's numeric columns, then `ancestor.column`.
  Formula::Resolver resolver(int ti) {
    return [this, ti](std::string_view name, std::string* why) -> std::optional<int> {
      TableSpec& spec = s_.tables[size_t(ti)];
      auto find = [&](const TableSpec& t, std::string_view col) -> int {
        for (size_t i = 0; i < t.columns.size(); ++i)
          if (t.columns[i].name == col) return int(i);
        return -1;
      };
      auto usable = [&](const TableSpec& t, int col) -> bool {
        const ColumnSpec& c = t.columns[size_t(col)];
        if (is_numeric(c)) return true;
        *why = "column " + quoted(c.name) + " holds text (type " +
               std::string(column_type_name(c.type)) + "); formulas work on numbers";
        return false;
      };
      int own = find(spec, name);
      if (own >= 0) return usable(spec, own) ? std::optional<int>(own) : std::nullopt;
      size_t dot = name.find('.');
      if (dot == std::string_view::npos) return std::nullopt;
      int t = s_.find_table(name.substr(0, dot));
      bool ancestor = false;
      for (int a = spec.parent; a >= 0; a = s_.tables[size_t(a)].parent) ancestor |= a == t;
      if (!ancestor) {
        if (t >= 0) *why = quoted(name.substr(0, dot)) + " is not a parent of " + quoted(spec.name);
        return std::nullopt;
      }
      int col = find(s_.tables[size_t(t)], name.substr(dot + 1));
      if (col < 0 || !usable(s_.tables[size_t(t)], col)) return std::nullopt;
      for (size_t i = 0; i < spec.outer_slots.size(); ++i)
        if (spec.outer_slots[i] == std::pair<int, int>(t, col)) return int(spec.columns.size() + i);
      spec.outer_slots.push_back({t, col});
      return int(spec.columns.size() + spec.outer_slots.size() - 1);
    };
  }

  // numeric() before every column is final: foreign keys look at their target.
  bool is_numeric(const ColumnSpec& c) const {
    return s_.column_numeric(c);
  }

  Status formulas(int ti, const JV&) {
    TableSpec& spec = s_.tables[size_t(ti)];
    auto resolve = resolver(ti);
    for (ColumnSpec& c : spec.columns) {
      if (c.type == ColumnType::generated_text) {
        HYV_RETURN_IF_ERROR(prompt(spec, c));
        continue;
      }
      if (c.type != ColumnType::formula) continue;
      auto f = Formula::parse(c.format, resolve);
      if (!f.ok()) return fail(c.path + ".formula", f.status().message());
      c.formula = std::move(f).value();
      c.format.clear();
    }
    return Status::Ok();
  }

  Status prompt(const TableSpec& spec, ColumnSpec& c) {
    auto p = PromptTemplate::parse(c.format, [&](std::string_view name) -> std::optional<int> {
      int i = column_index(spec, name);
      return i < 0 ? std::nullopt : std::optional<int>(i);
    });
    if (!p.ok()) return fail(c.path + ".prompt", p.status().message());
    for (int r : p.value().refs())
      if (spec.columns[size_t(r)].name == c.name)
        return fail(c.path + ".prompt", "refers to its own column " + quoted(c.name));
    c.text->prompt = std::move(p).value();
    c.format.clear();
    return Status::Ok();
  }

  Status side(const Obj& o, std::string_view key, std::optional<Formula>& out, int ti,
              std::string& text) {
    const JV* v = o.get(key);
    if (!v) return fail(o.path(), "missing " + quoted(key));
    if (v->IsNumber()) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.17g", v->GetDouble());
      text = buf;
    } else if (v->IsString()) {
      text.assign(v->GetString(), v->GetStringLength());
    } else {
      return expected(o.at(key), "a column name, formula or number", *v);
    }
    auto f = Formula::parse(text, resolver(ti));
    if (!f.ok()) return fail(o.at(key), f.status().message());
    out = std::move(f).value();
    return Status::Ok();
  }

  Status constraints(int ti, const JV& t) {
    TableSpec& spec = s_.tables[size_t(ti)];
    const JV* list = Obj(t, spec.path).get("constraints");
    if (!list) return Status::Ok();
    if (!list->IsArray()) return expected(spec.path + ".constraints", "an array", *list);
    for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
      ConstraintSpec k;
      k.path = spec.path + ".constraints[" + std::to_string(i) + "]";
      const JV& v = (*list)[i];
      if (!v.IsObject()) return expected(k.path, "a constraint object", v);
      Obj o(v, k.path);
      std::string type;
      HYV_RETURN_IF_ERROR(o.string("type", type, true));
      if (type == "compare") {
        HYV_RETURN_IF_ERROR(o.only({"type", "description", "left", "op", "right"}, "compare"));
        k.kind = ConstraintSpec::Kind::compare;
        std::string l, r, op;
        HYV_RETURN_IF_ERROR(side(o, "left", k.left, ti, l));
        HYV_RETURN_IF_ERROR(side(o, "right", k.right, ti, r));
        HYV_RETURN_IF_ERROR(o.string("op", op, true));
        static constexpr std::string_view kOps[] = {"<", "<=", ">", ">=", "==", "!="};
        auto it = std::find(std::begin(kOps), std::end(kOps), op);
        if (it == std::end(kOps))
          return fail(o.at("op"), "expected one of < <= > >= == !=, got " + quoted(op));
        k.op = CompareOp(it - std::begin(kOps));
        k.description = l + " " + op + " " + r;
        HYV_RETURN_IF_ERROR(check_compare(spec, k));
      } else if (type == "range") {
        HYV_RETURN_IF_ERROR(o.only({"type", "description", "column", "min", "max"}, "range"));
        k.kind = ConstraintSpec::Kind::range;
        std::string col;
        HYV_RETURN_IF_ERROR(o.string("column", col, true));
        k.column = column_index(spec, col);
        if (k.column < 0) return fail(o.at("column"), "no column " + quoted(col));
        if (!is_numeric(spec.columns[size_t(k.column)]))
          return fail(o.at("column"), quoted(col) + " is not numeric");
        HYV_RETURN_IF_ERROR(o.number("min", k.min));
        HYV_RETURN_IF_ERROR(o.number("max", k.max));
        if (!k.min && !k.max) return fail(k.path, "give \"min\" and/or \"max\"");
        if (k.min && k.max && *k.min > *k.max) return fail(k.path, "min is above max");
        k.description =
            (k.min ? num(*k.min) + " <= " : "") + col + (k.max ? " <= " + num(*k.max) : "");
        auto [lo, hi] = bounds(spec, k.column);
        if ((k.min && hi < *k.min) || (k.max && lo > *k.max))
          return fail(k.path, "can never hold: " + quoted(col) + " lies in [" + num(lo) + ", " +
                                  num(hi) + "]");
      } else if (type == "combinations") {
        HYV_RETURN_IF_ERROR(
            o.only({"type", "description", "columns", "values", "weights"}, "combinations"));
        k.kind = ConstraintSpec::Kind::combinations;
        HYV_RETURN_IF_ERROR(combinations(spec, o, k, int(spec.constraints.size())));
      } else {
        return fail(o.at("type"), "unknown constraint type " + quoted(type) +
                                      " (expected compare, range or combinations)");
      }
      spec.constraints.push_back(std::move(k));
    }
    return Status::Ok();
  }

  Status categorical_values(int ti) {
    const TableSpec& spec = s_.tables[size_t(ti)];
    for (size_t ci = 0; ci < spec.columns.size(); ++ci) {
      const ColumnSpec& c = spec.columns[ci];
      if (c.type == ColumnType::categorical && c.values.empty() && spec.combination_of(int(ci)) < 0)
        return fail(c.path,
                    "a categorical column needs \"values\" (or a \"combinations\" "
                    "constraint that lists it)");
    }
    return Status::Ok();
  }

  static int column_index(const TableSpec& t, std::string_view name) {
    for (size_t i = 0; i < t.columns.size(); ++i)
      if (t.columns[i].name == name) return int(i);
    return -1;
  }

  static std::string num(double v) {
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.15g", v);
    return buf;
  }

  // The values a column can take, as far as the schema alone says.
  std::pair<double, double> bounds(const TableSpec& t, int col) const {
    constexpr double inf = std::numeric_limits<double>::infinity();
    const ColumnSpec& c = t.columns[size_t(col)];
    switch (c.type) {
      case ColumnType::integer:
      case ColumnType::real:
      case ColumnType::date:
      case ColumnType::datetime: {
        if (c.distribution == Distribution::weighted || c.distribution == Distribution::empirical) {
          double lo = inf, hi = -inf;
          for (const Value& v : c.values)
            lo = std::min(lo, v.as_number()), hi = std::max(hi, v.as_number());
          return {std::max(lo, c.min.value_or(-inf)), std::min(hi, c.max.value_or(inf))};
        }
        double lo = c.min.value_or(-inf), hi = c.max.value_or(inf);
        if (c.distribution == Distribution::lognormal ||
            c.distribution == Distribution::exponential || c.distribution == Distribution::poisson)
          lo = std::max(lo, 0.0);
        return {lo, hi};
      }
      case ColumnType::boolean:
        return {0, 1};
      case ColumnType::id:
        if (c.uuid) return {-inf, inf};
        return c.step > 0 ? std::pair{double(c.start), inf} : std::pair{-inf, double(c.start)};
      case ColumnType::categorical: {
        double lo = inf, hi = -inf;
        for (const Value& v : c.values)
          lo = std::min(lo, v.as_number()), hi = std::max(hi, v.as_number());
        return c.values.empty() ? std::pair{-inf, inf} : std::pair{lo, hi};
      }
      case ColumnType::foreign_key:
        if (c.ref_table >= 0) return bounds(s_.tables[size_t(c.ref_table)], c.ref_column);
        return {-inf, inf};
      default:
        return {-inf, inf};
    }
  }

  std::pair<double, double> side_bounds(const TableSpec& t, const Formula& f) const {
    constexpr double inf = std::numeric_limits<double>::infinity();
    if (auto c = f.constant()) return {*c, *c};
    if (auto r = f.single_ref(); r && *r < int(t.columns.size())) return bounds(t, *r);
    return {-inf, inf};
  }

  Status check_compare(const TableSpec& t, const ConstraintSpec& k) const {
    auto [llo, lhi] = side_bounds(t, *k.left);
    auto [rlo, rhi] = side_bounds(t, *k.right);
    bool possible = true;
    switch (k.op) {
      case CompareOp::lt:
        possible = llo < rhi;
        break;
      case CompareOp::le:
        possible = llo <= rhi;
        break;
      case CompareOp::gt:
        possible = lhi > rlo;
        break;
      case CompareOp::ge:
        possible = lhi >= rlo;
        break;
      case CompareOp::eq:
        possible = llo <= rhi && rlo <= lhi;
        break;
      case CompareOp::ne:
        possible = !(llo == lhi && rlo == rhi && llo == rlo);
        break;
    }
    if (possible) return Status::Ok();
    return fail(k.path, quoted(k.description) + " can never hold: the left side lies in [" +
                            num(llo) + ", " + num(lhi) + "] and the right side in [" + num(rlo) +
                            ", " + num(rhi) + "]");
  }

  Status combinations(TableSpec& spec, const Obj& o, ConstraintSpec& k, int index) {
    const JV* cols = o.get("columns");
    if (!cols) return fail(k.path, "missing \"columns\"");
    if (!cols->IsArray() || cols->Size() < 1)
      return expected(o.at("columns"), "a non-empty array of column names", *cols);
    for (rapidjson::SizeType i = 0; i < cols->Size(); ++i) {
      std::string p = o.at("columns") + "[" + std::to_string(i) + "]";
      const JV& c = (*cols)[i];
      if (!c.IsString()) return expected(p, "a column name", c);
      int ci = column_index(spec, std::string_view(c.GetString(), c.GetStringLength()));
      if (ci < 0) return fail(p, "no column " + quoted(c.GetString()));
      if (spec.columns[size_t(ci)].type != ColumnType::categorical)
        return fail(p, "column " + quoted(c.GetString()) +
                           " must be of type categorical to take its values from combinations");
      if (std::find(k.columns.begin(), k.columns.end(), ci) != k.columns.end())
        return fail(p, "column " + quoted(c.GetString()) + " is listed twice");
      if (spec.combination_of(ci) >= 0)
        return fail(p, "column " + quoted(c.GetString()) + " is already in " +
                           spec.constraints[size_t(spec.combination_of(ci))].path);
      k.columns.push_back(ci);
    }
    const JV* vals = o.get("values");
    if (!vals) return fail(k.path, "missing \"values\"");
    if (!vals->IsArray() || vals->Empty())
      return expected(o.at("values"), "a non-empty array of value lists", *vals);
    for (rapidjson::SizeType i = 0; i < vals->Size(); ++i) {
      std::string p = o.at("values") + "[" + std::to_string(i) + "]";
      const JV& row = (*vals)[i];
      if (!row.IsArray() || row.Size() != k.columns.size())
        return expected(p, "an array of " + std::to_string(k.columns.size()) + " values", row);
      std::vector<Value> tuple;
      for (rapidjson::SizeType j = 0; j < row.Size(); ++j) {
        auto s = scalar(row[j], p + "[" + std::to_string(j) + "]");
        if (!s.ok()) return s.status();
        const ColumnSpec& col = spec.columns[size_t(k.columns[j])];
        if (!col.values.empty() && std::none_of(col.values.begin(), col.values.end(),
                                                [&](const Value& v) { return same(v, s.value()); }))
          return fail(p + "[" + std::to_string(j) + "]",
                      "is not among the \"values\" of column " + quoted(col.name));
        tuple.push_back(std::move(s).value());
      }
      k.tuples.push_back(std::move(tuple));
    }
    // Weights as for categorical columns, read through a synthetic object view.
    const JV* w = o.get("weights");
    double total = 0;
    if (w) {
      std::vector<double> weights;
      if (!w->IsArray() || w->Size() != vals->Size())
        return expected(o.at("weights"), "an array of " + std::to_string(vals->Size()) + " numbers",
                        *w);
      for (rapidjson::SizeType i = 0; i < w->Size(); ++i) {
        const JV& x = (*w)[i];
        if (!x.IsNumber() || !(x.GetDouble() >= 0) || std::isinf(x.GetDouble()))
          return expected(o.at("weights") + "[" + std::to_string(i) + "]", "a finite number >= 0",
                          x);
        weights.push_back(x.GetDouble());
        total = std::max(total, x.GetDouble());
      }
      if (!(total > 0)) return fail(o.at("weights"), "weights must not all be zero");
      cumulative_weights(weights, k.cumulative);
    } else {
      for (size_t i = 0; i < k.tuples.size(); ++i) k.cumulative.push_back(double(i + 1));
    }
    std::string names;
    for (int c : k.columns) names += (names.empty() ? "" : ", ") + spec.columns[size_t(c)].name;
    k.description = "(" + names + ") in " + std::to_string(k.tuples.size()) + " combinations";
    (void)index;
    return Status::Ok();
  }

  static bool same(const Value& a, const Value& b) {
    if (a.kind() == Value::Kind::string || b.kind() == Value::Kind::string)
      return a.kind() == b.kind() && a.as_string() == b.as_string();
    if (a.kind() == Value::Kind::boolean || b.kind() == Value::Kind::boolean)
      return a.kind() == b.kind() && a.as_boolean() == b.as_boolean();
    return a.as_number() == b.as_number();
  }

  Status order(int ti) {
    TableSpec& spec = s_.tables[size_t(ti)];
    std::vector<int> formulas;
    std::vector<bool> combo_done(spec.constraints.size(), false);
    for (size_t ci = 0; ci < spec.columns.size(); ++ci) {
      if (spec.columns[ci].type == ColumnType::formula) {
        formulas.push_back(int(ci));
        continue;
      }
      if (spec.columns[ci].type == ColumnType::generated_text) continue;  // see text_order
      int k = spec.combination_of(int(ci));
      if (k < 0) {
        spec.order.push_back(int(ci));
      } else if (!combo_done[size_t(k)]) {
        combo_done[size_t(k)] = true;
        spec.order.push_back(-1 - k);
      }
    }
    // Depth-first topological order of formulas, reporting the first cycle found.
    std::vector<int> state(spec.columns.size(), 0);  // 0 new, 1 on the path, 2 placed
    std::vector<int> path;
    std::function<Status(int)> visit = [&](int ci) -> Status {
      if (state[size_t(ci)] == 2) return Status::Ok();
      path.push_back(ci);
      if (state[size_t(ci)] == 1) {
        std::string cycle;
        auto start = std::find(path.begin(), path.end(), ci);
        for (auto it = start; it != path.end(); ++it)
          cycle += (cycle.empty() ? "" : " -> ") + spec.columns[size_t(*it)].name;
        return fail(spec.columns[size_t(ci)].path + ".formula",
                    "formulas refer to each other in a cycle: " + cycle);
      }
      state[size_t(ci)] = 1;
      for (int ref : spec.columns[size_t(ci)].formula->refs())
        if (ref < int(spec.columns.size()) && spec.columns[size_t(ref)].type == ColumnType::formula)
          HYV_RETURN_IF_ERROR(visit(ref));
      state[size_t(ci)] = 2;
      path.pop_back();
      spec.order.push_back(ci);
      return Status::Ok();
    };
    for (int f : formulas) HYV_RETURN_IF_ERROR(visit(f));
    return text_order(spec);
  }

  // generated_text columns after each generated_text column their prompt reads.
  Status text_order(TableSpec& spec) {
    std::vector<int> state(spec.columns.size(), 0);  // 0 new, 1 on the path, 2 placed
    std::vector<int> path;
    std::function<Status(int)> visit = [&](int ci) -> Status {
      if (state[size_t(ci)] == 2) return Status::Ok();
      path.push_back(ci);
      if (state[size_t(ci)] == 1) {
        std::string cycle;
        for (auto it = std::find(path.begin(), path.end(), ci); it != path.end(); ++it)
          cycle += (cycle.empty() ? "" : " -> ") + spec.columns[size_t(*it)].name;
        return fail(spec.columns[size_t(ci)].path + ".prompt",
                    "prompts refer to each other in a cycle: " + cycle);
      }
      state[size_t(ci)] = 1;
      for (int ref : spec.columns[size_t(ci)].text->prompt.refs())
        if (spec.columns[size_t(ref)].type == ColumnType::generated_text)
          HYV_RETURN_IF_ERROR(visit(ref));
      state[size_t(ci)] = 2;
      path.pop_back();
      spec.text_order.push_back(ci);
      return Status::Ok();
    };
    for (size_t ci = 0; ci < spec.columns.size(); ++ci)
      if (spec.columns[ci].type == ColumnType::generated_text) HYV_RETURN_IF_ERROR(visit(int(ci)));
    return Status::Ok();
  }

  Schema s_;
};

}  // namespace

Result<Schema> parse_schema(std::string_view json) {
  return SchemaParser().run(json);
}

}  // namespace hyv::synth
