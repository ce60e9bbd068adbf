// Splits JSONL bytes fed in chunks of any size into lines (without their '\n' or a '\r' before
// it); blank lines are skipped. Shared by the download converters and the row pager.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "hyv/status.h"

namespace hyv::service {

class JsonlLines {
 public:
  // fn(line, number): number is 1-based over non-blank lines. A failed Status stops the feed.
  using LineFn = std::function<Status(std::string_view line, uint64_t number)>;

  Status feed(std::string_view chunk, const LineFn& fn);
  // Delivers a last line that lacks its '\n'.
  Status finish(const LineFn& fn);

 private:
  Status deliver(std::string_view line, const LineFn& fn);

  std::string partial_;
  uint64_t lines_ = 0;
};

// Parses one row line into d (a JSON object); a broken line is kInternal naming its number (the
// stored bytes are the service's own, so a bad line means a damaged blob).
Status parse_row_line(std::string_view line, uint64_t number, rapidjson::Document& d);

}  // namespace hyv::service
