// CSV dialects: which delimiter (',' ';' TAB '|'), quote ('"' or '\''), whether the first row is a
// header, a UTF-8 byte-order mark, CRLF line ends and decimal commas ("1.234,5" from spreadsheets
// in many locales). Guessed from the first 64 KiB as DuckDB's CSV sniffer and Python's
// csv.Sniffer do, so a semicolon- or tab-separated file is never read as one column; anything
// given by the user (CsvDialectHints) is taken as it is.
//
//   hyv::synth::SniffingCsvReader reader(hints);
//   for (chunk : file) HYV_RETURN_IF_ERROR(reader.feed(chunk, on_record));
//   HYV_RETURN_IF_ERROR(reader.finish(on_record));
//   reader.dialect();  // what was used, for the message that says so
//
// The guess: every candidate (delimiter, quote) parses the sample with the real reader; one that
// fails (a quote never closed, text after a closing quote, ...) is out. The quote of a delimiter is
// the one that opened more fields ('"' on a tie). Of the delimiters whose rows all have the same
// number of fields, the one with the most fields (over 1) wins, ',' ';' TAB '|' on a tie. When none
// is consistent, the delimiter seen most in the first line is used, so that the reader's error
// names the ragged row. The first row is data, not a header, when every one of its cells fits its
// column's type (number or date) and some column has one; a file of text columns has a header.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hyv/status.h"
#include "hyv/synth/csv_reader.h"

namespace hyv::synth {

struct CsvDialectHints {
  std::optional<char> delimiter;
  std::optional<char> quote;
  std::optional<bool> header;
};

struct CsvDialect {
  char delimiter = ',';
  char quote = '"';
  bool header = true;
  bool bom = false;
  bool crlf = false;
  // Columns (0-based) whose numbers are written with a decimal comma (and '.' or no thousands
  // separator); only guessed when the delimiter is not ','.
  std::vector<size_t> decimal_comma_columns;
  // Which of the above the user gave rather than the sniffer guessed.
  bool delimiter_given = false;
  bool quote_given = false;
  bool header_given = false;
};

// How a delimiter or quote is named in messages: ',' ';' '|' TAB '"' "'".
std::string csv_char_name(char c);
// --delimiter: "," ";" "|" "tab" "\t" (and a literal TAB); --quote: "\"" "'" (also "double",
// "single").
Result<char> parse_csv_delimiter(std::string_view text);
Result<char> parse_csv_quote(std::string_view text);

// head: the first bytes of the input (at most kCsvSniffBytes are looked at); complete: head is
// the whole input, so its last record is whole too.
inline constexpr size_t kCsvSniffBytes = 64 * 1024;
CsvDialect sniff_csv_dialect(std::string_view head, bool complete, const CsvDialectHints& hints);

// "delimiter ';', quote '\"', header row, UTF-8 BOM, CRLF line ends, decimal commas in 2
// columns"; a guessed item is followed by nothing, a given one by "(given)".
std::string csv_dialect_text(const CsvDialect& dialect);
// {"delimiter":";","quote":"\"","header":true,"bom":false,"line_end":"crlf",
//  "decimal_comma_columns":[1,2]}
std::string csv_dialect_json(const CsvDialect& dialect);

// "1.234,5" -> "1234.5", "-0,25" -> "-0.25", "12" -> "12"; false (out untouched) for a cell that
// is not a decimal-comma number.
bool decimal_comma_to_point(std::string_view cell, std::string* out);

// CsvReader with the dialect sniffed from the first kCsvSniffBytes (or the whole input when it is
// shorter): those bytes are held back until then, then everything streams as before.
class SniffingCsvReader {
 public:
  explicit SniffingCsvReader(CsvDialectHints hints = {}) : hints_(hints) {}

  Status feed(std::string_view chunk, const CsvRecordFn& on_record);
  Status finish(const CsvRecordFn& on_record);

  // Meaningful once the first record has been delivered (and after finish).
  const CsvDialect& dialect() const { return dialect_; }
  uint64_t records() const { return reader_ ? reader_->records() : 0; }

 private:
  Status start(std::string_view head, bool complete, const CsvRecordFn& on_record);

  CsvDialectHints hints_;
  std::string head_;
  std::optional<CsvReader> reader_;
  CsvDialect dialect_;
};

}  // namespace hyv::synth
