// A JSON array of objects, or JSON Lines (one object per line), read into the same CsvTable that
// CSV files give, so fitting and scoring take `hyv sample`'s JSON output too.
//
//   Result<CsvTable> t = parse_json_table(bytes, "synthetic.jsonl", /*lines=*/true);
//
// Columns are the keys in order of first appearance; a record without a key has a missing value
// there. Cells are text: numbers exactly as written, true/false, null -> empty (missing), strings
// as they are. A nested array or object is an error naming the record and key. row_lines holds the
// line of each record for JSON Lines and the record's 1-based position for an array.
#pragma once

#include <string>
#include <string_view>

#include "hyv/status.h"
#include "hyv/synth/csv_table.h"

namespace hyv::synth {

Result<CsvTable> parse_json_table(std::string_view bytes, std::string source, bool lines);

}  // namespace hyv::synth
