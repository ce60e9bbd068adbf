#include "hyv/synth/csv_table.h"

#include <unordered_set>

namespace hyv::synth {

int CsvTable::column_index(std::string_view name) const {
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<int>(i);
  }
  return -1;
}

CsvTableBuilder::CsvTableBuilder(std::string source, CsvDialectHints hints) : reader_(hints) {
  table_.source = std::move(source);
  callback_ = [this](const CsvRecord& r) { return on_record(r); };
}

Status CsvTableBuilder::on_record(const CsvRecord& record) {
  const CsvDialect& dialect = reader_.dialect();
  if (record.index == 0) {
    decimal_comma_.assign(record.fields.size(), false);
    for (size_t c : dialect.decimal_comma_columns)
      if (c < decimal_comma_.size()) decimal_comma_[c] = true;
  }
  if (record.index == 0 && !dialect.header) {
    for (size_t i = 0; i < record.fields.size(); ++i)
      table_.names.push_back("column" + std::to_string(i + 1));
    table_.columns.resize(table_.names.size());
  } else if (record.index == 0) {
    std::unordered_set<std::string_view> seen;
    for (size_t i = 0; i < record.fields.size(); ++i) {
      std::string_view name = record.fields[i];
      while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.remove_prefix(1);
      while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
      if (name.empty()) {
        return Status::Error("line " + std::to_string(record.line) + ", column " +
                             std::to_string(i + 1) +
                             ": the header has an empty column name; name every column");
      }
      if (!seen.insert(name).second) {
        return Status::Error("line " + std::to_string(record.line) + ", column " +
                             std::to_string(i + 1) + ": column name \"" + std::string(name) +
                             "\" appears twice in the header; column names must be unique");
      }
      table_.names.emplace_back(name);
    }
    table_.columns.resize(table_.names.size());
    return Status::Ok();
  }
  for (size_t i = 0; i < record.fields.size(); ++i) {
    // A cell that is not a decimal-comma number ("n/a", "12 kg") stays as written.
    if (decimal_comma_[i] && decimal_comma_to_point(record.fields[i], &converted_))
      table_.columns[i].push(converted_);
    else
      table_.columns[i].push(record.fields[i]);
  }
  table_.row_lines.push_back(record.line);
  return Status::Ok();
}

Status CsvTableBuilder::feed(std::string_view chunk) {
  return reader_.feed(chunk, callback_).with_context(table_.source);
}

Result<CsvTable> CsvTableBuilder::finish() {
  HYV_RETURN_IF_ERROR(reader_.finish(callback_).with_context(table_.source));
  if (reader_.records() == 0) {
    return Status::Error(table_.source +
                         ": the file is empty; expected a header row with column "
                         "names, then one row per record");
  }
  table_.dialect = reader_.dialect();
  return std::move(table_);
}

Result<CsvTable> parse_csv_table(std::string_view bytes, std::string source,
                                 CsvDialectHints hints) {
  CsvTableBuilder builder(std::move(source), hints);
  HYV_RETURN_IF_ERROR(builder.feed(bytes));
  return builder.finish();
}

}  // namespace hyv::synth
