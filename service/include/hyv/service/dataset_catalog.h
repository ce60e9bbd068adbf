// DatasetCatalog: datasets' manifests and their users' ratings, kept in a Store.
//
// Keys:  dataset/<id>           -> manifest JSON (dataset_manifest.h)
//        rating/<id>/<user_id>  -> {"stars": 1..5, "at_ms": <time given by the host>}
// Ids never contain '/', so "rating/<id>/" lists exactly one dataset's ratings.
// The catalog assumes one writer at a time (the host serialises mutating calls); every
// mutation is one store write or one atomic batch, so a crash never leaves half of it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hyv/service/dataset_manifest.h"
#include "hyv/service/ranking.h"
#include "hyv/service/store.h"

namespace hyv::service {

struct DatasetFilter {
  std::optional<DataType> type;
  std::optional<std::string> model_id;
  std::optional<std::string> tag;
  std::optional<double> min_quality;  // datasets without a quality score never pass
};

struct DatasetEntry {
  DatasetManifest manifest;
  RatingSummary ratings;
  double rank = 0;
};

class DatasetCatalog {
 public:
  explicit DatasetCatalog(Store& store) : store_(store) {}

  // Validates and adds a manifest; an id already present is an error.
  Status create(const DatasetManifest& m);
  // Validates and replaces an existing manifest (e.g. when generation finishes).
  Status update(const DatasetManifest& m);
  // nullopt when there is no such dataset.
  Result<std::optional<DatasetManifest>> get(std::string_view id) const;
  // Removes the manifest and its ratings in one batch; false when there was no such dataset.
  Result<bool> remove(std::string_view id);
  // Matching datasets, best rank first; ties: newer first, then by id.
  Result<std::vector<DatasetEntry>> list(const DatasetFilter& filter = {}) const;

  // A user's rating of 1..5 stars; rating again replaces the earlier one.
  Status rate(std::string_view dataset_id, std::string_view user_id, int stars, int64_t now_ms);
  // The user's current stars, nullopt if they have not rated the dataset.
  Result<std::optional<int>> rating_of(std::string_view dataset_id, std::string_view user_id) const;
  Result<RatingSummary> ratings(std::string_view dataset_id) const;

 private:
  Result<bool> exists(std::string_view id) const;

  Store& store_;
};

}  // namespace hyv::service
