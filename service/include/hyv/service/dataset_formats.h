// Downloads and row pages from a dataset table's canonical JSONL bytes (one JSON object per
// line, keys in column order; see generation_run.h). Both read the JSONL in chunks of any size,
// so the host can stream a large table from its BlobStore without holding it.
//
//   auto conv = FormatConverter::create(DownloadFormat::kCsv, table.columns, sink);
//   for (chunk of datasets/<id>/<table>.jsonl) HYV_RETURN_IF_ERROR(conv.value()->feed(chunk));
//   HYV_RETURN_IF_ERROR(conv.value()->finish());
//
// Formats:
//   csv    header of the column names, then one record per row (RFC 4180: CRLF, fields quoted
//          when they hold , " CR or LF, quotes doubled); null -> empty field, strings as text,
//          numbers as written in the JSONL, booleans true/false, nested values as their JSON
//   json   one JSON array of the row objects: "[\n" rows joined by ",\n" "\n]\n" ("[]\n" empty)
//   jsonl  the canonical bytes unchanged
//   txt    text/code only: for each row its "text" then "\n<|endoftext|>\n"
// Every JSONL line is parsed (json/csv/txt) so a corrupt blob is an error naming its line.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hyv/status.h"
#include "hyv/synth/table_writer.h"

namespace hyv::service {

enum class DownloadFormat { kCsv, kJson, kJsonl, kTxt };

// "csv", "json", "jsonl", "txt"; anything else is kInvalidArgument naming the value.
Result<DownloadFormat> parse_download_format(std::string_view name);
std::string_view download_extension(DownloadFormat f);     // "csv", ...
std::string_view download_content_type(DownloadFormat f);  // "text/csv; charset=utf-8", ...
// `<id>.<ext>` or `<id>-<table>.<ext>` when the table is not the dataset's first.
std::string download_file_name(std::string_view dataset_id, std::string_view table,
                               bool first_table, DownloadFormat f);

class FormatConverter {
 public:
  // txt needs a "text" column (kInvalidArgument otherwise).
  static Result<std::unique_ptr<FormatConverter>> create(DownloadFormat format,
                                                         std::vector<std::string> columns,
                                                         synth::ByteSink out);
  virtual ~FormatConverter() = default;
  // Any chunking of the JSONL; complete lines are converted at once.
  virtual Status feed(std::string_view jsonl_chunk) = 0;
  // Converts a last line without '\n', writes the closing bytes and flushes.
  virtual Status finish() = 0;
};

// Whole-buffer convenience (tests, small tables).
Result<std::string> convert_table(DownloadFormat format, std::span<const std::string> columns,
                                  std::string_view jsonl);

inline constexpr uint64_t kMaxPageRows = 100000;

// Rows [offset, offset + limit) of a table as arrays of cells in column order (a key missing
// from a row gives null). Feed the JSONL from the start; feed() returns false once the page is
// complete, so the host may stop reading.
class RowPager {
 public:
  // limit 1..kMaxPageRows, else kInvalidArgument ("limit: must be in [1, 100000]").
  static Result<RowPager> create(std::vector<std::string> columns, uint64_t offset, uint64_t limit);
  Result<bool> feed(std::string_view jsonl_chunk);
  // {"table": table, "columns": [...], "rows": [[...], ...], "offset": N, "total": total}
  Result<std::string> finish_json(std::string_view table, uint64_t total);

 private:
  RowPager() = default;
  Status take_line(std::string_view line);

  std::vector<std::string> columns_;
  uint64_t offset_ = 0;
  uint64_t limit_ = 0;
  uint64_t line_ = 0;  // lines seen
  std::string partial_;
  std::string rows_json_;  // the page's row arrays, comma separated
  uint64_t taken_ = 0;
};

}  // namespace hyv::service
