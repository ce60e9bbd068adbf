#include "hyv/synth/json_table.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <unordered_map>
#include <vector>

#include "hyv/json_nesting.h"

namespace hyv::synth {
namespace {

// Records as (column index, text) cells; columns are added as keys first appear.
class Collector {
 public:
  explicit Collector(std::string source) { table_.source = std::move(source); }

  Status add(const rapidjson::Value& record, uint64_t where, const std::string& label) {
    if (!record.IsObject()) {
      return Status::Error(table_.source + ": " + label + ": expected an object");
    }
    std::vector<std::pair<size_t, std::string>> cells;
    for (const auto& member : record.GetObject()) {
      std::string key(member.name.GetString(), member.name.GetStringLength());
      auto [it, inserted] = index_.try_emplace(key, table_.names.size());
      if (inserted) {
        table_.names.push_back(key);
        columns_.emplace_back(rows_.size(), std::string());  // earlier records: missing
      }
      const auto& v = member.value;
      std::string text;
      if (v.IsString()) {
        text.assign(v.GetString(), v.GetStringLength());
      } else if (v.IsBool()) {
        text = v.GetBool() ? "true" : "false";
      } else if (v.IsNull()) {
        text.clear();
      } else {
        return Status::Error(table_.source + ": " + label + ", key \"" + key +
                             "\": a nested array or object; tables need flat records");
      }
      cells.emplace_back(it->second, std::move(text));
    }
    for (auto& column : columns_) column.emplace_back();
    for (auto& [c, text] : cells) columns_[c].back() = std::move(text);
    rows_.push_back(where);
    return Status::Ok();
  }

  CsvTable finish() {
    table_.columns.resize(columns_.size());
    for (size_t c = 0; c < columns_.size(); ++c) {
      for (const auto& cell : columns_[c]) table_.columns[c].push(cell);
    }
    table_.row_lines = std::move(rows_);
    return std::move(table_);
  }

 private:
  CsvTable table_;
  std::unordered_map<std::string, size_t> index_;
  std::vector<std::vector<std::string>> columns_;
  std::vector<uint64_t> rows_;
};

Status parse_error(const std::string& where, const rapidjson::Document& d) {
  return Status::Error(where + ": not valid JSON at byte " + std::to_string(d.GetErrorOffset()) +
                       ": " + rapidjson::GetParseError_En(d.GetParseError()));
}

}  // namespace

Result<CsvTable> parse_json_table(std::string_view bytes, std::string source, bool lines) {
  Collector out(source);
  constexpr unsigned kFlags = rapidjson::kParseNumbersAsStringsFlag;
  if (lines) {
    uint64_t line = 0;
    size_t start = 0;
    while (start < bytes.size()) {
      size_t end = bytes.find('\n', start);
      if (end == std::string_view::npos) end = bytes.size();
      std::string_view text = bytes.substr(start, end - start);
      start = end + 1;
      ++line;
      if (text.find_first_not_of(" \t\r") == std::string_view::npos) continue;
      const std::string label = "line " + std::to_string(line);
      // RapidJSON recurses per level (and so does turning a nested cell into text).
      HYV_RETURN_IF_ERROR(check_json_nesting(text, source + ": " + label));
      rapidjson::Document d;
      d.Parse<kFlags>(text.data(), text.size());
      if (d.HasParseError()) return parse_error(source + ": " + label, d);
      HYV_RETURN_IF_ERROR(out.add(d, line, label));
    }
  } else {
    HYV_RETURN_IF_ERROR(check_json_nesting(bytes, source));
    rapidjson::Document d;
    d.Parse<kFlags>(bytes.data(), bytes.size());
    if (d.HasParseError()) return parse_error(source, d);
    if (!d.IsArray()) return Status::Error(source + ": expected a JSON array of objects");
    for (rapidjson::SizeType i = 0; i < d.Size(); ++i) {
      HYV_RETURN_IF_ERROR(out.add(d[i], i + 1, "record " + std::to_string(i + 1)));
    }
  }
  CsvTable table = out.finish();
  if (table.names.empty()) {
    return Status::Error(source + ": no records with keys; expected objects such as {\"a\": 1}");
  }
  return table;
}

}  // namespace hyv::synth
