// What each CSV column holds (SDV's "sdtypes"), inferred from its cells and overridable.
//
//   std::vector<ColumnOverride> overrides = ...;            // from --metadata, may be empty
//   Result<std::vector<ColumnInfo>> types = infer_column_types(table, overrides);
//
// Inference rules, per column, on the non-missing cells (missing = is_null_cell):
//   1. no values at all                                  -> categorical (always missing)
//   2. every value is one of a true/false pair (true/false, yes/no, t/f, y/n; any case)
//                                                        -> boolean
//   3. every value is a number (thousands separators allowed when used consistently)
//                                                        -> numerical; integer if none has a '.'
//      or exponent; decimals = most digits after the point. A unique integer column whose name
//      looks like a key (id, *_id, *Id, key, uuid) -> id.
//   4. every value parses with one of known_datetime_formats() -> datetime (first format that
//      fits all; month/day before day/month)
//   5. other text: when at least 90% of the values look like one semantic (PII-like) type --
//      first names, e-mails, phone numbers, ... (semantic_column.h) -> `semantic` is set to the
//      type, and sdtype is id when the values are unique, text otherwise (so code that knows only
//      SDV's sdtypes treats the column as a key or as free text, which it does not score);
//   6. other text, with d distinct values among n:
//      d <= max(20, n/2) and d <= 1000                   -> categorical
//      n > 20 and every value distinct, no blanks inside, at most 64 bytes -> id
//      otherwise                                          -> text
//   Mixed columns: when at least 95% of the values are numbers (or datetimes in one format) and
//   the rest are at most 3 distinct tokens (e.g. "unknown", "?"), the column is numerical
//   (datetime) and those tokens count as missing; listed in ColumnInfo::missing_tokens.
//   So a column of 100k distinct values is never a 100k-category column: it is an id or text.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hyv/status.h"
#include "hyv/synth/csv_table.h"

namespace hyv::synth {

enum class Sdtype : uint8_t { numerical, categorical, datetime, boolean, id, text };

std::string_view sdtype_name(Sdtype t);
std::optional<Sdtype> parse_sdtype(std::string_view name);
// Numerical and datetime: modelled by a continuous marginal.
inline bool is_continuous(Sdtype t) {
  return t == Sdtype::numerical || t == Sdtype::datetime;
}
// Categorical and boolean: modelled by frequency intervals.
inline bool is_discrete(Sdtype t) {
  return t == Sdtype::categorical || t == Sdtype::boolean;
}

struct ColumnInfo {
  std::string name;
  Sdtype sdtype = Sdtype::categorical;
  std::string reason;  // one line for the user: why this type
  bool from_metadata = false;
  uint64_t values = 0;  // non-missing cells
  uint64_t missing = 0;
  uint64_t distinct = 0;  // distinct non-missing values
  // numerical
  bool integer = false;
  int decimals = 0;
  bool thousands = false;
  std::vector<std::string> missing_tokens;
  // datetime
  std::string datetime_format;
  int frac_digits = 0;  // digits of %f
  // semantic: the type name (semantic_column.h), empty for other columns; its locale.
  std::string semantic;
  std::string semantic_locale;
};

// What a user may fix per column (SDV metadata keys).
struct ColumnOverride {
  std::string name;
  std::optional<Sdtype> sdtype;
  std::string datetime_format;  // strptime style, as SDV's "datetime_format"
  std::optional<bool> integer;  // from SDV's "computer_representation": "Int64" / "Float"
  std::string semantic;         // an SDV PII sdtype such as "email" (then sdtype is unset)
};

Result<std::vector<ColumnInfo>> infer_column_types(const CsvTable& table,
                                                   std::span<const ColumnOverride> overrides);

// The cells of a numerical or datetime column as numbers (datetimes in epoch seconds), NaN where
// missing. A cell that does not parse is an error naming file, line and column.
Status column_numbers(const CsvTable& table, size_t column, const ColumnInfo& info,
                      std::vector<double>* out);
// One cell, the same rules (false when missing or unparseable).
bool cell_number(std::string_view cell, const ColumnInfo& info, double* out);

// Whether a name looks like a key column: id, ID, *_id, *Id, key, uuid, ...
bool looks_like_key_name(std::string_view name);

}  // namespace hyv::synth
