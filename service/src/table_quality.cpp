#include "table_quality.h"

#include <algorithm>
#include <cmath>

#include "hyv/quality/quality_report.h"
#include "hyv/service/table_charts.h"
#include "json_util.h"

namespace hyv::service {
namespace {

synth::CsvTable head(const synth::CsvTable& table, uint64_t rows) {
  if (table.rows() <= rows) return table;
  synth::CsvTable out;
  out.source = table.source;
  out.names = table.names;
  out.columns.resize(table.columns.size());
  for (size_t c = 0; c < table.columns.size(); ++c) {
    for (uint64_t r = 0; r < rows; ++r) out.columns[c].push(table.columns[c].cell(r));
  }
  out.row_lines.assign(table.row_lines.begin(), table.row_lines.begin() + rows);
  return out;
}

}  // namespace

Result<TableQuality> learned_quality(const synth::CsvTable& real, const synth::CsvTable& synthetic,
                                     const std::vector<synth::ColumnInfo>& types) {
  const synth::CsvTable* tables[] = {&real, &synthetic};
  Result<quality::TypedTables> typed = quality::type_tables(tables, types);
  if (!typed.ok()) return typed.status();
  quality::QualityReportOptions options;
  options.privacy = false;
  quality::QualityReport r = quality::build_quality_report(typed.value(), options);
  TableQuality out;
  out.score = std::isfinite(r.overall) ? std::clamp(r.overall, 0.0, 1.0) : 0.0;
  rapidjson::Document d;
  HYV_RETURN_IF_ERROR(parse_json_object(quality::quality_report_json(r), d, "quality report"));
  d.AddMember("score", out.score, d.GetAllocator());
  Result<std::string> with_charts =
      add_charts_to_report(json_text(d), table_charts_json(typed.value()));
  if (!with_charts.ok()) return with_charts.status();
  out.report_json = std::move(with_charts).value();
  return out;
}

Result<std::string> synthetic_charts_json(const synth::CsvTable& table, uint64_t max_rows) {
  synth::CsvTable rows = head(table, max_rows);
  Result<std::vector<synth::ColumnInfo>> types = synth::infer_column_types(rows, {});
  if (!types.ok()) return types.status();
  const synth::CsvTable* tables[] = {&rows};
  Result<quality::TypedTables> typed = quality::type_tables(tables, types.value());
  if (!typed.ok()) return typed.status();
  return table_charts_json(typed.value());
}

}  // namespace hyv::service
