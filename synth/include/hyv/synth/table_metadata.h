// Table metadata in SDV's single-table JSON form, to show the inferred column types and to let a
// user override them (`hyv fit --metadata M.json`):
//
//   {"columns": {"age":    {"sdtype": "numerical", "computer_representation": "Int64"},
//                "joined": {"sdtype": "datetime", "datetime_format": "%Y-%m-%d"},
//                "notes":  {"sdtype": "text"}},
//    "primary_key": "customer_id"}
//
// Columns left out are inferred. "text" is Hyv's addition to SDV's sdtypes; SDV's "id" and
// Hyv's "id" both mean a key column. Unknown keys are ignored so SDV files load unchanged.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hyv/status.h"
#include "hyv/synth/column_types.h"

namespace hyv::synth {

// `source` names the file in messages.
Result<std::vector<ColumnOverride>> parse_table_metadata(std::string_view json,
                                                         std::string_view source);

// The inferred (or overridden) types as metadata JSON, ready to edit and pass back.
std::string table_metadata_json(std::span<const ColumnInfo> columns);

}  // namespace hyv::synth
