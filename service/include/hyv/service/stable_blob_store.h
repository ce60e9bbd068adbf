// StableBlobStore: a BlobStore whose bytes live only in a StableLog (stable_log.h), so blobs
// survive a canister upgrade; open one with open_stable_stores (stable_stores.h). The heap holds
// just an index: per blob, which log extents make up its bytes (blob_extents.h).
//
// write appends a kBlobWrite record holding the bytes (kStableRecordHeaderBytes + name bytes of
// overhead per call, so large chunks cost little); commit and remove append a small record.
// commit is one record, so it is atomic across an interruption. Replaying the log on open reads
// record headers and names, never blob bytes. Overwritten and removed bytes stay in the log (no
// compaction yet, see docs/service.md).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "hyv/service/blob_extents.h"
#include "hyv/service/blob_store.h"
#include "hyv/service/stable_log.h"

namespace hyv::service {

class StableBlobStore final : public BlobStore {
 public:
  explicit StableBlobStore(std::shared_ptr<StableLog> log) : log_(std::move(log)) {}

  Status write(std::string_view name, uint64_t offset, std::string_view bytes) override;
  Result<std::string> read(std::string_view name, uint64_t offset,
                           uint64_t max_bytes) const override;
  Result<std::optional<uint64_t>> size(std::string_view name) const override;
  Result<std::string> sha256(std::string_view name) const override;
  Status commit(std::string_view from, std::string_view to) override;
  Status remove(std::string_view name) override;
  Result<std::vector<std::string>> list(std::string_view prefix) const override;

  // Re-applies a kBlobWrite, kBlobCommit or kBlobRemove record while the log is replayed.
  Status replay(const StableRecord& record);
  size_t count() const { return blobs_.size(); }

 private:
  Status check_write(std::string_view name, uint64_t offset) const;
  void apply_write(std::string_view name, uint64_t offset, uint64_t address, uint64_t bytes);
  void apply_commit(std::string_view from, std::string_view to);
  Status replay_write(const StableRecord& record);
  Status replay_commit(const StableRecord& record);

  std::shared_ptr<StableLog> log_;
  std::map<std::string, BlobExtents, std::less<>> blobs_;
};

}  // namespace hyv::service
