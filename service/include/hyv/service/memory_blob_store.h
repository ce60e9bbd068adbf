// MemoryBlobStore: a BlobStore in an ordered map, for tests (and small canister deployments).
// commit is a map move, so it is trivially atomic.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "hyv/service/blob_store.h"

namespace hyv::service {

class MemoryBlobStore final : public BlobStore {
 public:
  Status write(std::string_view name, uint64_t offset, std::string_view bytes) override;
  Result<std::string> read(std::string_view name, uint64_t offset,
                           uint64_t max_bytes) const override;
  Result<std::optional<uint64_t>> size(std::string_view name) const override;
  Result<std::string> sha256(std::string_view name) const override;
  Status commit(std::string_view from, std::string_view to) override;
  Status remove(std::string_view name) override;
  Result<std::vector<std::string>> list(std::string_view prefix) const override;

  size_t count() const { return blobs_.size(); }

 private:
  std::map<std::string, std::string, std::less<>> blobs_;
};

}  // namespace hyv::service
