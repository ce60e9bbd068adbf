#include "hyv/service/dataset_catalog.h"

#include <rapidjson/document.h>

#include <algorithm>

#include "hyv/service/json_depth.h"

namespace hyv::service {
namespace {

constexpr std::string_view kDatasetNs = "dataset";
constexpr std::string_view kRatingNs = "rating";

std::string dataset_key(std::string_view id) {
  return make_key(kDatasetNs, {id});
}
std::string ratings_prefix(std::string_view id) {
  return make_key(kRatingNs, {id, ""});
}
std::string rating_key(std::string_view id, std::string_view user) {
  return make_key(kRatingNs, {id, user});
}

Status check_id(std::string_view what, std::string_view id) {
  if (valid_id(id)) return Status::Ok();
  return Status::Error(std::string(what) + " '" + std::string(id) +
                       "' is not 1 to 64 of A-Z a-z 0-9 . _ -, not starting with '.'");
}

// Reads the stars of a stored rating; a broken record is an error naming its key.
Result<int> parse_stars(const std::string& key, const std::string& value) {
  rapidjson::Document d;
  bool shallow = check_json_depth(value, key).ok();
  if (shallow) d.Parse(value.data(), value.size());
  if (shallow && !d.HasParseError() && d.IsObject()) {
    auto it = d.FindMember("stars");
    if (it != d.MemberEnd() && it->value.IsInt() && it->value.GetInt() >= 1 &&
        it->value.GetInt() <= 5) {
      return it->value.GetInt();
    }
  }
  return Status::Error("stored rating '" + key + "' is damaged: expected {\"stars\": 1..5}");
}

bool matches(const DatasetManifest& m, const DatasetFilter& f) {
  if (f.type && m.type != *f.type) return false;
  if (f.model_id && m.model_id != *f.model_id) return false;
  if (f.tag && std::find(m.tags.begin(), m.tags.end(), *f.tag) == m.tags.end()) return false;
  if (f.min_quality && !(m.quality_score && *m.quality_score >= *f.min_quality)) return false;
  return true;
}

bool ranks_before(const DatasetEntry& a, const DatasetEntry& b) {
  if (a.rank != b.rank) return a.rank > b.rank;
  if (a.manifest.created_at_ms != b.manifest.created_at_ms) {
    return a.manifest.created_at_ms > b.manifest.created_at_ms;
  }
  return a.manifest.id < b.manifest.id;
}

}  // namespace

Result<bool> DatasetCatalog::exists(std::string_view id) const {
  Result<std::optional<std::string>> r = store_.get(dataset_key(id));
  if (!r.ok()) return r.status();
  return r.value().has_value();
}

Status DatasetCatalog::create(const DatasetManifest& m) {
  HYV_RETURN_IF_ERROR(validate_manifest(m));
  Result<bool> found = exists(m.id);
  if (!found.ok()) return found.status();
  if (found.value()) return Status::Error("dataset '" + m.id + "' already exists");
  return store_.put(dataset_key(m.id), dataset_manifest_to_json(m));
}

Status DatasetCatalog::update(const DatasetManifest& m) {
  HYV_RETURN_IF_ERROR(validate_manifest(m));
  Result<bool> found = exists(m.id);
  if (!found.ok()) return found.status();
  if (!found.value()) return Status::Error("no dataset '" + m.id + "' to update");
  return store_.put(dataset_key(m.id), dataset_manifest_to_json(m));
}

Result<std::optional<DatasetManifest>> DatasetCatalog::get(std::string_view id) const {
  HYV_RETURN_IF_ERROR(check_id("dataset id", id));
  std::string key = dataset_key(id);
  Result<std::optional<std::string>> r = store_.get(key);
  if (!r.ok()) return r.status();
  if (!r.value()) return std::optional<DatasetManifest>();
  Result<DatasetManifest> m = dataset_manifest_from_json(*r.value());
  if (!m.ok()) return m.status().with_context("stored " + key);
  return std::optional<DatasetManifest>(std::move(m).value());
}

Result<bool> DatasetCatalog::remove(std::string_view id) {
  HYV_RETURN_IF_ERROR(check_id("dataset id", id));
  Result<bool> found = exists(id);
  if (!found.ok() || !found.value()) return found;
  Result<std::vector<KeyValue>> rated = store_.list(ratings_prefix(id));
  if (!rated.ok()) return rated.status();
  std::vector<StoreOp> batch{StoreOp::Remove(dataset_key(id))};
  for (const KeyValue& kv : rated.value()) batch.push_back(StoreOp::Remove(kv.first));
  HYV_RETURN_IF_ERROR(store_.apply(batch));
  return true;
}

Result<std::vector<DatasetEntry>> DatasetCatalog::list(const DatasetFilter& filter) const {
  Result<std::vector<KeyValue>> stored = store_.list(make_key(kDatasetNs, {""}));
  if (!stored.ok()) return stored.status();
  std::vector<DatasetEntry> out;
  for (const KeyValue& kv : stored.value()) {
    Result<DatasetManifest> m = dataset_manifest_from_json(kv.second);
    if (!m.ok()) return m.status().with_context("stored " + kv.first);
    if (!matches(m.value(), filter)) continue;
    DatasetEntry e;
    e.manifest = std::move(m).value();
    Result<RatingSummary> r = ratings(e.manifest.id);
    if (!r.ok()) return r.status();
    e.ratings = r.value();
    e.rank = rank_score(e.manifest.quality_score, e.ratings);
    out.push_back(std::move(e));
  }
  std::sort(out.begin(), out.end(), ranks_before);
  return out;
}

Status DatasetCatalog::rate(std::string_view dataset_id, std::string_view user_id, int stars,
                            int64_t now_ms) {
  HYV_RETURN_IF_ERROR(check_id("dataset id", dataset_id));
  HYV_RETURN_IF_ERROR(check_id("user id", user_id));
  if (stars < 1 || stars > 5) {
    return Status::Error("rating must be 1 to 5 stars, got " + std::to_string(stars));
  }
  Result<bool> found = exists(dataset_id);
  if (!found.ok()) return found.status();
  if (!found.value()) return Status::Error("no dataset '" + std::string(dataset_id) + "' to rate");
  std::string value =
      "{\"stars\":" + std::to_string(stars) + ",\"at_ms\":" + std::to_string(now_ms) + "}";
  return store_.put(rating_key(dataset_id, user_id), value);
}

Result<std::optional<int>> DatasetCatalog::rating_of(std::string_view dataset_id,
                                                     std::string_view user_id) const {
  HYV_RETURN_IF_ERROR(check_id("dataset id", dataset_id));
  HYV_RETURN_IF_ERROR(check_id("user id", user_id));
  std::string key = rating_key(dataset_id, user_id);
  Result<std::optional<std::string>> r = store_.get(key);
  if (!r.ok()) return r.status();
  if (!r.value()) return std::optional<int>();
  Result<int> stars = parse_stars(key, *r.value());
  if (!stars.ok()) return stars.status();
  return std::optional<int>(stars.value());
}

Result<RatingSummary> DatasetCatalog::ratings(std::string_view dataset_id) const {
  HYV_RETURN_IF_ERROR(check_id("dataset id", dataset_id));
  Result<std::vector<KeyValue>> rated = store_.list(ratings_prefix(dataset_id));
  if (!rated.ok()) return rated.status();
  RatingSummary s;
  for (const KeyValue& kv : rated.value()) {
    Result<int> stars = parse_stars(kv.first, kv.second);
    if (!stars.ok()) return stars.status();
    ++s.count;
    s.stars_sum += static_cast<uint64_t>(stars.value());
  }
  return s;
}

}  // namespace hyv::service
