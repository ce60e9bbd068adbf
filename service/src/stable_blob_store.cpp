#include "hyv/service/stable_blob_store.h"

#include <algorithm>
#include <array>
#include <vector>

#include "hyv/sha256.h"

namespace hyv::service {
namespace {

// sha256 streams a blob through a buffer this big instead of reading it whole.
constexpr uint64_t kHashChunkBytes = 64 * 1024;

Status not_found(std::string_view name) {
  return Status::Error(StatusCode::kNotFound, "blob '" + std::string(name) + "' not found");
}

Status damaged(const StableRecord& record, const Status& why) {
  return Status::Error(StatusCode::kInternal, "stable memory: blob record at offset " +
                                                  std::to_string(record.address) + ": " +
                                                  why.message() + " (damaged stable memory)");
}

std::string hex(const std::array<uint8_t, 32>& digest) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : digest) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

}  // namespace

Status StableBlobStore::check_write(std::string_view name, uint64_t offset) const {
  HYV_RETURN_IF_ERROR(validate_blob_name(name));
  auto it = blobs_.find(name);
  uint64_t size = it == blobs_.end() ? 0 : it->second.size();
  if (offset <= size) return Status::Ok();
  return Status::Error(StatusCode::kInvalidArgument,
                       "blob '" + std::string(name) + "': write at offset " +
                           std::to_string(offset) + " past its end (" + std::to_string(size) +
                           " bytes)");
}

Status StableBlobStore::write(std::string_view name, uint64_t offset, std::string_view bytes) {
  HYV_RETURN_IF_ERROR(check_write(name, offset));
  Result<uint64_t> address = log_->append(StableRecordKind::kBlobWrite, offset, name, bytes);
  if (!address.ok()) return address.status().with_context("blob '" + std::string(name) + "'");
  apply_write(name, offset, address.value(), bytes.size());
  return Status::Ok();
}

void StableBlobStore::apply_write(std::string_view name, uint64_t offset, uint64_t address,
                                  uint64_t bytes) {
  auto it = blobs_.find(name);
  if (it == blobs_.end()) it = blobs_.emplace(std::string(name), BlobExtents()).first;
  it->second.put(offset, address, bytes);
}

Result<std::string> StableBlobStore::read(std::string_view name, uint64_t offset,
                                          uint64_t max_bytes) const {
  auto it = blobs_.find(name);
  if (it == blobs_.end()) return not_found(name);
  const BlobExtents& blob = it->second;
  if (offset >= blob.size()) return std::string();
  uint64_t wanted = std::min(max_bytes, blob.size() - offset);
  // A wasm32 heap cannot hold a read of 4 GiB or more; stable memory can hold such a blob.
  if (wanted > SIZE_MAX) {
    return Status::Error(StatusCode::kTooLarge, "blob '" + std::string(name) + "': a read of " +
                                                    std::to_string(wanted) + " bytes at once");
  }
  std::string out(static_cast<size_t>(wanted), '\0');
  size_t at = 0;
  blob.visit(offset, out.size(), [&](uint64_t address, uint64_t bytes) {
    log_->read(address, {reinterpret_cast<uint8_t*>(out.data()) + at, static_cast<size_t>(bytes)});
    at += static_cast<size_t>(bytes);
  });
  return out;
}

Result<std::optional<uint64_t>> StableBlobStore::size(std::string_view name) const {
  auto it = blobs_.find(name);
  if (it == blobs_.end()) return std::optional<uint64_t>();
  return std::optional<uint64_t>(it->second.size());
}

Result<std::string> StableBlobStore::sha256(std::string_view name) const {
  auto it = blobs_.find(name);
  if (it == blobs_.end()) return not_found(name);
  Sha256 hash;
  std::vector<uint8_t> chunk;
  it->second.visit(0, it->second.size(), [&](uint64_t address, uint64_t bytes) {
    for (uint64_t done = 0; done < bytes;) {
      chunk.resize(static_cast<size_t>(std::min(kHashChunkBytes, bytes - done)));
      log_->read(address + done, chunk);
      hash.update(chunk);
      done += chunk.size();
    }
  });
  return hex(hash.finish());
}

Status StableBlobStore::commit(std::string_view from, std::string_view to) {
  HYV_RETURN_IF_ERROR(validate_blob_name(to));
  if (blobs_.find(from) == blobs_.end()) return not_found(from);
  Result<uint64_t> appended = log_->append(StableRecordKind::kBlobCommit, 0, from, to);
  if (!appended.ok()) return appended.status().with_context("blob '" + std::string(from) + "'");
  apply_commit(from, to);
  return Status::Ok();
}

void StableBlobStore::apply_commit(std::string_view from, std::string_view to) {
  auto it = blobs_.find(from);
  BlobExtents moved = std::move(it->second);
  blobs_.erase(it);
  blobs_.insert_or_assign(std::string(to), std::move(moved));
}

Status StableBlobStore::remove(std::string_view name) {
  auto it = blobs_.find(name);
  if (it == blobs_.end()) return Status::Ok();
  Result<uint64_t> appended = log_->append(StableRecordKind::kBlobRemove, 0, name, {});
  if (!appended.ok()) return appended.status().with_context("blob '" + std::string(name) + "'");
  blobs_.erase(it);
  return Status::Ok();
}

Result<std::vector<std::string>> StableBlobStore::list(std::string_view prefix) const {
  std::vector<std::string> names;
  for (auto it = blobs_.lower_bound(prefix); it != blobs_.end(); ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    names.push_back(it->first);
  }
  return names;
}

Status StableBlobStore::replay(const StableRecord& record) {
  switch (record.kind) {
    case StableRecordKind::kBlobWrite:
      return replay_write(record);
    case StableRecordKind::kBlobCommit:
      return replay_commit(record);
    case StableRecordKind::kBlobRemove:
      if (auto it = blobs_.find(record.key); it != blobs_.end()) blobs_.erase(it);
      return Status::Ok();
    case StableRecordKind::kStoreBatch:
      break;
  }
  return damaged(record, Status::Error("not a blob record"));
}

Status StableBlobStore::replay_write(const StableRecord& record) {
  Status valid = check_write(record.key, record.arg);
  if (!valid.ok()) return damaged(record, valid);
  apply_write(record.key, record.arg, record.payload_address, record.payload_bytes);
  return Status::Ok();
}

Status StableBlobStore::replay_commit(const StableRecord& record) {
  Result<std::string> to = log_->read_payload(record);
  if (!to.ok()) return to.status();
  Status valid = validate_blob_name(to.value());
  if (valid.ok() && blobs_.find(record.key) == blobs_.end()) valid = not_found(record.key);
  if (!valid.ok()) return damaged(record, valid);
  apply_commit(record.key, to.value());
  return Status::Ok();
}

}  // namespace hyv::service
