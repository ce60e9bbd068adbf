// Real, synthetic (and optionally holdout) tables read with one set of column types, ready for the
// metrics: numbers for numerical and datetime columns (datetimes as epoch seconds, NaN = missing),
// codes into one shared dictionary for every other column (-1 = missing).
//
//   auto types = synth::infer_column_types(real, overrides);         // types come from the real
//   data Result<TypedTables> t = type_tables({&real, &synthetic}, types.value());
//
// Only columns present in the real table are typed; columns of the other tables that the real one
// lacks are listed in `extra_columns` (they count against the structure score); a table that
// shares no column at all with the real one is an error naming both column lists. A synthetic cell
// that does not parse as its column's type is kept as missing and counted in `invalid_cells`
// (it also fails BoundaryAdherence, see report.h).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "hyv/status.h"
#include "hyv/synth/column_types.h"
#include "hyv/synth/csv_table.h"

namespace hyv::quality {

struct TypedColumn {
  std::string name;
  synth::Sdtype sdtype = synth::Sdtype::categorical;
  // Per table (index as passed to type_tables); empty when the table lacks the column.
  std::vector<std::vector<double>> numbers;
  std::vector<std::vector<int32_t>> codes;
  std::vector<uint64_t> invalid_cells;
  std::vector<bool> present;
  std::vector<std::string> dictionary;  // code -> text

  bool continuous() const { return synth::is_continuous(sdtype); }
};

struct TypedTables {
  std::vector<TypedColumn> columns;
  std::vector<size_t> rows;                             // per table
  std::vector<std::vector<std::string>> extra_columns;  // per table: names the real table lacks
};

// tables[0] is the real data; `types` describe its columns in order.
Result<TypedTables> type_tables(std::span<const synth::CsvTable* const> tables,
                                std::span<const synth::ColumnInfo> types);

}  // namespace hyv::quality
