// DatasetManifest: everything needed to describe, find and regenerate one dataset.
//
// JSON form (what dataset_manifest_to_json writes and dataset_manifest_from_json reads):
//   {"id": "ds-1", "name": "...", "type": "text"|"code"|"table",
//    "model": {"id": "distilgpt2", "sha256": "<64 lowercase hex>"},
//    "params": {...every generation parameter...}, "seed": "42",
//    "created_at_ms": 1700000000000, "finished_at_ms": 1700000005000,
//    "size_bytes": 1234, "item_count": 100,
//    "quality": {"score": 0.87, "report": {...}} or null, "tags": ["a", "b"],
//    "tables": [{"name": "samples", "columns": ["index", "prompt", "text"], "rows": 5,
//                "size_bytes": 1234}]}
// "tables" (optional on reading, absent = none) lists the dataset's canonical JSONL tables, in
// order; their bytes live in the BlobStore under datasets/<id>/<name>.jsonl.
// The seed is a decimal string: it is a full uint64 and JavaScript numbers lose precision past
// 2^53. Times are milliseconds since the Unix epoch, given by the host (the core has no clock);
// finished_at_ms is 0 while the dataset is unfinished.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hyv/status.h"

namespace hyv::service {

enum class DataType { kText, kCode, kTable };

std::string_view data_type_name(DataType t);
Result<DataType> parse_data_type(std::string_view name);

inline constexpr size_t kMaxTags = 32;
inline constexpr size_t kMaxTagBytes = 64;
inline constexpr size_t kMaxNameBytes = 200;

// One table of a dataset: its canonical JSONL blob holds `rows` objects with these keys.
struct DatasetTable {
  std::string name;  // a valid blob name part (table names of a schema, "samples", "data")
  std::vector<std::string> columns;
  uint64_t rows = 0;
  uint64_t size_bytes = 0;
};

struct DatasetManifest {
  std::string id;
  std::string name;
  DataType type = DataType::kText;
  std::string model_id;
  std::string model_sha256;
  std::string params_json = "{}";  // a JSON object, kept in compact canonical form
  uint64_t seed = 0;
  int64_t created_at_ms = 0;
  int64_t finished_at_ms = 0;
  uint64_t size_bytes = 0;
  uint64_t item_count = 0;              // rows for tables, samples for text and code
  std::optional<double> quality_score;  // overall quality in [0, 1], when measured
  std::string quality_report_json;      // a JSON object, or empty when there is none
  std::vector<std::string> tags;
  std::vector<DatasetTable> tables;
};

// Ids (datasets, models, users): 1..64 of [A-Za-z0-9._-], not starting with '.'. They become
// store key parts, so they never contain '/'.
bool valid_id(std::string_view id);

// Checks every field; the message names the field.
Status validate_manifest(const DatasetManifest& m);

std::string dataset_manifest_to_json(const DatasetManifest& m);
// Parses and validates; unknown fields are refused so a typo is not silently dropped.
Result<DatasetManifest> dataset_manifest_from_json(std::string_view json);

}  // namespace hyv::service
