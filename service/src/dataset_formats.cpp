// Download format names, extensions and file names (dataset_formats.h); the converters are in
// format_converter.cpp, the row pages in row_pager.cpp.
#include "hyv/service/dataset_formats.h"

#include "json_util.h"

namespace hyv::service {

Result<DownloadFormat> parse_download_format(std::string_view name) {
  if (name == "csv") return DownloadFormat::kCsv;
  if (name == "json") return DownloadFormat::kJson;
  if (name == "jsonl") return DownloadFormat::kJsonl;
  if (name == "txt") return DownloadFormat::kTxt;
  return invalid("format: unknown format '" + std::string(name) +
                 "' (use csv, json, jsonl or txt)");
}

std::string_view download_extension(DownloadFormat f) {
  switch (f) {
    case DownloadFormat::kCsv:
      return "csv";
    case DownloadFormat::kJson:
      return "json";
    case DownloadFormat::kJsonl:
      return "jsonl";
    case DownloadFormat::kTxt:
      return "txt";
  }
  return "jsonl";
}

std::string_view download_content_type(DownloadFormat f) {
  switch (f) {
    case DownloadFormat::kCsv:
      return "text/csv; charset=utf-8";
    case DownloadFormat::kJson:
      return "application/json";
    case DownloadFormat::kJsonl:
      return "application/x-ndjson";
    case DownloadFormat::kTxt:
      return "text/plain; charset=utf-8";
  }
  return "application/octet-stream";
}

std::string download_file_name(std::string_view dataset_id, std::string_view table,
                               bool first_table, DownloadFormat f) {
  std::string name(dataset_id);
  if (!first_table) {
    name += '-';
    name += table;
  }
  name += '.';
  name += download_extension(f);
  return name;
}

}  // namespace hyv::service
