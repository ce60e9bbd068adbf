// BlobStore: the byte storage under uploads, models and dataset files, kept apart from the Store
// (whose values stop at 4 MiB). The native host puts blobs in files under its data dir, the
// canister later in stable memory, tests in MemoryBlobStore (memory_blob_store.h).
//
// Names are relative paths of '/'-separated parts, each part 1..128 of [A-Za-z0-9._-] not
// starting with '.'; at most kMaxBlobNameBytes bytes. The service uses:
//   uploads/<upload id>/<file name>   a model upload being received (chunks written at offsets)
//   models/<model id>/<file name>     an uploaded model's files, once finished
//   datasets/<dataset id>/<table>.jsonl   a finished dataset's canonical tables
//   tmp/<anything>                    work in progress the host may empty at startup
//
// How a finished blob is made durable: write it under one name (tmp/ or uploads/), then
// commit(from, to) it to its final name. On the native host commit is fsync + rename + fsync of
// the directory, so after a crash `to` holds either nothing (or its old bytes) or all the new
// bytes, never part of them. Only after commit does the service record the blob in the Store.
//
// Invariants every implementation keeps:
//   - write(name, offset, bytes) with offset <= size(name) (0 for an absent blob) stores bytes at
//     [offset, offset + bytes.size()), growing the blob when it runs past the end; a write at an
//     offset past the end is refused (no holes). Writing never truncates.
//   - read of a range past the end returns what there is (possibly nothing); of an absent blob is
//     a kNotFound error.
//   - size of an absent blob is nullopt; remove of an absent blob is ok.
//   - list(prefix) returns the names starting with prefix, sorted by bytes.
//   - errors carry StatusCode kInvalidArgument (bad name/offset), kNotFound, or kInternal (I/O).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hyv/status.h"

namespace hyv::service {

inline constexpr size_t kMaxBlobNameBytes = 512;
inline constexpr size_t kMaxBlobPartBytes = 128;

class BlobStore {
 public:
  virtual ~BlobStore() = default;

  virtual Status write(std::string_view name, uint64_t offset, std::string_view bytes) = 0;
  // Up to max_bytes from offset.
  virtual Result<std::string> read(std::string_view name, uint64_t offset,
                                   uint64_t max_bytes) const = 0;
  virtual Result<std::optional<uint64_t>> size(std::string_view name) const = 0;
  // SHA-256 of the whole blob as 64 lowercase hex digits (the native host streams the file).
  virtual Result<std::string> sha256(std::string_view name) const = 0;
  // Atomically and durably renames `from` to `to`, replacing any blob named `to`.
  virtual Status commit(std::string_view from, std::string_view to) = 0;
  virtual Status remove(std::string_view name) = 0;
  virtual Result<std::vector<std::string>> list(std::string_view prefix) const = 0;
};

// Checks the name rules above; the message names the blob and the offending part.
Status validate_blob_name(std::string_view name);

// Reads a whole blob (tests and small files; refuses blobs over max_bytes with kTooLarge).
Result<std::string> read_whole_blob(const BlobStore& blobs, std::string_view name,
                                    uint64_t max_bytes = UINT64_MAX);

// Removes every blob whose name starts with prefix; returns how many.
Result<size_t> remove_blobs_under(BlobStore& blobs, std::string_view prefix);

// SHA-256 of bytes as 64 lowercase hex digits (portable; what MemoryBlobStore uses).
std::string sha256_hex(std::string_view bytes);

}  // namespace hyv::service
