#include "hyv/synth/schema.h"

#include <cmath>
#include <limits>
#include <set>

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
