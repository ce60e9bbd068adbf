#include "dataset_pages.h"

#include <algorithm>

#include "hyv/service/dataset_formats.h"

namespace hyv::generator {
namespace {

constexpr uint64_t kReadChunk = 64 * 1024;

// Keeps the converter's output bytes that fall in [offset, offset + max).
struct Window {
  uint64_t offset, max, position = 0;
  std::string data;
  bool full() const { return position >= offset + max; }
  void take(std::string_view bytes) {
    uint64_t begin = position, end = position + bytes.size();
    position = end;
    uint64_t from = std::max(begin, offset), to = std::min(end, offset + max);
    if (from < to) data.append(bytes.substr(from - begin, to - from));
  }
};

}  // namespace

Result<DatasetPage> dataset_page(const service::BlobStore& blobs, const service::DatasetManifest& m,
                                 const std::string& table, const std::string& format,
                                 uint64_t offset, uint64_t max_bytes) {
  auto f = service::parse_download_format(format);
  if (!f.ok()) return f.status();
  if (max_bytes == 0 || max_bytes > kMaxPageBytes) max_bytes = kMaxPageBytes;
  auto t = std::find_if(m.tables.begin(), m.tables.end(), [&](const service::DatasetTable& x) {
    return table.empty() || x.name == table;
  });
  if (t == m.tables.end()) {
    return Status::Error(StatusCode::kNotFound,
                         "dataset " + m.id + " has no table \"" + table + "\"");
  }
  const std::string blob = "datasets/" + m.id + "/" + t->name + ".jsonl";
  DatasetPage page;
  if (f.value() == service::DownloadFormat::kJsonl) {
    auto bytes = blobs.read(blob, offset, max_bytes);
    if (!bytes.ok()) return bytes.status();
    page.data = std::move(bytes).value();
    page.total_bytes = t->size_bytes;
    page.done = offset + page.data.size() >= t->size_bytes;
    return page;
  }
  Window w{offset, max_bytes};
  auto conv = service::FormatConverter::create(f.value(), t->columns, [&w](std::string_view b) {
    w.take(b);
    return Status::Ok();
  });
  if (!conv.ok()) return conv.status();
  uint64_t at = 0;
  while (!w.full() && at < t->size_bytes) {
    auto chunk = blobs.read(blob, at, kReadChunk);
    if (!chunk.ok()) return chunk.status();
    if (chunk.value().empty()) break;
    at += chunk.value().size();
    HYV_RETURN_IF_ERROR(conv.value()->feed(chunk.value()));
  }
  if (!w.full()) {
    HYV_RETURN_IF_ERROR(conv.value()->finish());
    page.done = w.position <= offset + max_bytes;
    if (page.done) page.total_bytes = w.position;
  }
  page.data = std::move(w.data);
  return page;
}

}  // namespace hyv::generator
