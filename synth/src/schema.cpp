#include "hyv/synth/schema.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <set>
#include <string>

namespace hyv::synth {

std::string_view column_type_name(ColumnType t) {
  static constexpr std::string_view kNames[] = {
      "integer",   "float",   "boolean",     "categorical",    "date",          "datetime",
      "id",        "pattern", "formula",     "foreign_key",    "first_name",    "last_name",
      "full_name", "email",   "phone",       "street_address", "city",          "state",
      "postcode",  "country", "company",     "job_title",      "url",           "ipv4",
      "ipv6",      "iban",    "credit_card", "lorem",          "generated_text"};
  return kNames[size_t(t)];
}

std::string_view distribution_name(Distribution d) {
  static constexpr std::string_view kNames[] = {"uniform", "normal",   "lognormal", "exponential",
                                                "poisson", "weighted", "empirical"};
  return kNames[size_t(d)];
}

std::string_view compare_op_name(CompareOp op) {
  static constexpr std::string_view kNames[] = {"<", "<=", ">", ">=", "==", "!="};
  return kNames[size_t(op)];
}

bool ColumnSpec::numeric() const {
  switch (type) {
    case ColumnType::integer:
    case ColumnType::real:
    case ColumnType::boolean:
    case ColumnType::date:
    case ColumnType::datetime:
    case ColumnType::formula:
      return true;
    case ColumnType::id:
      return !uuid;
    case ColumnType::categorical:
      if (values.empty()) return false;
      for (const Value& v : values)
        if (v.kind() != Value::Kind::integer && v.kind() != Value::Kind::real) return false;
      return true;
    default:
      return false;
  }
}

int TableSpec::combination_of(int column) const {
  for (size_t k = 0; k < constraints.size(); ++k) {
    const ConstraintSpec& c = constraints[k];
    if (c.kind != ConstraintSpec::Kind::combinations) continue;
    for (int col : c.columns)
      if (col == column) return int(k);
  }
  return -1;
}

int Schema::find_table(std::string_view name) const {
  for (size_t i = 0; i < tables.size(); ++i)
    if (tables[i].name == name) return int(i);
  return -1;
}

bool Schema::column_numeric(const ColumnSpec& c) const {
  if (c.type == ColumnType::foreign_key)
    return c.ref_table >= 0 &&
           column_numeric(tables[size_t(c.ref_table)].columns[size_t(c.ref_column)]);
  return c.numeric();
}

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Fewest rows a table is guaranteed to get: root counts, times each parent's minimum per row.
double min_rows(const Schema& s, int t, const std::vector<int64_t>& root_rows) {
  const TableSpec& spec = s.tables[size_t(t)];
  if (spec.parent < 0) return double(root_rows[size_t(t)]);
  return min_rows(s, spec.parent, root_rows) * double(spec.per_parent_min);
}

double distinct_strings(std::span<const std::string_view> items) {
  std::set<std::string_view> u(items.begin(), items.end());
  return double(u.size());
}

}  // namespace

double column_capacity(const Schema& schema, const TableSpec& table, const ColumnSpec& c,
                       const std::vector<int64_t>& root_rows) {
  const LocaleData& l = *schema.locale_data;
  switch (c.type) {
    case ColumnType::integer:
      if (c.distribution == Distribution::weighted || c.distribution == Distribution::empirical) {
        std::set<int64_t> u;
        for (const Value& v : c.values) u.insert(v.as_integer());
        return double(u.size());
      }
      if (c.min && c.max) return *c.max - *c.min + 1;
      if (c.distribution == Distribution::poisson && c.max) return *c.max + 1;
      return kInf;
    case ColumnType::real:
      if (c.distribution == Distribution::weighted || c.distribution == Distribution::empirical) {
        std::set<double> u;
        for (const Value& v : c.values) u.insert(v.as_number());
        return double(u.size());
      }
      if (c.decimals >= 0 && c.min && c.max)
        return (*c.max - *c.min) * std::pow(10.0, c.decimals) + 1;
      return kInf;
    case ColumnType::boolean:
      return (c.probability > 0 && c.probability < 1) ? 2 : 1;
    case ColumnType::categorical: {
      int k = table.combination_of(int(&c - table.columns.data()));
      if (k >= 0) {
        const ConstraintSpec& con = table.constraints[size_t(k)];
        return double(con.tuples.size());
      }
      double n = 0;
      for (size_t i = 0; i < c.values.size(); ++i)
        if (c.cumulative[i] > (i ? c.cumulative[i - 1] : 0)) ++n;
      return n;
    }
    case ColumnType::date:
      return *c.max - *c.min + 1;
    case ColumnType::datetime:
      return *c.max - *c.min + 1;
    case ColumnType::pattern:
      return c.pattern.capacity();
    case ColumnType::foreign_key: {
      if (c.ref_parent) return kInf;  // one value per parent row: checked by check_feasible
      return double(root_rows[size_t(c.ref_table)]);
    }
    case ColumnType::first_name:
      return distinct_strings(l.first_names);
    case ColumnType::last_name:
      return distinct_strings(l.last_names);
    case ColumnType::full_name:
      return distinct_strings(l.first_names) * distinct_strings(l.last_names);
    case ColumnType::city: {
      std::set<std::string_view> u;
      for (const auto& city : l.cities) u.insert(city.name);
      return double(u.size());
    }
    case ColumnType::state: {
      std::set<std::string_view> u;
      for (const auto& city : l.cities) u.insert(city.region);
      return double(u.size());
    }
    case ColumnType::country:
      return c.option == "world" ? distinct_strings(l.countries) : 1;
    case ColumnType::job_title:
      return double(l.job_levels.size() + 1) * double(l.job_areas.size()) *
             double(l.job_roles.size());
    default:
      return kInf;  // ids, formulas, e-mails, phones, addresses, numbers: effectively unbounded
  }
}

namespace {

uint64_t saturating_add(uint64_t a, uint64_t b) {
  return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

uint64_t saturating_mul(uint64_t a, uint64_t b) {
  return b != 0 && a > UINT64_MAX / b ? UINT64_MAX : a * b;
}

std::string row_count(uint64_t n) {
  return n == UINT64_MAX ? "more than 18446744073709551614" : std::to_string(n);
}

uint64_t table_max_rows(const Schema& s, int t, const std::vector<int64_t>& root_rows) {
  const TableSpec& spec = s.tables[size_t(t)];
  if (spec.parent < 0) return uint64_t(std::max<int64_t>(root_rows[size_t(t)], 0));
  return saturating_mul(table_max_rows(s, spec.parent, root_rows), uint64_t(spec.per_parent_max));
}

// The id sequence start + i * step for i < rows stays in int64: the row count it fits, or 0 when
// all of them do.
uint64_t id_rows_that_fit(int64_t start, int64_t step, uint64_t rows) {
  __extension__ typedef __int128 i128;  // GCC and Clang, also on wasm32
  if (rows == 0) return 0;
  i128 last = i128(start) + i128(rows - 1) * i128(step);
  if (last >= i128(INT64_MIN) && last <= i128(INT64_MAX)) return 0;
  i128 room = step > 0 ? i128(INT64_MAX) - start : i128(start) - i128(INT64_MIN);
  i128 magnitude = step > 0 ? i128(step) : -i128(step);
  return uint64_t(room / magnitude + 1);
}

}  // namespace

std::vector<uint64_t> max_table_rows(const Schema& schema, const std::vector<int64_t>& root_rows) {
  std::vector<uint64_t> out(schema.tables.size());
  for (size_t t = 0; t < out.size(); ++t) out[t] = table_max_rows(schema, int(t), root_rows);
  return out;
}

Status check_row_counts(const Schema& schema, const std::vector<int64_t>& root_rows,
                        uint64_t limit) {
  std::vector<uint64_t> rows = max_table_rows(schema, root_rows);
  uint64_t total = 0;
  for (size_t t = 0; t < rows.size(); ++t) {
    total = saturating_add(total, rows[t]);
    if (total <= limit) continue;
    const TableSpec& spec = schema.tables[t];
    std::string why = "its row count";
    if (spec.parent >= 0)
      why = "rows_per_parent max " + std::to_string(spec.per_parent_max) + " for each of up to " +
            row_count(rows[size_t(spec.parent)]) + " rows of \"" +
            schema.tables[size_t(spec.parent)].name + "\"";
    return Status::Error(
        spec.path + " (\"" + spec.name + "\"): up to " + row_count(rows[t]) + " rows (" + why +
        "), so up to " + row_count(total) + " rows in all tables together, over the limit of " +
        std::to_string(limit) + " rows per run; lower the row counts or rows_per_parent max");
  }
  for (size_t t = 0; t < rows.size(); ++t) {
    const TableSpec& spec = schema.tables[t];
    for (const ColumnSpec& c : spec.columns) {
      if (c.type != ColumnType::id || c.uuid) continue;
      uint64_t fit = id_rows_that_fit(c.start, c.step, rows[t]);
      if (fit == 0) continue;
      return Status::Error(c.path + " (" + c.name + "): the id sequence from " +
                           std::to_string(c.start) + " in steps of " + std::to_string(c.step) +
                           " leaves the 64-bit integer range (-9223372036854775808 to "
                           "9223372036854775807) after " +
                           std::to_string(fit) + " rows, and table \"" + spec.name +
                           "\" can get up to " + row_count(rows[t]) +
                           "; change start or step, or lower the row count");
    }
  }
  return Status::Ok();
}

Status check_feasible(const Schema& schema, const std::vector<int64_t>& root_rows) {
  for (size_t t = 0; t < schema.tables.size(); ++t) {
    const TableSpec& table = schema.tables[t];
    double rows = min_rows(schema, int(t), root_rows);
    for (const ColumnSpec& c : table.columns) {
      if (c.type == ColumnType::foreign_key && !c.ref_parent &&
          root_rows[size_t(c.ref_table)] == 0 && rows > 0)
        return Status::Error(c.path + ".references: table \"" +
                             schema.tables[size_t(c.ref_table)].name +
                             "\" has 0 rows, so there is nothing to reference");
      if (!c.unique || c.type == ColumnType::id) continue;
      if (c.type == ColumnType::foreign_key && c.ref_parent) {
        // Copying the parent's key is unique only with at most one child per parent row.
        if (table.per_parent_max > 1 && !(c.null_rate > 0))
          return Status::Error(
              c.path + ": unique, but it copies " + schema.tables[size_t(c.ref_table)].name + "." +
              schema.tables[size_t(c.ref_table)].columns[size_t(c.ref_column)].name +
              " and rows_per_parent allows up to " + std::to_string(table.per_parent_max) +
              " rows per parent; drop \"unique\" or set max to 1");
        continue;
      }
      double need = std::floor(rows * (1 - c.null_rate));
      double cap = column_capacity(schema, table, c, root_rows);
      if (need > cap) {
        char buf[160];
        std::snprintf(buf, sizeof buf,
                      ": unique, but %.0f rows need about %.0f distinct values and a %s column "
                      "here can take only %.0f",
                      rows, need, std::string(column_type_name(c.type)).c_str(), cap);
        return Status::Error(
            c.path + " (" + c.name + ")" + buf +
            "; widen its range or values, lower the row count, or drop \"unique\"");
      }
    }
  }
  return Status::Ok();
}

}  // namespace hyv::synth
