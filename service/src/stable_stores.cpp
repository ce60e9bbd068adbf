#include "hyv/service/stable_stores.h"

namespace hyv::service {

Result<StableStores> open_stable_stores(std::shared_ptr<StableMemory> memory) {
  Result<StableLog> log = StableLog::open(std::move(memory));
  if (!log.ok()) return log.status();
  StableStores state;
  state.log = std::make_shared<StableLog>(std::move(log).value());
  state.store = std::make_unique<StableStore>(state.log);
  state.blobs = std::make_unique<StableBlobStore>(state.log);
  Status replayed = state.log->for_each([&](const StableRecord& record) {
    return record.kind == StableRecordKind::kStoreBatch ? state.store->replay(record)
                                                        : state.blobs->replay(record);
  });
  if (!replayed.ok()) return replayed;
  return state;
}

}  // namespace hyv::service
