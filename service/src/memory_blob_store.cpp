#include "hyv/service/memory_blob_store.h"

namespace hyv::service {
namespace {

Status not_found(std::string_view name) {
  return Status::Error(StatusCode::kNotFound, "blob '" + std::string(name) + "' not found");
}

}  // namespace

Status MemoryBlobStore::write(std::string_view name, uint64_t offset, std::string_view bytes) {
  HYV_RETURN_IF_ERROR(validate_blob_name(name));
  auto it = blobs_.find(name);
  uint64_t size = it == blobs_.end() ? 0 : it->second.size();
  if (offset > size) {
    return Status::Error(StatusCode::kInvalidArgument,
                         "blob '" + std::string(name) + "': write at offset " +
                             std::to_string(offset) + " past its end (" + std::to_string(size) +
                             " bytes)");
  }
  if (it == blobs_.end()) it = blobs_.emplace(std::string(name), std::string()).first;
  std::string& blob = it->second;
  if (offset + bytes.size() > blob.size()) blob.resize(offset + bytes.size());
  blob.replace(offset, bytes.size(), bytes);
  return Status::Ok();
}

Result<std::string> MemoryBlobStore::read(std::string_view name, uint64_t offset,
                                          uint64_t max_bytes) const {
  auto it = blobs_.find(name);
  if (it == blobs_.end()) return not_found(name);
  if (offset >= it->second.size()) return std::string();
  return it->second.substr(offset, max_bytes);
}

Result<std::optional<uint64_t>> MemoryBlobStore::size(std::string_view name) const {
  auto it = blobs_.find(name);
  if (it == blobs_.end()) return std::optional<uint64_t>();
  return std::optional<uint64_t>(it->second.size());
}

Result<std::string> MemoryBlobStore::sha256(std::string_view name) const {
  auto it = blobs_.find(name);
  if (it == blobs_.end()) return not_found(name);
  return sha256_hex(it->second);
}

Status MemoryBlobStore::commit(std::string_view from, std::string_view to) {
  HYV_RETURN_IF_ERROR(validate_blob_name(to));
  auto it = blobs_.find(from);
  if (it == blobs_.end()) return not_found(from);
  std::string bytes = std::move(it->second);
  blobs_.erase(it);
  blobs_.insert_or_assign(std::string(to), std::move(bytes));
  return Status::Ok();
}

Status MemoryBlobStore::remove(std::string_view name) {
  auto it = blobs_.find(name);
  if (it != blobs_.end()) blobs_.erase(it);
  return Status::Ok();
}

Result<std::vector<std::string>> MemoryBlobStore::list(std::string_view prefix) const {
  std::vector<std::string> names;
  for (auto it = blobs_.lower_bound(prefix); it != blobs_.end(); ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    names.push_back(it->first);
  }
  return names;
}

}  // namespace hyv::service
