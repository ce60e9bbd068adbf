#include "csv_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "file_io.h"
#include "hyv/synth/json_table.h"

namespace hyv::native {

Result<synth::CsvTable> read_csv_file(const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), std::fclose);
  if (!f) return Status::Error(path + ": cannot open: " + std::strerror(errno));
  synth::CsvTableBuilder builder(path);
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

Result<synth::CsvTable> read_table_file(const std::string& path) {
  auto ends_with = [&](std::string_view suffix) {
    return path.size() >= suffix.size() &&
           path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  bool lines = ends_with(".jsonl") || ends_with(".ndjson");
  if (!lines && !ends_with(".json")) return read_csv_file(path);
  auto bytes = read_text_file(path);
  if (!bytes.ok()) return bytes.status();
  return synth::parse_json_table(bytes.value(), path, lines);
}

}  // namespace hyv::native
