#include "jsonl_lines.h"

#include "hyv/service/json_depth.h"

namespace hyv::service {

Status JsonlLines::deliver(std::string_view line, const LineFn& fn) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.find_first_not_of(" \t") == std::string_view::npos) return Status::Ok();
  return fn(line, ++lines_);
}

Status JsonlLines::feed(std::string_view chunk, const LineFn& fn) {
  size_t start = 0;
  while (true) {
    size_t nl = chunk.find('\n', start);
    if (nl == std::string_view::npos) break;
    std::string_view piece = chunk.substr(start, nl - start);
    if (partial_.empty()) {
      HYV_RETURN_IF_ERROR(deliver(piece, fn));
    } else {
      partial_.append(piece);
      std::string line = std::move(partial_);
      partial_.clear();
      HYV_RETURN_IF_ERROR(deliver(line, fn));
    }
    start = nl + 1;
  }
  partial_.append(chunk.substr(start));
  return Status::Ok();
}

Status JsonlLines::finish(const LineFn& fn) {
  std::string line = std::move(partial_);
  partial_.clear();
  return deliver(line, fn);
}

Status parse_row_line(std::string_view line, uint64_t number, rapidjson::Document& d) {
  std::string where = "dataset line " + std::to_string(number);
  Status depth = check_json_depth(line, where);
  if (!depth.ok()) return Status::Error(StatusCode::kInternal, depth.message());
  d.Parse(line.data(), line.size());
  if (d.HasParseError() || !d.IsObject()) {
    return Status::Error(StatusCode::kInternal, where + ": not a JSON object");
  }
  return Status::Ok();
}

}  // namespace hyv::service
