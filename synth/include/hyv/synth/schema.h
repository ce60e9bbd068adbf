// The table schema: what `hyv generate table` reads (docs/schema.md,
// schemas/hyv-table-schema.json).
//
//   auto schema = hyv::synth::parse_schema(json_text);   // Result<Schema>
//   if (!schema.ok()) ...   // e.g. "tables[0].columns[3].type: unknown type \"intger\" (expected
//   ...)"
//
// Parsing checks everything that can be known before generating: types and keys, ranges, patterns,
// formulas and their cycles, foreign keys, and requests that can never be met (1000 unique values
// from a 10-value category, `a < b` when a's minimum is above b's maximum); what remains (rare
// combinations) is bounded by Schema::max_attempts at generation time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hyv/status.h"
#include "hyv/synth/formula.h"
#include "hyv/synth/locale.h"
#include "hyv/synth/pattern.h"
#include "hyv/synth/table_writer.h"
#include "hyv/synth/text_column.h"

namespace hyv::synth {

enum class ColumnType : uint8_t {
  integer,
  real,
  boolean,
  categorical,
  date,
  datetime,
  id,
  pattern,
  formula,
  foreign_key,
  // semantic types
  first_name,
  last_name,
  full_name,
  email,
  phone,
  street_address,
  city,
  state,
  postcode,
  country,
  company,
  job_title,
  url,
  ipv4,
  ipv6,
  iban,
  credit_card,
  lorem,
  generated_text,  // filled by a language model (text_column.h)
};
// The JSON spelling ("float" for real).
std::string_view column_type_name(ColumnType t);

enum class Distribution : uint8_t {
  uniform,
  normal,
  lognormal,
  exponential,
  poisson,
  weighted,
  empirical
};
std::string_view distribution_name(Distribution d);

enum class CompareOp : uint8_t { lt, le, gt, ge, eq, ne };
std::string_view compare_op_name(CompareOp op);

struct ColumnSpec {
  std::string name;
  std::string path;  // "tables[0].columns[3]", for messages
  ColumnType type = ColumnType::integer;
  double null_rate = 0;
  bool unique = false;
  bool hidden = false;  // generated (for formulas and constraints) but not written
  std::string
      entity;  // semantic columns sharing an entity describe the same person/address/company

  // integer, float: distribution and bounds; date/datetime bounds are days/seconds since 1970.
  Distribution distribution = Distribution::uniform;
  double param1 = 0, param2 = 0;  // mean/stddev, mu/sigma, rate, lambda
  std::optional<double> min, max;
  // integer: the exact bounds (min/max above round beyond 2^53); the int64 range when absent.
  int64_t int_min = INT64_MIN, int_max = INT64_MAX;
  int decimals = -1;                    // float: round to this many decimals (-1: full precision)
  std::vector<Value> values;            // categorical, weighted, empirical
  std::vector<double> cumulative;       // running weights over `values`
  double probability = 0.5;             // boolean: chance of true
  std::string format;                   // date/datetime output format
  bool uuid = false;                    // id: uuid or sequence
  int64_t start = 1, step = 1;          // id sequence
  Pattern pattern;                      // pattern
  std::optional<Formula> formula;       // formula
  bool integer_result = false;          // formula: round to an integer
  int ref_table = -1, ref_column = -1;  // foreign_key target
  bool ref_parent = false;  // target is this table's parent: copy the current parent row
  std::string option;       // iban country, card brand, "world" countries, "company" e-mail
  int min_words = 4, max_words = 12;   // lorem
  std::optional<TextColumnSpec> text;  // generated_text

  // Has a number for formulas (dates count days, datetimes seconds); foreign keys: see Schema.
  bool numeric() const;
};

struct ConstraintSpec {
  enum class Kind : uint8_t { compare, combinations, range } kind = Kind::compare;
  std::string path;         // "tables[1].constraints[0]"
  std::string description;  // "start < end", for messages and reports
  // compare
  std::optional<Formula> left, right;
  CompareOp op = CompareOp::lt;
  // combinations: allowed tuples over `columns`
  std::vector<int> columns;
  std::vector<std::vector<Value>> tuples;
  std::vector<double> cumulative;
  // range on one column
  int column = -1;
  std::optional<double> min, max;
};

struct TableSpec {
  std::string name;
  std::string path;
  std::optional<int64_t> rows;  // root tables; --rows overrides
  int parent = -1;
  int64_t per_parent_min = 1, per_parent_max = 1;
  std::vector<ColumnSpec> columns;
  std::vector<ConstraintSpec> constraints;
  std::vector<int> children;  // tables whose parent this is
  // Numeric slots formulas read: 0..columns-1 are this table's columns; later slots are ancestors'
  // columns as (table, column), referenced as `table.column`.
  std::vector<std::pair<int, int>> outer_slots;
  // Generation order: columns in declaration order, combination groups at their first column,
  // formulas last in dependency order. Entries >= 0 are columns, -1 - k is combinations constraint
  // k.
  std::vector<int> order;
  // generated_text columns, in dependency order: they are made once the rest of the row has met
  // every constraint (they take part in none), so a slow model call is never thrown away.
  std::vector<int> text_order;
  int combination_of(int column) const;  // constraint index generating the column, or -1
};

struct Schema {
  std::string locale = "en";
  const LocaleData* locale_data = nullptr;
  std::vector<TableSpec> tables;
  int max_attempts = 1000;  // tries per row before a constraint or uniqueness rule is reported

  int find_table(std::string_view name) const;
  // ColumnSpec::numeric(), following a foreign key to its target.
  bool column_numeric(const ColumnSpec& c) const;
  bool is_root(int table) const { return tables[size_t(table)].parent < 0; }
};

// Parses and checks a schema (everything that does not depend on the row counts).
Result<Schema> parse_schema(std::string_view json);

// Most rows one run may make, all tables together, children at their rows_per_parent maximum:
// far more than streams in days (10^12), and small enough that no row count or index overflows.
// Hosts may set a lower limit (GeneratorOptions::max_total_rows; the studio allows 10^6).
inline constexpr uint64_t kMaxTotalRows = 1000000000000ULL;

// The most rows each table can get for these root row counts (children at rows_per_parent max),
// saturating at UINT64_MAX instead of overflowing.
std::vector<uint64_t> max_table_rows(const Schema& schema, const std::vector<int64_t>& root_rows);

// Refuses row counts whose total (max_table_rows summed) is over `limit`, naming the table that
// crosses it, and id sequences whose start + (rows - 1) * step would leave the int64 range.
Status check_row_counts(const Schema& schema, const std::vector<int64_t>& root_rows,
                        uint64_t limit);

// Checks against the row counts a run will use (the up-front impossibility checks need them):
// `root_rows[t]` for every root table t.
Status check_feasible(const Schema& schema, const std::vector<int64_t>& root_rows);

// How many distinct values a column can take (an upper bound; infinity when unbounded).
double column_capacity(const Schema& schema, const TableSpec& table, const ColumnSpec& column,
                       const std::vector<int64_t>& root_rows);

}  // namespace hyv::synth
