#include "hyv/service/stable_store.h"

#include "store_batch_codec.h"

namespace hyv::service {

Result<std::optional<std::string>> StableStore::get(std::string_view key) const {
  return index_.get(key);
}

Status StableStore::put(std::string_view key, std::string_view value) {
  return apply({StoreOp::Put(std::string(key), std::string(value))});
}

Status StableStore::remove(std::string_view key) {
  return apply({StoreOp::Remove(std::string(key))});
}

Result<std::vector<KeyValue>> StableStore::list(std::string_view prefix) const {
  return index_.list(prefix);
}

Status StableStore::apply(const std::vector<StoreOp>& batch) {
  HYV_RETURN_IF_ERROR(validate_batch(batch));
  Result<uint64_t> appended =
      log_->append(StableRecordKind::kStoreBatch, 0, {}, encode_store_batch(batch));
  if (!appended.ok()) return appended.status();
  return index_.apply(batch);
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
  return index_.apply(batch.value());
}

}  // namespace hyv::service
