// RowPager (dataset_formats.h): rows [offset, offset + limit) of a table's JSONL as arrays.
// Lines before the page are only counted, never parsed, so paging deep into a table costs a scan
// for '\n' and nothing more.
#include <rapidjson/document.h>

#include <cstring>

#include "hyv/service/dataset_formats.h"
#include "json_util.h"
#include "jsonl_lines.h"

namespace hyv::service {

Result<RowPager> RowPager::create(std::vector<std::string> columns, uint64_t offset,
                                  uint64_t limit) {
  if (limit < 1 || limit > kMaxPageRows) {
    return invalid("limit: must be in [1, " + std::to_string(kMaxPageRows) + "] (got " +
                   std::to_string(limit) + ")");
  }
  RowPager p;
  p.columns_ = std::move(columns);
  p.offset_ = offset;
  p.limit_ = limit;
  return p;
}

Status RowPager::take_line(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  uint64_t index = line_++;
  if (index < offset_ || taken_ >= limit_) return Status::Ok();
  rapidjson::Document d;
  HYV_RETURN_IF_ERROR(parse_row_line(line, index + 1, d));
  rapidjson::StringBuffer b;
  JsonWriter w(b);
  w.StartArray();
  for (const std::string& c : columns_) {
    auto it = d.FindMember(c.c_str());
    if (it == d.MemberEnd()) {
      w.Null();
    } else {
      it->value.Accept(w);
    }
  }
  w.EndArray();
  if (taken_++ > 0) rows_json_ += ',';
  rows_json_.append(b.GetString(), b.GetSize());
  return Status::Ok();
}

Result<bool> RowPager::feed(std::string_view chunk) {
  size_t start = 0;
  while (taken_ < limit_) {
    const void* hit = std::memchr(chunk.data() + start, '\n', chunk.size() - start);
    if (!hit) break;
    size_t nl = static_cast<size_t>(static_cast<const char*>(hit) - chunk.data());
    std::string_view piece = chunk.substr(start, nl - start);
    if (line_ < offset_ && partial_.empty()) {
      ++line_;  // before the page: counted, not parsed
    } else if (partial_.empty()) {
      HYV_RETURN_IF_ERROR(take_line(piece));
    } else {
      partial_.append(piece);
      std::string line = std::move(partial_);
      partial_.clear();
      HYV_RETURN_IF_ERROR(take_line(line));
    }
    start = nl + 1;
  }
  if (taken_ >= limit_) return false;
  partial_.append(chunk.substr(start));
  return true;
}

Result<std::string> RowPager::finish_json(std::string_view table, uint64_t total) {
  if (taken_ < limit_ && !partial_.empty()) {
    std::string line = std::move(partial_);
    partial_.clear();
    HYV_RETURN_IF_ERROR(take_line(line));
  }
  rapidjson::StringBuffer b;
  JsonWriter w(b);
  w.StartObject();
  w.Key("table");
  write_json_string(w, table);
  w.Key("columns");
  w.StartArray();
  for (const std::string& c : columns_) write_json_string(w, c);
  w.EndArray();
  w.Key("rows");
  std::string rows;
  rows.reserve(rows_json_.size() + 2);
  rows += '[';
  rows += rows_json_;
  rows += ']';
  w.RawValue(rows.data(), rows.size(), rapidjson::kArrayType);
  w.Key("offset");
  w.Uint64(offset_);
  w.Key("total");
  w.Uint64(total);
  w.EndObject();
  return buffer_text(b);
}

}  // namespace hyv::service
