#include "hyv/service/stable_store.h"

#include "store_batch_codec.h"

namespace hyv::service {

Result<std::optional<std::string>> StableStore::get(std::string_view key) const {
  HYV_RETURN_IF_ERROR(validate_key(key));
  auto it = map_.find(key);
  if (it == map_.end()) return std::optional<std::string>();
  return std::optional<std::string>(it->second);
}

Status StableStore::put(std::string_view key, std::string_view value) {
  return apply({StoreOp::Put(std::string(key), std::string(value))});
}

Status StableStore::remove(std::string_view key) {
  return apply({StoreOp::Remove(std::string(key))});
}

Result<std::vector<KeyValue>> StableStore::list(std::string_view prefix) const {
  std::vector<KeyValue> out;
  for (auto it = map_.lower_bound(prefix); it != map_.end(); ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    out.emplace_back(it->first, it->second);
  }
  return out;
}

Status StableStore::apply(const std::vector<StoreOp>& batch) {
  HYV_RETURN_IF_ERROR(validate_batch(batch));
  Result<uint64_t> appended =
      log_->append(StableRecordKind::kStoreBatch, 0, {}, encode_store_batch(batch));
  if (!appended.ok()) return appended.status();
  apply_to_map(batch);
  return Status::Ok();
}

Status StableStore::replay(const StableRecord& record) {
  Result<std::string> payload = log_->read_payload(record);
  if (!payload.ok()) return payload.status();
  Result<std::vector<StoreOp>> batch = decode_store_batch(payload.value());
  if (batch.ok()) {
    Status valid = validate_batch(batch.value());
    if (!valid.ok()) batch = valid;
  }
  if (!batch.ok()) {
    return batch.status().with_context("stable memory: store batch at offset " +
                                       std::to_string(record.address));
  }
  apply_to_map(batch.value());
  return Status::Ok();
}

void StableStore::apply_to_map(const std::vector<StoreOp>& batch) {
  for (const StoreOp& op : batch) {
    if (op.kind == StoreOp::Kind::kPut) {
      map_.insert_or_assign(op.key, op.value);
    } else {
      auto it = map_.find(op.key);
      if (it != map_.end()) map_.erase(it);
    }
  }
}

}  // namespace hyv::service
