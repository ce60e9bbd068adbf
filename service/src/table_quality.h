// Quality reports of table runs, with the "charts" object (table_charts.h) added.
#pragma once

#include <string>
#include <vector>

#include "hyv/status.h"
#include "hyv/synth/column_types.h"
#include "hyv/synth/csv_table.h"

namespace hyv::service {

struct TableQuality {
  double score = 0;         // the SDMetrics overall quality score
  std::string report_json;  // quality_report_json plus "score" and "charts"
};

// The synthetic rows against the real sample, typed as the sample was (`types`); privacy
// metrics are left out (the sample is small and the studio shows shapes and trends).
Result<TableQuality> learned_quality(const synth::CsvTable& real, const synth::CsvTable& synthetic,
                                     const std::vector<synth::ColumnInfo>& types);

// Charts of a table alone (schema mode), over its first max_rows rows, with inferred types.
Result<std::string> synthetic_charts_json(const synth::CsvTable& table, uint64_t max_rows);

}  // namespace hyv::service
