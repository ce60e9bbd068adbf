// The "charts" object of a table dataset's quality report: what the web app draws as per-column
// real-vs-synthetic distributions and correlation heat maps.
//
//   "charts": {"columns": [{"name": "age", "kind": "numeric", "bins": ["0-10", ...],
//                           "real": [0.1, ...], "synthetic": [0.12, ...]},
//                          {"name": "city", "kind": "categorical", "categories": ["A", ...,
//                           "other"], "real": [...], "synthetic": [...]}],
//              "correlation": {"columns": ["age", "income"], "real": [[1, 0.3], [0.3, 1]],
//                              "synthetic": [[...]]}}
// "real" arrays are left out when there is no real table (schema mode).
//
// Numeric (numerical and datetime columns): at most kMaxChartBins equal-width bins over
// [min, max] of the real values (the synthetic ones when there is no real table), values outside
// falling into the first or last bin; labels "lo-hi" with both ends in shortest form (datetimes
// as epoch seconds). Categorical (every other typed column but id and text, which are skipped):
// the kMaxChartCategories most frequent categories of the reference table (ties by text), then
// "other" when anything is left. Each frequency array sums to 1 over the non-missing values
// (all zeros when a column has none). Correlation: Pearson over rows where both are present,
// across the numeric columns (at most kMaxChartCorrelationColumns, the first ones); NaN (a
// constant column) is written as null.
#pragma once

#include <string>

#include "hyv/quality/typed_tables.h"

namespace hyv::service {

inline constexpr size_t kMaxChartBins = 20;
inline constexpr size_t kMaxChartCategories = 20;
inline constexpr size_t kMaxChartCorrelationColumns = 20;

// tables.rows has 2 entries (0 = real, 1 = synthetic) or 1 (synthetic only, schema mode).
std::string table_charts_json(const quality::TypedTables& tables);

// Adds "charts" (a JSON object) to a report object; the report must be a JSON object.
Result<std::string> add_charts_to_report(std::string_view report_json,
                                         std::string_view charts_json);

}  // namespace hyv::service
