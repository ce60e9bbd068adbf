#include "table_capture.h"

namespace hyv::service {

void append_cell_text(std::string& out, const synth::Value& v) {
  switch (v.kind()) {
    case synth::Value::Kind::null:
      break;
    case synth::Value::Kind::boolean:
      out += v.as_boolean() ? "true" : "false";
      break;
    case synth::Value::Kind::integer:
      out += std::to_string(v.as_integer());
      break;
    case synth::Value::Kind::real:
      synth::append_double(out, v.as_real());
      break;
    case synth::Value::Kind::string:
      out += v.as_string();
      break;
  }
}

synth::CsvTable empty_table(std::string source, std::span<const std::string> names) {
  synth::CsvTable t;
  t.source = std::move(source);
  t.names.assign(names.begin(), names.end());
  t.columns.resize(names.size());
  return t;
}

void capture_row(synth::CsvTable& table, std::span<const synth::Value> row) {
  std::string cell;
  for (size_t c = 0; c < row.size() && c < table.columns.size(); ++c) {
    cell.clear();
    append_cell_text(cell, row[c]);
    table.columns[c].push(cell);
  }
  table.row_lines.push_back(table.row_lines.size() + 2);  // line 1 is the header
}

Status CapturingSink::begin(std::span<const std::string> columns) {
  return inner_->begin(columns);
}

Status CapturingSink::write_row(std::span<const synth::Value> row) {
  HYV_RETURN_IF_ERROR(inner_->write_row(row));
  if (capture_ && rows_ < keep_) capture_row(*capture_, row);
  ++rows_;
  return Status::Ok();
}

}  // namespace hyv::service
