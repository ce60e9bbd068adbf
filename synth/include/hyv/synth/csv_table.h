// A CSV file held column by column as raw cell text: what type inference, fitting and scoring read.
// Built from chunks through CsvTableBuilder, so the file's bytes are held once (in the columns),
// never twice.
//
//   hyv::synth::CsvTableBuilder builder("data.csv");
//   for (chunk : file) HYV_RETURN_IF_ERROR(builder.feed(chunk));
//   hyv::Result<hyv::synth::CsvTable> table = builder.finish();
//
// The dialect (delimiter, quote, header row, decimal commas) is sniffed unless given
// (csv_dialect.h); without a header row the columns are named column1, column2, ... and cells of
// decimal-comma columns are read with a decimal point ("1.234,5" -> "1234.5"). An empty file, a
// blank or duplicate column name is an error; a header with no rows after it is a table with zero
// rows (callers that need rows say so).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hyv/status.h"
#include "hyv/synth/csv_dialect.h"

namespace hyv::synth {

// Cells of one column back to back; cell i is bytes[ends[i-1], ends[i]).
class CellColumn {
 public:
  void push(std::string_view cell) {
    bytes_.append(cell);
    ends_.push_back(bytes_.size());
  }
  std::string_view cell(size_t row) const {
    size_t begin = row == 0 ? 0 : ends_[row - 1];
    return std::string_view(bytes_).substr(begin, ends_[row] - begin);
  }
  size_t size() const { return ends_.size(); }

 private:
  std::string bytes_;
  std::vector<uint64_t> ends_;
};

struct CsvTable {
  std::string source;  // file name for messages
  std::vector<std::string> names;
  std::vector<CellColumn> columns;
  // Physical line where each data row starts, for messages that name a row.
  std::vector<uint64_t> row_lines;
  // How the file was read (CSV only; JSON tables have none).
  std::optional<CsvDialect> dialect;

  size_t rows() const { return row_lines.size(); }
  // -1 when absent.
  int column_index(std::string_view name) const;
};

class CsvTableBuilder {
 public:
  explicit CsvTableBuilder(std::string source, CsvDialectHints hints = {});
  Status feed(std::string_view chunk);
  Result<CsvTable> finish();

 private:
  Status on_record(const CsvRecord& record);

  SniffingCsvReader reader_;
  CsvTable table_;
  std::vector<bool> decimal_comma_;  // per column
  std::string converted_;
  CsvRecordFn callback_;
};

// Whole-buffer convenience for tests and small inputs.
Result<CsvTable> parse_csv_table(std::string_view bytes, std::string source = "input.csv",
                                 CsvDialectHints hints = {});

}  // namespace hyv::synth
