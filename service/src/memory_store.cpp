#include "hyv/service/memory_store.h"

namespace hyv::service {

Result<std::optional<std::string>> MemoryStore::get(std::string_view key) const {
  HYV_RETURN_IF_ERROR(validate_key(key));
  auto it = map_.find(key);
  if (it == map_.end()) return std::optional<std::string>();
  return std::optional<std::string>(it->second);
}

Status MemoryStore::put(std::string_view key, std::string_view value) {
  return apply({StoreOp::Put(std::string(key), std::string(value))});
}

Status MemoryStore::remove(std::string_view key) {
  return apply({StoreOp::Remove(std::string(key))});
}

Result<std::vector<KeyValue>> MemoryStore::list(std::string_view prefix) const {
  std::vector<KeyValue> out;
  for (auto it = map_.lower_bound(prefix); it != map_.end(); ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    out.emplace_back(it->first, it->second);
  }
  return out;
}

Result<size_t> MemoryStore::bytes_after(const std::vector<StoreOp>& batch) const {
  // The final size of each touched key decides the total, whatever the order of ops.
  std::map<std::string_view, std::optional<size_t>> last;
  for (const StoreOp& op : batch) {
    last[op.key] = op.kind == StoreOp::Kind::kPut
                       ? std::optional<size_t>(op.key.size() + op.value.size())
                       : std::nullopt;
  }
  size_t used = used_;
  for (const auto& [key, size] : last) {
    auto it = map_.find(key);
    if (it != map_.end()) used -= it->first.size() + it->second.size();
    if (size) used += *size;
  }
  if (used > capacity_) {
    return Status::Error("store is full: the write needs " + std::to_string(used) +
                         " bytes, capacity is " + std::to_string(capacity_));
  }
  return used;
}

Status MemoryStore::apply(const std::vector<StoreOp>& batch) {
  HYV_RETURN_IF_ERROR(validate_batch(batch));
  Result<size_t> used = bytes_after(batch);
  if (!used.ok()) return used.status();
  // Nothing below can fail, so the batch is all or nothing.
  for (const StoreOp& op : batch) {
    if (op.kind == StoreOp::Kind::kPut) {
      map_.insert_or_assign(op.key, op.value);
    } else {
      auto it = map_.find(op.key);
      if (it != map_.end()) map_.erase(it);
    }
  }
  used_ = used.value();
  return Status::Ok();
}

}  // namespace hyv::service
