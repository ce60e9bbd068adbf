// A RowSink in front of a table's JSONL writer that counts rows and keeps a copy of the first
// `keep` rows as text cells (a CsvTable, as the quality metrics and the validity checker read
// them): null -> "" (the CSV convention), booleans true/false, numbers in shortest form.
#pragma once

#include <memory>

#include "hyv/synth/csv_table.h"
#include "hyv/synth/table_writer.h"

namespace hyv::service {

// The cell text of a value, as a CSV reader would see it.
void append_cell_text(std::string& out, const synth::Value& v);

// Starts a CsvTable with these column names and no rows.
synth::CsvTable empty_table(std::string source, std::span<const std::string> names);

// Appends one row of values to a CsvTable.
void capture_row(synth::CsvTable& table, std::span<const synth::Value> row);

class CapturingSink final : public synth::RowSink {
 public:
  // `capture` must outlive the sink; keep = 0 keeps nothing.
  CapturingSink(std::unique_ptr<synth::RowSink> inner, synth::CsvTable* capture, uint64_t keep)
      : inner_(std::move(inner)), capture_(capture), keep_(keep) {}

  Status begin(std::span<const std::string> columns) override;
  Status write_row(std::span<const synth::Value> row) override;
  Status finish() override { return inner_->finish(); }
  uint64_t bytes_flushed() const override { return inner_->bytes_flushed(); }
  uint64_t rows() const { return rows_; }

 private:
  std::unique_ptr<synth::RowSink> inner_;
  synth::CsvTable* capture_;
  uint64_t keep_;
  uint64_t rows_ = 0;
};

}  // namespace hyv::service
