#include "csv_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "file_io.h"
#include "hyv/synth/json_table.h"
#include "hyv/synth/table_writer.h"

namespace hyv::native {

Result<synth::CsvTable> read_csv_file(const std::string& path,
                                      const synth::CsvDialectHints& hints) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), std::fclose);
  if (!f) return Status::Error(path + ": cannot open: " + std::strerror(errno));
  synth::CsvTableBuilder builder(path, hints);
  std::vector<char> chunk(1 << 20);
  for (;;) {
    size_t n = std::fread(chunk.data(), 1, chunk.size(), f.get());
    if (n > 0) HYV_RETURN_IF_ERROR(builder.feed(std::string_view(chunk.data(), n)));
    if (n < chunk.size()) {
      if (std::ferror(f.get()))
        return Status::Error(path + ": read failed: " + std::strerror(errno));
      break;
    }
  }
  return builder.finish();
}

Result<synth::CsvTable> read_table_file(const std::string& path,
                                        const synth::CsvDialectHints& hints) {
  auto ends_with = [&](std::string_view suffix) {
    return path.size() >= suffix.size() &&
           path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  bool lines = ends_with(".jsonl") || ends_with(".ndjson");
  if (!lines && !ends_with(".json")) return read_csv_file(path, hints);
  auto bytes = read_text_file(path);
  if (!bytes.ok()) return bytes.status();
  return synth::parse_json_table(bytes.value(), path, lines);
}

void report_csv_dialect(const std::string& path, const synth::CsvDialect& dialect) {
  std::fprintf(stderr, "hyv: read %s as %s\n", path.c_str(),
               synth::csv_dialect_text(dialect).c_str());
}

std::string with_csv_dialects(
    std::string json, const std::vector<std::pair<std::string, synth::CsvDialect>>& dialects) {
  size_t open = json.find('{');
  if (dialects.empty() || open == std::string::npos) return json;
  std::string member = "\n  \"csv_dialects\": {";
  for (size_t i = 0; i < dialects.size(); ++i) {
    if (i > 0) member += ", ";
    synth::append_json_string(member, dialects[i].first);
    member += ": " + synth::csv_dialect_json(dialects[i].second);
  }
  member += "}";
  size_t next = json.find_first_not_of(" \t\r\n", open + 1);
  if (next != std::string::npos && json[next] != '}') member += ",";
  json.insert(open + 1, member);
  return json;
}

}  // namespace hyv::native
