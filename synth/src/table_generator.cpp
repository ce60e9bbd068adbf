#include "hyv/synth/table_generator.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

#include "hash_set.h"
#include "hyv/synth/dates.h"
#include "hyv/synth/random.h"
#include "hyv/synth/semantic.h"

namespace hyv::synth {
namespace {

constexpr double kNull = std::numeric_limits<double>::quiet_NaN();

// Stream tags for derive_seed: each table gets its own value and row-count streams, and uuids are a
// function of (seed, table, column, row index) so that references can recompute them.
constexpr uint64_t kTagValues = 1, kTagCounts = 2, kTagUuid = 3, kTagText = 4;

// A compare constraint seen from one column: `column op other`, where `other` only reads columns
// generated before it (or ancestors'), so the column can be drawn inside the allowed range instead
// of by retrying the whole row.
struct Bound {
  int constraint;
  CompareOp op;
  bool other_is_right;
};

CompareOp flip(CompareOp op) {
  switch (op) {
    case CompareOp::lt:
      return CompareOp::gt;
    case CompareOp::le:
      return CompareOp::ge;
    case CompareOp::gt:
      return CompareOp::lt;
    case CompareOp::ge:
      return CompareOp::le;
    default:
      return op;
  }
}

bool boundable(const ColumnSpec& c) {
  return c.type == ColumnType::integer || c.type == ColumnType::real ||
         c.type == ColumnType::date || c.type == ColumnType::datetime;
}

// Per-row semantic entities, made on first use within a row attempt.
struct Entity {
  std::string name;
  bool has_person = false, has_address = false, has_company = false;
  Person person;
  Address address;
  Company company;
};

struct TableState {
  engine::Rng rng{0};
  engine::Rng count_rng{0};
  uint64_t produced = 0;
  std::vector<Value> row;           // every column, current row
  std::vector<double> num;          // numeric slots: columns, then ancestors' columns
  std::vector<bool> is_null;        // this row's null draws
  std::vector<bool> plain;          // the column's strings never need CSV/JSON escaping
  std::vector<uint64_t> uuid_base;  // per column: the seed uuids derive from, with the row index
  std::vector<Value> visible;       // scratch for tables with hidden columns
  std::vector<int> visible_columns;
  std::vector<int> entity_of;  // column -> index into entities
  std::vector<Entity> entities;
  std::vector<int> unique_columns;
  std::vector<U64HashSet> unique_sets;       // parallel to unique_columns
  std::vector<uint64_t> unique_hashes;       // current attempt
  std::vector<uint64_t> failures;            // per constraint, then per unique column
  std::vector<std::vector<Bound>> bounds;    // per column
  std::vector<const TextModel*> text_model;  // per column: the model of a generated_text column
  std::string prompt;                        // scratch
  RowSink* sink = nullptr;
};

struct Frame {
  int table;
  int64_t remaining;
};

uint64_t hash_value(const Value& v) {
  uint64_t h = 1469598103934665603ULL ^ uint64_t(v.kind());
  auto mix = [&](uint64_t x) {
    h ^= x;
    h *= 1099511628211ULL;
  };
  switch (v.kind()) {
    case Value::Kind::string:
      for (char c : v.as_string()) mix(uint8_t(c));
      break;
    case Value::Kind::real: {
      double d = v.as_real() == 0 ? 0.0 : v.as_real();  // -0 equals 0
      uint64_t bits;
      std::memcpy(&bits, &d, sizeof bits);
      mix(bits);
      break;
    }
    default:
      mix(uint64_t(v.as_integer()));
  }
  return derive_seed(h, 0);  // final avalanche
}

// Saturating conversions of a whole-number bound (a double) to int64.
int64_t ceil_to_int64(double x) {
  if (!(x > -0x1p63)) return INT64_MIN;  // also NaN: no bound
  if (x >= 0x1p63) return INT64_MAX;
  return int64_t(std::ceil(x));
}

int64_t floor_to_int64(double x) {
  if (!(x < 0x1p63)) return INT64_MAX;
  if (x <= -0x1p63) return INT64_MIN;
  return int64_t(std::floor(x));
}

// A uniform draw in [lo, hi]; when hi - lo overflows (-1e308 to 1e308) the weighted form keeps it
// finite (same result otherwise, so ordinary ranges keep their bytes).
double uniform_between(double lo, double hi, double u) {
  double width = hi - lo;
  if (std::isfinite(width)) return lo + width * u;
  return lo * (1 - u) + hi * u;
}

std::string describe_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

}  // namespace

struct TableGenerator::Impl {
  Schema schema;
  GeneratorOptions options;
  LocalePatterns patterns;
  std::vector<int64_t> root_rows;  // per table; 0 for child tables
  std::vector<int> roots;
  std::vector<double> expected_rows;  // per table: expected rows per row made, its subtree included
  std::vector<TableState> state;
  std::vector<Frame> stack;
  size_t root_pos = 0;
  bool started = false, finished = false;
  Status error;
  uint64_t root_done = 0, root_total = 0;

  Status init(std::vector<RowSink*>& sinks);
  Status step(uint64_t max_rows);
  Status make_row(int t);
  Status make_text(int t);
  Status generate_column(int t, int c);
  Status draw_number(int t, int ci, double lo, double hi, int64_t ilo, int64_t ihi, bool narrowed,
                     double& out, int64_t& iout);
  double expected_subtree(int t) const;
  uint64_t rows_done() const;
  uint64_t rows_total() const;
  bool narrow(int t, int c, double& lo, double& hi);
  void plan_bounds(int t);
  int soft_fail = -1;  // constraint that left the current column no value this attempt
  void set_id(int t, int c, uint64_t index, Value& out, double& num);
  Entity& entity(int t, int c) {
    return state[size_t(t)].entities[size_t(state[size_t(t)].entity_of[size_t(c)])];
  }
  const Person& person(int t, int c);
  const Address& address(int t, int c);
  const Company& company(int t, int c);
  void push_children(int t);
  bool check_constraint(int t, const ConstraintSpec& k);
  std::string row_failure(int t);
};

namespace {

Status check_table_rows(const Schema& schema, const GeneratorOptions& options) {
  for (const auto& [name, rows] : options.table_rows) {
    const std::string what = "rows for table \"" + name + "\"";
    int t = schema.find_table(name);
    if (t < 0) return Status::Error(what + ": the schema has no such table");
    if (!schema.is_root(t))
      return Status::Error(what + ": a child table's rows come from rows_per_parent");
    if (rows < 0) return Status::Error(what + " must be >= 0 (got " + std::to_string(rows) + ")");
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<int64_t>> root_row_counts(const Schema& schema,
                                             const GeneratorOptions& options) {
  HYV_RETURN_IF_ERROR(check_table_rows(schema, options));
  std::vector<int64_t> counts(schema.tables.size(), 0);
  for (size_t t = 0; t < counts.size(); ++t) {
    if (!schema.is_root(int(t))) continue;
    const TableSpec& spec = schema.tables[t];
    std::optional<int64_t> rows;
    for (const auto& [name, r] : options.table_rows)
      if (name == spec.name) rows = r;
    if (!rows) rows = options.rows;
    if (!rows) rows = spec.rows;
    if (!rows) {
      return Status::Error("table \"" + spec.name +
                           "\" has no row count: give rows (or \"rows\" in " + spec.path + ")");
    }
    if (*rows < 0) return Status::Error("rows must be >= 0 (got " + std::to_string(*rows) + ")");
    counts[t] = *rows;
  }
  return counts;
}

Status TableGenerator::Impl::init(std::vector<RowSink*>& sinks) {
  auto pat = LocalePatterns::compile(*schema.locale_data);
  if (!pat.ok()) return pat.status();
  patterns = std::move(pat).value();

  size_t n = schema.tables.size();
  Result<std::vector<int64_t>> counts = root_row_counts(schema, options);
  if (!counts.ok()) return counts.status();
  root_rows = std::move(counts).value();
  for (size_t t = 0; t < n; ++t) {
    if (!schema.is_root(int(t))) continue;
    roots.push_back(int(t));
    root_total += uint64_t(root_rows[t]);
  }
  // Before anything multiplies row counts: refuses runaway totals and overflowing id sequences.
  HYV_RETURN_IF_ERROR(check_row_counts(schema, root_rows, options.max_total_rows));
  HYV_RETURN_IF_ERROR(check_feasible(schema, root_rows));
  expected_rows.resize(n);
  for (size_t t = 0; t < n; ++t) expected_rows[t] = expected_subtree(int(t));

  state.resize(n);
  for (size_t t = 0; t < n; ++t) {
    const TableSpec& spec = schema.tables[t];
    TableState& st = state[t];
    st.rng = engine::Rng(derive_seed(derive_seed(options.seed, t), kTagValues));
    st.count_rng = engine::Rng(derive_seed(derive_seed(options.seed, t), kTagCounts));
    st.row.resize(spec.columns.size());
    st.is_null.assign(spec.columns.size(), false);
    st.num.assign(spec.columns.size() + spec.outer_slots.size(), kNull);
    st.sink = t < sinks.size() ? sinks[t] : nullptr;
    for (size_t c = 0; c < spec.columns.size(); ++c) {
      const ColumnSpec& col = spec.columns[c];
      if (!col.hidden) st.visible_columns.push_back(int(c));
      int e = -1;
      for (size_t i = 0; i < st.entities.size(); ++i)
        if (st.entities[i].name == col.entity) e = int(i);
      if (e < 0) {
        st.entities.push_back(Entity{col.entity});
        e = int(st.entities.size() - 1);
      }
      st.entity_of.push_back(e);
      if (col.unique && col.type != ColumnType::id) st.unique_columns.push_back(int(c));
      // Locale data is plain by construction (make_locale_sources.py checks); patterns and
      // date formats are checked here.
      bool plain = true;
      if (col.type == ColumnType::date || col.type == ColumnType::datetime)
        plain = is_plain_text(col.format);
      else if (col.type == ColumnType::pattern)
        plain = col.pattern.plain();
      else if (col.type == ColumnType::phone)
        plain = patterns.phone.plain();
      else if (col.type == ColumnType::street_address)
        plain = patterns.building.plain();
      else if (col.type == ColumnType::postcode)
        plain = patterns.postcode_suffix.plain();
      st.plain.push_back(plain);
      st.uuid_base.push_back(
          derive_seed(derive_seed(derive_seed(options.seed, uint64_t(t)), kTagUuid), uint64_t(c)));
    }
    st.text_model.assign(spec.columns.size(), nullptr);
    for (int c : spec.text_order) {
      const ColumnSpec& col = spec.columns[size_t(c)];
      st.text_model[size_t(c)] = options.text_models.find(col.text->model);
      if (!st.text_model[size_t(c)])
        return Status::Error(col.path + " (" + col.name + "): the model \"" + col.text->model +
                             "\" was not loaded; the host loads every model a generated_text "
                             "column names");
    }
    st.visible.resize(st.visible_columns.size());
    st.unique_sets.resize(st.unique_columns.size());
    st.unique_hashes.resize(st.unique_columns.size());
    st.failures.assign(spec.constraints.size() + st.unique_columns.size(), 0);
    plan_bounds(int(t));
  }
  return Status::Ok();
}

double TableGenerator::Impl::expected_subtree(int t) const {
  double rows = 1;
  for (int c : schema.tables[size_t(t)].children) {
    const TableSpec& child = schema.tables[size_t(c)];
    rows += 0.5 * double(child.per_parent_min + child.per_parent_max) * expected_subtree(c);
  }
  return rows;
}

uint64_t TableGenerator::Impl::rows_done() const {
  uint64_t rows = 0;
  for (const TableState& st : state) rows += st.produced;
  return rows;
}

// Rows made, plus those still owed: the open frames' rows and the root rows not begun, each with
// its expected subtree.
uint64_t TableGenerator::Impl::rows_total() const {
  uint64_t done = rows_done();
  if (finished) return done;
  double owed = 0;
  for (const Frame& f : stack) owed += double(f.remaining) * expected_rows[size_t(f.table)];
  for (size_t i = root_pos; i < roots.size(); ++i) {
    int t = roots[i];
    owed += double(root_rows[size_t(t)] - int64_t(state[size_t(t)].produced)) *
            expected_rows[size_t(t)];
  }
  return done + uint64_t(std::min(std::round(owed), 1e19));
}

void TableGenerator::Impl::plan_bounds(int t) {
  const TableSpec& spec = schema.tables[size_t(t)];
  TableState& st = state[size_t(t)];
  st.bounds.assign(spec.columns.size(), {});
  std::vector<int> position(spec.columns.size(), 0);
  for (size_t i = 0; i < spec.order.size(); ++i) {
    int step = spec.order[i];
    if (step >= 0) {
      position[size_t(step)] = int(i);
    } else {
      for (int c : spec.constraints[size_t(-1 - step)].columns) position[size_t(c)] = int(i);
    }
  }
  int ncols = int(spec.columns.size());
  auto before = [&](const Formula& f, int column) {
    for (int r : f.refs())
      if (r < ncols && position[size_t(r)] >= position[size_t(column)]) return false;
    return true;
  };
  for (size_t k = 0; k < spec.constraints.size(); ++k) {
    const ConstraintSpec& con = spec.constraints[k];
    if (con.kind != ConstraintSpec::Kind::compare || con.op == CompareOp::ne) continue;
    auto left = con.left->single_ref(), right = con.right->single_ref();
    auto usable = [&](std::optional<int> c) {
      return c && *c < ncols && boundable(spec.columns[size_t(*c)]) && spec.combination_of(*c) < 0;
    };
    if (usable(left) && before(*con.right, *left))
      st.bounds[size_t(*left)].push_back({int(k), con.op, true});
    else if (usable(right) && before(*con.left, *right))
      st.bounds[size_t(*right)].push_back({int(k), flip(con.op), false});
  }
}

// The column's own range narrowed by the constraints that bound it; false (and soft_fail set) when
// the values drawn so far leave it nothing.
bool TableGenerator::Impl::narrow(int t, int ci, double& lo, double& hi) {
  const ColumnSpec& c = schema.tables[size_t(t)].columns[size_t(ci)];
  const TableState& st = state[size_t(t)];
  bool whole = c.type != ColumnType::real;
  for (const Bound& b : st.bounds[size_t(ci)]) {
    const ConstraintSpec& con = schema.tables[size_t(t)].constraints[size_t(b.constraint)];
    double x = (b.other_is_right ? con.right : con.left)->eval(st.num);
    if (std::isnan(x)) continue;
    double below = whole ? std::ceil(x) - 1 : std::nextafter(x, -INFINITY);
    double above = whole ? std::floor(x) + 1 : std::nextafter(x, INFINITY);
    double at_most = whole ? std::floor(x) : x, at_least = whole ? std::ceil(x) : x;
    switch (b.op) {
      case CompareOp::lt:
        hi = std::min(hi, below);
        break;
      case CompareOp::le:
        hi = std::min(hi, at_most);
        break;
      case CompareOp::gt:
        lo = std::max(lo, above);
        break;
      case CompareOp::ge:
        lo = std::max(lo, at_least);
        break;
      case CompareOp::eq:
        lo = std::max(lo, at_least);
        hi = std::min(hi, at_most);
        break;
      case CompareOp::ne:
        break;
    }
    if (lo > hi) {
      soft_fail = b.constraint;
      return false;
    }
  }
  return true;
}

const Person& TableGenerator::Impl::person(int t, int c) {
  Entity& e = entity(t, c);
  if (!e.has_person) {
    make_person(state[size_t(t)].rng, *schema.locale_data, e.person);
    e.has_person = true;
  }
  return e.person;
}

const Address& TableGenerator::Impl::address(int t, int c) {
  Entity& e = entity(t, c);
  if (!e.has_address) {
    make_address(state[size_t(t)].rng, *schema.locale_data, patterns, e.address);
    e.has_address = true;
  }
  return e.address;
}

const Company& TableGenerator::Impl::company(int t, int c) {
  Entity& e = entity(t, c);
  if (!e.has_company) {
    make_company(state[size_t(t)].rng, *schema.locale_data, e.company);
    e.has_company = true;
  }
  return e.company;
}

void TableGenerator::Impl::set_id(int t, int c, uint64_t index, Value& out, double& num) {
  const ColumnSpec& col = schema.tables[size_t(t)].columns[size_t(c)];
  if (!col.uuid) {
    int64_t v = int64_t(uint64_t(col.start) + index * uint64_t(col.step));
    out.set_integer(v);
    num = double(v);
    return;
  }
  uint64_t base = state[size_t(t)].uuid_base[size_t(c)];
  uint64_t hi = derive_seed(base, 2 * index), lo = derive_seed(base, 2 * index + 1);
  make_uuid(out.mutable_string(true), hi, lo);
  num = kNull;
}

// A number from the column's distribution inside [lo, hi], by rejection (bounded). When constraints
// narrowed the range, running out of draws fails only this row attempt (soft_fail).
// Integer columns draw in [ilo, ihi] (exact; lo/hi are the same bounds as doubles) and set iout.
// A draw that is not a finite number (a lognormal past 1.8e308) is redrawn like one outside the
// range.
Status TableGenerator::Impl::draw_number(int t, int ci, double lo, double hi, int64_t ilo,
                                         int64_t ihi, bool narrowed, double& out, int64_t& iout) {
  const ColumnSpec& c = schema.tables[size_t(t)].columns[size_t(ci)];
  engine::Rng& rng = state[size_t(t)].rng;
  bool integer = c.type == ColumnType::integer;
  for (int attempt = 0; attempt < schema.max_attempts; ++attempt) {
    double x = 0;
    switch (c.distribution) {
      case Distribution::uniform:
        if (integer) {
          iout = uniform_int(rng, ilo, ihi);
          out = double(iout);
          return Status::Ok();
        }
        x = uniform_between(lo, hi, uniform01(rng));
        break;
      case Distribution::normal:
        x = normal(rng, c.param1, c.param2);
        break;
      case Distribution::lognormal:
        x = lognormal(rng, c.param1, c.param2);
        break;
      case Distribution::exponential:
        x = exponential(rng, c.param1);
        break;
      case Distribution::poisson:
        x = double(poisson(rng, c.param1));
        break;
      case Distribution::weighted:
      case Distribution::empirical: {
        const Value& v = c.values[c.distribution == Distribution::weighted
                                      ? weighted_index(rng, c.cumulative)
                                      : uniform_index(rng, c.values.size())];
        if (integer) {  // exact, also past 2^53
          if (v.as_integer() < ilo || v.as_integer() > ihi) continue;
          iout = v.as_integer();
          out = double(iout);
          return Status::Ok();
        }
        x = v.as_number();
        break;
      }
    }
    if (!std::isfinite(x)) continue;
    if (integer) {
      x = std::round(x);
      if (!(std::fabs(x) < 9.2e18)) continue;
      if (int64_t(x) < ilo || int64_t(x) > ihi) continue;
      iout = int64_t(x);
      out = x;
      return Status::Ok();
    }
    if (c.decimals >= 0) x = round_to_digits(x, c.decimals);
    if (x < lo || x > hi) continue;
    out = x;
    return Status::Ok();
  }
  if (narrowed) {  // the constraints' range, not the column's own, left no room this attempt
    soft_fail = state[size_t(t)].bounds[size_t(ci)].front().constraint;
    return Status::Ok();
  }
  std::string params;
  switch (c.distribution) {
    case Distribution::normal:
      params = "mean " + describe_number(c.param1) + ", stddev " + describe_number(c.param2);
      break;
    case Distribution::lognormal:
      params = "mu " + describe_number(c.param1) + ", sigma " + describe_number(c.param2);
      break;
    case Distribution::exponential:
      params = "rate " + describe_number(c.param1);
      break;
    case Distribution::poisson:
      params = "lambda " + describe_number(c.param1);
      break;
    default:
      params = std::to_string(c.values.size()) + " values";
  }
  return Status::Error(c.path + " (" + c.name + "): the " +
                       std::string(distribution_name(c.distribution)) + " distribution (" + params +
                       ") gave no value in [" + (c.min ? describe_number(*c.min) : "-inf") + ", " +
                       (c.max ? describe_number(*c.max) : "inf") + "] in " +
                       std::to_string(schema.max_attempts) +
                       " draws; widen min/max or move the distribution");
}

Status TableGenerator::Impl::generate_column(int t, int ci) {
  const TableSpec& spec = schema.tables[size_t(t)];
  const ColumnSpec& c = spec.columns[size_t(ci)];
  TableState& st = state[size_t(t)];
  engine::Rng& rng = st.rng;
  Value& v = st.row[size_t(ci)];
  double& num = st.num[size_t(ci)];
  num = kNull;
  bool plain = st.plain[size_t(ci)];
  if (st.is_null[size_t(ci)]) {
    v.set_null();
    return Status::Ok();
  }
  const LocaleData& loc = *schema.locale_data;
  switch (c.type) {
    case ColumnType::integer:
    case ColumnType::real: {
      double lo = c.min.value_or(-INFINITY), hi = c.max.value_or(INFINITY);
      if (!narrow(t, ci, lo, hi)) return Status::Ok();
      bool narrowed = lo != c.min.value_or(-INFINITY) || hi != c.max.value_or(INFINITY);
      // Exact integer bounds: min/max as doubles round past 2^53 (2^63 - 1 becomes 2^63).
      int64_t ilo = c.int_min, ihi = c.int_max;
      if (c.type == ColumnType::integer && narrowed) {
        ilo = std::max(ilo, ceil_to_int64(lo));
        ihi = std::min(ihi, floor_to_int64(hi));
        if (ilo > ihi) {
          soft_fail = st.bounds[size_t(ci)].front().constraint;
          return Status::Ok();
        }
      }
      double x;
      int64_t ix = 0;
      HYV_RETURN_IF_ERROR(draw_number(t, ci, lo, hi, ilo, ihi, narrowed, x, ix));
      if (soft_fail >= 0) return Status::Ok();
      if (c.type == ColumnType::integer)
        v.set_integer(ix);
      else
        v.set_real(x);
      num = x;
      break;
    }
    case ColumnType::boolean: {
      bool b = bernoulli(rng, c.probability);
      v.set_boolean(b);
      num = b ? 1 : 0;
      break;
    }
    case ColumnType::categorical:
      v = c.values[weighted_index(rng, c.cumulative)];
      if (v.kind() == Value::Kind::integer || v.kind() == Value::Kind::real) num = v.as_number();
      break;
    case ColumnType::date: {
      double lo = *c.min, hi = *c.max;
      if (!narrow(t, ci, lo, hi)) return Status::Ok();
      int64_t days = uniform_int(rng, int64_t(lo), int64_t(hi));
      format_datetime(v.mutable_string(plain), c.format, days * 86400);
      num = double(days);
      break;
    }
    case ColumnType::datetime: {
      double lo = *c.min, hi = *c.max;
      if (!narrow(t, ci, lo, hi)) return Status::Ok();
      int64_t secs = uniform_int(rng, int64_t(lo), int64_t(hi));
      format_datetime(v.mutable_string(plain), c.format, secs);
      num = double(secs);
      break;
    }
    case ColumnType::id:
      set_id(t, ci, st.produced, v, num);
      break;
    case ColumnType::pattern:
      c.pattern.generate(rng, v.mutable_string(plain));
      break;
    case ColumnType::formula: {
      double x = c.formula->eval(st.num);
      if (std::isnan(x) || std::isinf(x)) {
        v.set_null();
      } else if (c.integer_result) {
        x = std::round(x);
        if (std::fabs(x) >= 9.2e18) {
          v.set_null();
        } else {
          v.set_integer(int64_t(x));
          num = x;
        }
      } else {
        if (c.decimals >= 0) x = round_to_digits(x, c.decimals);
        v.set_real(x);
        num = x;
      }
      break;
    }
    case ColumnType::foreign_key:
      if (c.ref_parent) {
        const TableState& parent = state[size_t(c.ref_table)];
        v = parent.row[size_t(c.ref_column)];
        num = parent.num[size_t(c.ref_column)];
      } else {
        uint64_t index = uniform_index(rng, uint64_t(root_rows[size_t(c.ref_table)]));
        set_id(c.ref_table, c.ref_column, index, v, num);
      }
      break;
    case ColumnType::first_name:
      v.set_string(person(t, ci).first, plain);
      break;
    case ColumnType::last_name:
      v.set_string(person(t, ci).last, plain);
      break;
    case ColumnType::full_name: {
      const Person& p = person(t, ci);
      std::string& s = v.mutable_string(plain);
      s.append(p.first);
      s.push_back(' ');
      s.append(p.last);
      break;
    }
    case ColumnType::email: {
      const Person& p = person(t, ci);
      std::string_view domain;
      if (c.option.size() == 7 && c.option == "company") domain = company(t, ci).domain;
      make_email(v.mutable_string(plain), p, domain);
      break;
    }
    case ColumnType::phone:
      patterns.phone.generate(rng, v.mutable_string(plain));
      break;
    case ColumnType::street_address: {
      const Address& a = address(t, ci);
      std::string& s = v.mutable_string(plain);
      s.append(a.building);
      s.push_back(' ');
      s.append(a.street);
      s.push_back(' ');
      s.append(a.suffix);
      break;
    }
    case ColumnType::city:
      v.set_string(address(t, ci).city->name, plain);
      break;
    case ColumnType::state:
      v.set_string(address(t, ci).city->region, plain);
      break;
    case ColumnType::postcode:
      v.set_string(address(t, ci).postcode, plain);
      break;
    case ColumnType::country:
      if (c.option == "world")
        v.set_string(loc.countries[uniform_index(rng, loc.countries.size())], plain);
      else
        v.set_string(loc.format("country"), plain);
      break;
    case ColumnType::company:
      v.set_string(company(t, ci).name, plain);
      break;
    case ColumnType::job_title:
      make_job_title(v.mutable_string(plain), rng, loc);
      break;
    case ColumnType::url:
      v.mutable_string(plain).append("https://www.").append(company(t, ci).domain).append("/");
      break;
    case ColumnType::ipv4:
      make_ipv4(v.mutable_string(plain), rng);
      break;
    case ColumnType::ipv6:
      make_ipv6(v.mutable_string(plain), rng);
      break;
    case ColumnType::iban:
      make_iban(v.mutable_string(plain), rng, c.option);
      break;
    case ColumnType::credit_card:
      make_card_number(v.mutable_string(plain), rng, c.option);
      break;
    case ColumnType::lorem:
      make_lorem(v.mutable_string(plain), rng, loc, c.min_words, c.max_words);
      break;
    case ColumnType::generated_text:
      break;  // made by make_text once the row is accepted
  }
  return Status::Ok();
}

bool TableGenerator::Impl::check_constraint(int t, const ConstraintSpec& k) {
  const std::vector<double>& num = state[size_t(t)].num;
  switch (k.kind) {
    case ConstraintSpec::Kind::compare: {
      double l = k.left->eval(num), r = k.right->eval(num);
      if (std::isnan(l) || std::isnan(r)) return true;  // a null side: nothing to compare
      switch (k.op) {
        case CompareOp::lt:
          return l < r;
        case CompareOp::le:
          return l <= r;
        case CompareOp::gt:
          return l > r;
        case CompareOp::ge:
          return l >= r;
        case CompareOp::eq:
          return l == r;
        case CompareOp::ne:
          return l != r;
      }
      return true;
    }
    case ConstraintSpec::Kind::range: {
      double x = num[size_t(k.column)];
      if (std::isnan(x)) return true;
      return !((k.min && x < *k.min) || (k.max && x > *k.max));
    }
    case ConstraintSpec::Kind::combinations:
      return true;  // generated from the list, so always met
  }
  return true;
}

std::string TableGenerator::Impl::row_failure(int t) {
  const TableSpec& spec = schema.tables[size_t(t)];
  const TableState& st = state[size_t(t)];
  size_t worst = 0;
  for (size_t i = 1; i < st.failures.size(); ++i)
    if (st.failures[i] > st.failures[worst]) worst = i;
  std::string what;
  if (worst < spec.constraints.size()) {
    const ConstraintSpec& k = spec.constraints[worst];
    what = k.path + " (\"" + k.description + "\") was not met";
  } else {
    const ColumnSpec& c = spec.columns[size_t(st.unique_columns[worst - spec.constraints.size()])];
    what = c.path + " (" + c.name + ") found no new unique value after " +
           std::to_string(st.unique_sets[worst - spec.constraints.size()].size()) +
           " distinct ones";
  }
  return "table \"" + spec.name + "\", row " + std::to_string(st.produced + 1) + ": " + what +
         " in any of " + std::to_string(schema.max_attempts) +
         " attempts; the constraint may be unsatisfiable with these columns' ranges, or the "
         "column too small for the row count";
}

Status TableGenerator::Impl::make_row(int t) {
  const TableSpec& spec = schema.tables[size_t(t)];
  TableState& st = state[size_t(t)];
  size_t ncols = spec.columns.size();
  for (size_t i = 0; i < spec.outer_slots.size(); ++i) {
    auto [at, ac] = spec.outer_slots[i];
    st.num[ncols + i] = state[size_t(at)].num[size_t(ac)];
  }
  std::fill(st.failures.begin(), st.failures.end(), 0);
  // Nulls are drawn once per row, before any retry: a constraint with a null side always holds,
  // so redrawing them per attempt would push rows towards null and distort the null rate.
  for (size_t c = 0; c < ncols; ++c) {
    double rate = spec.columns[c].null_rate;
    st.is_null[c] = rate > 0 && bernoulli(st.rng, rate);
  }
  for (int attempt = 0; attempt < schema.max_attempts; ++attempt) {
    for (Entity& e : st.entities) e.has_person = e.has_address = e.has_company = false;
    soft_fail = -1;
    for (int step : spec.order) {
      if (step >= 0) {
        HYV_RETURN_IF_ERROR(generate_column(t, step));
        if (soft_fail >= 0) break;
        continue;
      }
      const ConstraintSpec& k = spec.constraints[size_t(-1 - step)];
      const std::vector<Value>& tuple = k.tuples[weighted_index(st.rng, k.cumulative)];
      for (size_t j = 0; j < k.columns.size(); ++j) {
        int col = k.columns[j];
        Value& v = st.row[size_t(col)];
        double& num = st.num[size_t(col)];
        if (st.is_null[size_t(col)]) {
          v.set_null();
          num = kNull;
          continue;
        }
        v = tuple[j];
        num = (v.kind() == Value::Kind::integer || v.kind() == Value::Kind::real) ? v.as_number()
                                                                                  : kNull;
      }
    }
    bool ok = soft_fail < 0;
    if (!ok) ++st.failures[size_t(soft_fail)];
    for (size_t k = 0; k < spec.constraints.size() && ok; ++k)
      if (!check_constraint(t, spec.constraints[k])) {
        ++st.failures[k];
        ok = false;
      }
    for (size_t u = 0; u < st.unique_columns.size() && ok; ++u) {
      const Value& v = st.row[size_t(st.unique_columns[u])];
      if (v.is_null()) continue;
      st.unique_hashes[u] = hash_value(v);
      if (st.unique_sets[u].contains(st.unique_hashes[u])) {
        ++st.failures[spec.constraints.size() + u];
        ok = false;
      }
    }
    if (!ok) continue;
    HYV_RETURN_IF_ERROR(make_text(t));
    for (size_t u = 0; u < st.unique_columns.size(); ++u)
      if (!st.row[size_t(st.unique_columns[u])].is_null())
        st.unique_sets[u].insert(st.unique_hashes[u]);
    ++st.produced;
    if (!st.sink) return Status::Ok();
    if (st.visible_columns.size() == ncols) return st.sink->write_row(st.row);
    for (size_t i = 0; i < st.visible_columns.size(); ++i)
      st.visible[i] = st.row[size_t(st.visible_columns[i])];
    return st.sink->write_row(st.visible);
  }
  return Status::Error(row_failure(t));
}

// The row's generated_text cells, from its other values (and earlier text cells).
Status TableGenerator::Impl::make_text(int t) {
  const TableSpec& spec = schema.tables[size_t(t)];
  TableState& st = state[size_t(t)];
  for (int c : spec.text_order) {
    Value& v = st.row[size_t(c)];
    if (st.is_null[size_t(c)]) {
      v.set_null();
      continue;
    }
    const ColumnSpec& col = spec.columns[size_t(c)];
    st.prompt.clear();
    col.text->prompt.render(st.row, st.prompt);
    uint64_t seed = derive_seed(
        derive_seed(derive_seed(derive_seed(options.seed, uint64_t(t)), kTagText), st.produced),
        uint64_t(c));
    Status s = generate_text_cell(*col.text, *st.text_model[size_t(c)], st.prompt, seed,
                                  options.text_models.runner, v.mutable_string(false));
    if (!s.ok())
      return Status::Error("table \"" + spec.name + "\", row " + std::to_string(st.produced + 1) +
                           ", " + col.path + " (" + col.name + "): " + s.message());
  }
  return Status::Ok();
}

void TableGenerator::Impl::push_children(int t) {
  const TableSpec& spec = schema.tables[size_t(t)];
  for (auto it = spec.children.rbegin(); it != spec.children.rend(); ++it) {
    const TableSpec& child = schema.tables[size_t(*it)];
    int64_t n =
        uniform_int(state[size_t(*it)].count_rng, child.per_parent_min, child.per_parent_max);
    if (n > 0) stack.push_back({*it, n});
  }
}

Status TableGenerator::Impl::step(uint64_t max_rows) {
  if (!error.ok()) return error;
  if (finished) return Status::Ok();
  if (!started) {
    for (size_t t = 0; t < state.size(); ++t) {
      if (!state[t].sink) continue;
      Status s = state[t].sink->begin(TableGenerator::output_columns(schema.tables[t]));
      if (!s.ok()) return error = s;
    }
    started = true;
  }
  uint64_t made = 0;
  while (made < max_rows) {
    int t;
    if (stack.empty()) {
      if (root_pos >= roots.size()) {
        for (TableState& st : state)
          if (st.sink) {
            Status s = st.sink->finish();
            if (!s.ok()) return error = s;
          }
        finished = true;
        break;
      }
      t = roots[root_pos];
      if (int64_t(state[size_t(t)].produced) >= root_rows[size_t(t)]) {
        ++root_pos;
        continue;
      }
      ++root_done;
    } else {
      Frame& f = stack.back();
      if (f.remaining == 0) {
        stack.pop_back();
        continue;
      }
      --f.remaining;
      t = f.table;
    }
    Status s = make_row(t);
    if (!s.ok()) return error = s;
    ++made;
    push_children(t);
  }
  return Status::Ok();
}

TableGenerator::TableGenerator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TableGenerator::~TableGenerator() = default;

Result<std::unique_ptr<TableGenerator>> TableGenerator::create(Schema schema,
                                                               GeneratorOptions options,
                                                               std::vector<RowSink*> sinks) {
  auto impl = std::make_unique<Impl>();
  impl->schema = std::move(schema);
  impl->options = std::move(options);
  HYV_RETURN_IF_ERROR(impl->init(sinks));
  return std::unique_ptr<TableGenerator>(new TableGenerator(std::move(impl)));
}

Status TableGenerator::step(uint64_t max_rows) {
  return impl_->step(max_rows);
}
bool TableGenerator::done() const {
  return impl_->finished;
}
const Schema& TableGenerator::schema() const {
  return impl_->schema;
}
uint64_t TableGenerator::rows_written(int table) const {
  return impl_->state[size_t(table)].produced;
}
uint64_t TableGenerator::root_rows_done() const {
  return impl_->root_done;
}
uint64_t TableGenerator::root_rows_total() const {
  return impl_->root_total;
}
uint64_t TableGenerator::rows_done() const {
  return impl_->rows_done();
}
uint64_t TableGenerator::rows_total() const {
  return impl_->rows_total();
}

std::vector<std::string> TableGenerator::output_columns(const TableSpec& table) {
  std::vector<std::string> out;
  for (const ColumnSpec& c : table.columns)
    if (!c.hidden) out.push_back(c.name);
  return out;
}

}  // namespace hyv::synth
