// StableStore: a Store whose every change is a record in a StableLog (stable_log.h), so it
// survives a canister upgrade; open one with open_stable_stores (stable_stores.h), which replays
// the log. Keys and values are also kept in a heap map (values are small metadata, at most
// 4 MiB), so reads never touch stable memory.
//
// put, remove and apply append one kStoreBatch record each; a batch is one record, so a batch is
// all or nothing across an interruption too. A record costs kStableRecordHeaderBytes + 4 bytes,
// plus per op 1 + 4 + key bytes (+ 4 + value bytes for a put). An overwritten or removed value
// keeps its bytes in the log (no compaction yet, see docs/service.md).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "hyv/service/memory_store.h"
#include "hyv/service/stable_log.h"
#include "hyv/service/store.h"

namespace hyv::service {

class StableStore final : public Store {
 public:
  explicit StableStore(std::shared_ptr<StableLog> log) : log_(std::move(log)) {}

  Result<std::optional<std::string>> get(std::string_view key) const override;
  Status put(std::string_view key, std::string_view value) override;
  Status remove(std::string_view key) override;
  Result<std::vector<KeyValue>> list(std::string_view prefix) const override;
  Status apply(const std::vector<StoreOp>& batch) override;

  // Re-applies a kStoreBatch record while the log is replayed.
  Status replay(const StableRecord& record);
  size_t size() const { return index_.size(); }

 private:
  std::shared_ptr<StableLog> log_;
  MemoryStore index_;  // the log's contents, for reads (no capacity: the log bounds it)
};

}  // namespace hyv::service
