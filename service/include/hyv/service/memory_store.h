// MemoryStore: a Store kept in an ordered map. Used by tests and by the canister (whose heap is
// persisted by its host), with an optional capacity so a full store fails cleanly.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>

#include "hyv/service/store.h"

namespace hyv::service {

class MemoryStore final : public Store {
 public:
  // capacity_bytes bounds the sum of key and value sizes; a write that would exceed it fails
  // and changes nothing.
  explicit MemoryStore(size_t capacity_bytes = SIZE_MAX) : capacity_(capacity_bytes) {}

  Result<std::optional<std::string>> get(std::string_view key) const override;
  Status put(std::string_view key, std::string_view value) override;
  Status remove(std::string_view key) override;
  Result<std::vector<KeyValue>> list(std::string_view prefix) const override;
  Status apply(const std::vector<StoreOp>& batch) override;

  size_t used_bytes() const { return used_; }
  size_t size() const { return map_.size(); }

 private:
  // Bytes in use after applying batch, or an error if over capacity.
  Result<size_t> bytes_after(const std::vector<StoreOp>& batch) const;

  std::map<std::string, std::string, std::less<>> map_;
  size_t capacity_;
  size_t used_ = 0;
};

}  // namespace hyv::service
