// Streaming CSV reader (RFC 4180) for one known dialect (csv_dialect.h guesses it): bytes go in as
// chunks of any size, complete records come out, so a file never has to be in memory whole (the
// host reads it piece by piece).
//
//   hyv::synth::CsvReader reader;
//   auto on_record = [&](const hyv::synth::CsvRecord& r) { ...r.fields[i]...; return Status::Ok();
//   }; for (chunk : file) HYV_RETURN_IF_ERROR(reader.feed(chunk, on_record));
//   HYV_RETURN_IF_ERROR(reader.finish(on_record));
//
// Accepted: a UTF-8 byte-order mark at the start (skipped), CRLF, LF or lone CR line ends, quoted
// fields holding delimiters, line breaks and doubled quotes, blank lines (skipped, as pandas does).
// Rejected with line, column (1-based field number) and byte offset: a record with a different
// number of fields than the first one, a quote inside an unquoted field, text after a closing
// quote, a quote never closed, bytes that are not UTF-8, a UTF-16 file.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hyv/status.h"

namespace hyv::synth {

struct CsvRecord {
  // Valid only during the callback: they point into the reader's buffer.
  std::span<const std::string_view> fields;
  // Physical line (1-based) where the record starts; a quoted line break makes records span lines.
  uint64_t line = 0;
  // Byte offset of the record's first byte in the input (after any BOM counts as part of input).
  uint64_t byte_offset = 0;
  // 0 for the first record (the header when there is one).
  uint64_t index = 0;
};

using CsvRecordFn = std::function<Status(const CsvRecord& record)>;

struct CsvReaderOptions {
  char delimiter = ',';
  // '"' (RFC 4180) or '\'' (some exports quote with apostrophes); doubled inside a quoted field.
  char quote = '"';
  // Every record must have as many fields as the first one.
  bool require_equal_field_counts = true;
};

// Invariant between calls: bytes fed so far have been split into complete records (already
// delivered) and one unfinished record (kept in the buffer); after an error, nothing more is taken.
class CsvReader {
 public:
  explicit CsvReader(CsvReaderOptions options = {});

  Status feed(std::string_view chunk, const CsvRecordFn& on_record);
  // Delivers the last record if the input does not end with a line break.
  Status finish(const CsvRecordFn& on_record);

  uint64_t records() const { return records_; }
  uint64_t bytes_consumed() const { return offset_; }
  // Fields that opened with the quote character: evidence for the dialect sniffer.
  uint64_t quoted_fields() const { return quoted_fields_; }

 private:
  enum class State : uint8_t { record_start, field_start, unquoted, quoted, quote_in_quoted, cr };

  Status fail(std::string message);
  Status end_field();
  Status end_record(const CsvRecordFn& on_record);
  std::string ragged_hint() const;
  Status step(char c, const CsvRecordFn& on_record);

  CsvReaderOptions options_;
  State state_ = State::record_start;
  bool started_ = false;  // BOM check done
  std::string bom_prefix_;
  uint64_t offset_ = 0;       // bytes of input seen
  uint64_t line_ = 1;         // current physical line
  uint64_t record_line_ = 1;  // line where the current record started
  uint64_t record_offset_ = 0;
  uint64_t field_offset_ = 0;  // offset of the current field's first byte
  uint64_t field_line_ = 1;
  uint64_t quote_line_ = 0;  // where the open quote of the current field is
  uint64_t quote_offset_ = 0;
  uint64_t records_ = 0;
  uint64_t quoted_fields_ = 0;
  size_t expected_fields_ = 0;
  std::string buffer_;              // field bytes of the current record, back to back
  std::vector<size_t> field_ends_;  // end of each finished field in buffer_
  std::vector<std::string_view> views_;
  bool failed_ = false;
  Status error_;
};

}  // namespace hyv::synth
