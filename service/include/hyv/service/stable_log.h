// StableLog: an append-only, versioned record log in a StableMemory, the one layout under the
// stable Store and BlobStore (stable_stores.h). Little-endian throughout, written field by field.
//
//   [0, 64)   header: magic "HYVSTBL1", layout version (u32), end of log (u64), record count (u64),
//             zero padding, CRC-32 of bytes [0, 60) at [60, 64)
//   [64, end) records, back to back:
//               u32 CRC-32 of the rest of the record header and the key
//               u8 kind, 3 zero bytes, u32 key bytes, u32 CRC-32 of the payload,
//               u64 payload bytes, u64 arg (what the kind says, e.g. a blob offset)
//               key bytes, payload bytes
//   [end, size) free: bytes past the header's end are never read, so a record written there by a
//             call that stopped before moving the end (a torn tail) is ignored and overwritten
//
// Appending writes the whole record, then the header with the new end: a record is either whole
// and counted, or absent. A memory that cannot grow for a record refuses the append and changes
// nothing. Opening checks the header (magic, version, checksum, end within the memory) and
// formats only a memory that is empty or all zero in its header, so another layout's data or a
// newer version is refused with a message, never reformatted. Record headers and keys are
// checked on every walk; payloads when read (read_payload) or by verify(), so a replay need not
// read blob bytes.
//
// Space is never reclaimed: an overwritten value or removed blob keeps its bytes in the log.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "hyv/service/stable_memory.h"
#include "hyv/status.h"

namespace hyv::service {

inline constexpr uint32_t kStableLayoutVersion = 1;
inline constexpr uint64_t kStableLogHeaderBytes = 64;
inline constexpr uint64_t kStableRecordHeaderBytes = 32;
// Bounds a damaged key length before anything is allocated for it; keys are store keys and blob
// names, both at most 512 bytes.
inline constexpr uint32_t kMaxStableKeyBytes = 4096;

// Every record kind of layout version 1; a new kind means a new version.
enum class StableRecordKind : uint8_t {
  kStoreBatch = 1,  // payload: the batch (stable_store.cpp)
  kBlobWrite = 2,   // key: blob name, arg: blob offset, payload: the bytes
  kBlobCommit = 3,  // key: from, payload: to
  kBlobRemove = 4,  // key: blob name
};

struct StableRecord {
  uint64_t address = 0;  // of the record header
  StableRecordKind kind = StableRecordKind::kStoreBatch;
  uint64_t arg = 0;
  std::string key;
  uint64_t payload_address = 0;
  uint64_t payload_bytes = 0;
  uint32_t payload_crc = 0;
};

class StableLog {
 public:
  // Formats an empty memory; otherwise checks its header. The log shares ownership of the memory.
  static Result<StableLog> open(std::shared_ptr<StableMemory> memory);

  // Returns the payload's address.
  Result<uint64_t> append(StableRecordKind kind, uint64_t arg, std::string_view key,
                          std::string_view payload);
  // Calls visit for each committed record in order; stops at the first error, which names the
  // record's offset when the log is damaged.
  Status for_each(const std::function<Status(const StableRecord&)>& visit) const;
  // The payload, checked against its CRC.
  Result<std::string> read_payload(const StableRecord& record) const;
  // Unchecked bytes of a record's payload (blob reads: verify() is the full check).
  void read(uint64_t address, std::span<uint8_t> out) const { memory_->read(address, out); }
  // Walks every record and checks every payload's CRC, reading all the log once.
  Status verify() const;

  uint64_t end() const { return end_; }
  uint64_t record_count() const { return records_; }

 private:
  explicit StableLog(std::shared_ptr<StableMemory> memory) : memory_(std::move(memory)) {}
  Status format();
  Status load_header();
  void write_header(uint64_t end, uint64_t records);
  Result<StableRecord> record_at(uint64_t address) const;

  std::shared_ptr<StableMemory> memory_;
  uint64_t end_ = kStableLogHeaderBytes;
  uint64_t records_ = 0;
};

}  // namespace hyv::service
