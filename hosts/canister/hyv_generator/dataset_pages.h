// Downloads in pages: bytes [offset, offset + max_bytes) of a dataset table in a download format,
// the same bytes the studio's download gives for the same dataset (service::FormatConverter
// over the table's canonical JSONL). JSONL pages are read straight from the blob; other formats
// are converted from the table's start up to the page's end, so a page costs instructions in
// proportion to its end offset (a query's 5B hold tens of MB of conversion).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "hyv/service/blob_store.h"
#include "hyv/service/dataset_manifest.h"
#include "hyv/status.h"

namespace hyv::generator {

inline constexpr uint64_t kMaxPageBytes = 2u << 20;

struct DatasetPage {
  std::string data;
  bool done = false;                    // the page reaches the end of the download
  std::optional<uint64_t> total_bytes;  // known for jsonl, and once done
};

// table empty: the dataset's first.
Result<DatasetPage> dataset_page(const service::BlobStore& blobs, const service::DatasetManifest& m,
                                 const std::string& table, const std::string& format,
                                 uint64_t offset, uint64_t max_bytes);

}  // namespace hyv::generator
