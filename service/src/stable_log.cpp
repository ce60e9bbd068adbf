#include "hyv/service/stable_log.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

#include "crc32.h"
#include "hyv/bytes.h"
#include "little_endian.h"

namespace hyv::service {
namespace {

constexpr char kMagic[8] = {'H', 'Y', 'V', 'S', 'T', 'B', 'L', '1'};
constexpr size_t kHeaderCrcAt = 60;
// Payloads are checked in pieces so verify() needs no buffer the size of a blob.
constexpr uint64_t kVerifyChunkBytes = 64 * 1024;

using HeaderBytes = std::array<uint8_t, kStableLogHeaderBytes>;
using RecordHeaderBytes = std::array<uint8_t, kStableRecordHeaderBytes>;

Status damaged(uint64_t address, const std::string& why) {
  return Status::Error(StatusCode::kInternal, "stable memory: record at offset " +
                                                  std::to_string(address) + " " + why +
                                                  " (damaged stable memory)");
}

Status refused(const std::string& why) {
  return Status::Error(StatusCode::kInternal, "stable memory: " + why);
}

bool all_zero(std::span<const uint8_t> bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](uint8_t b) { return b == 0; });
}

RecordHeaderBytes encode_record_header(StableRecordKind kind, uint64_t arg, std::string_view key,
                                       std::string_view payload) {
  RecordHeaderBytes h{};
  h[4] = static_cast<uint8_t>(kind);
  put_le<uint32_t>(&h[8], static_cast<uint32_t>(key.size()));
  put_le<uint32_t>(&h[12], crc32(as_bytes(payload)));
  put_le<uint64_t>(&h[16], payload.size());
  put_le<uint64_t>(&h[24], arg);
  put_le<uint32_t>(&h[0], crc32(as_bytes(key), crc32(std::span(h).subspan(4))));
  return h;
}

}  // namespace

Result<StableLog> StableLog::open(std::shared_ptr<StableMemory> memory) {
  StableLog log(std::move(memory));
  Status s = log.load_header();
  if (!s.ok()) return s;
  return log;
}

Status StableLog::load_header() {
  if (memory_->size_bytes() == 0) return format();
  if (memory_->size_bytes() < kStableLogHeaderBytes) {
    return refused("holds " + std::to_string(memory_->size_bytes()) +
                   " bytes, too few for the store's header; refusing to format it");
  }
  HeaderBytes h;
  memory_->read(0, h);
  if (all_zero(h)) return format();
  if (std::memcmp(h.data(), kMagic, sizeof kMagic) != 0) {
    return refused(
        "no HYVSTBL1 header at offset 0 (another layout's data?); refusing to format it");
  }
  uint32_t version = get_le<uint32_t>(&h[8]);
  if (version > kStableLayoutVersion) {
    return refused("layout version " + std::to_string(version) +
                   " is newer than this build reads (" + std::to_string(kStableLayoutVersion) +
                   "); upgrade to a build that knows it");
  }
  if (version == 0) return refused("layout version 0 is not a valid version");
  if (get_le<uint32_t>(&h[kHeaderCrcAt]) != crc32(std::span(h).first(kHeaderCrcAt))) {
    return refused("header checksum mismatch at offset 0 (damaged stable memory)");
  }
  end_ = get_le<uint64_t>(&h[16]);
  records_ = get_le<uint64_t>(&h[24]);
  if (end_ < kStableLogHeaderBytes || end_ > memory_->size_bytes()) {
    return refused("header's end of log " + std::to_string(end_) + " lies outside the memory (" +
                   std::to_string(memory_->size_bytes()) + " bytes)");
  }
  return Status::Ok();
}

Status StableLog::format() {
  if (!memory_->grow_to(kStableLogHeaderBytes)) return refused("cannot grow to hold the header");
  write_header(kStableLogHeaderBytes, 0);
  return Status::Ok();
}

void StableLog::write_header(uint64_t end, uint64_t records) {
  HeaderBytes h{};
  std::memcpy(h.data(), kMagic, sizeof kMagic);
  put_le<uint32_t>(&h[8], kStableLayoutVersion);
  put_le<uint64_t>(&h[16], end);
  put_le<uint64_t>(&h[24], records);
  put_le<uint32_t>(&h[kHeaderCrcAt], crc32(std::span(h).first(kHeaderCrcAt)));
  memory_->write(0, h);
  end_ = end;
  records_ = records;
}

Result<uint64_t> StableLog::append(StableRecordKind kind, uint64_t arg, std::string_view key,
                                   std::string_view payload) {
  if (key.size() > kMaxStableKeyBytes) return refused("record key over 4096 bytes");
  uint64_t bytes = kStableRecordHeaderBytes + key.size();
  if (payload.size() > UINT64_MAX - end_ - bytes) return refused("log would pass 2^64 bytes");
  uint64_t new_end = end_ + bytes + payload.size();
  if (!memory_->grow_to(new_end)) {
    return refused("out of stable memory: the write needs " + std::to_string(new_end) +
                   " bytes, the memory cannot grow past " + std::to_string(memory_->size_bytes()));
  }
  memory_->write(end_, encode_record_header(kind, arg, key, payload));
  memory_->write(end_ + kStableRecordHeaderBytes, as_bytes(key));
  uint64_t payload_address = end_ + bytes;
  memory_->write(payload_address, as_bytes(payload));
  // Last, so a call that stops before this line leaves the record outside the log.
  write_header(new_end, records_ + 1);
  return payload_address;
}

Result<StableRecord> StableLog::record_at(uint64_t address) const {
  if (end_ - address < kStableRecordHeaderBytes) return damaged(address, "runs past the log's end");
  RecordHeaderBytes h;
  memory_->read(address, h);
  StableRecord r;
  r.address = address;
  uint32_t key_bytes = get_le<uint32_t>(&h[8]);
  r.payload_crc = get_le<uint32_t>(&h[12]);
  r.payload_bytes = get_le<uint64_t>(&h[16]);
  r.arg = get_le<uint64_t>(&h[24]);
  uint64_t room = end_ - address - kStableRecordHeaderBytes;
  if (key_bytes > kMaxStableKeyBytes || key_bytes > room || r.payload_bytes > room - key_bytes) {
    return damaged(address, "runs past the log's end");
  }
  r.key.resize(key_bytes);
  memory_->read(address + kStableRecordHeaderBytes,
                {reinterpret_cast<uint8_t*>(r.key.data()), r.key.size()});
  if (get_le<uint32_t>(&h[0]) != crc32(as_bytes(r.key), crc32(std::span(h).subspan(4)))) {
    return damaged(address, "fails its header checksum");
  }
  uint8_t kind = h[4];
  if (kind < static_cast<uint8_t>(StableRecordKind::kStoreBatch) ||
      kind > static_cast<uint8_t>(StableRecordKind::kBlobRemove)) {
    return damaged(address, "has unknown kind " + std::to_string(kind));
  }
  r.kind = static_cast<StableRecordKind>(kind);
  r.payload_address = address + kStableRecordHeaderBytes + key_bytes;
  return r;
}

Status StableLog::for_each(const std::function<Status(const StableRecord&)>& visit) const {
  uint64_t address = kStableLogHeaderBytes;
  uint64_t seen = 0;
  while (address < end_) {
    Result<StableRecord> r = record_at(address);
    if (!r.ok()) return r.status();
    HYV_RETURN_IF_ERROR(visit(r.value()));
    address = r.value().payload_address + r.value().payload_bytes;
    ++seen;
  }
  if (seen != records_) {
    return refused("header counts " + std::to_string(records_) + " records, the log holds " +
                   std::to_string(seen) + " (damaged stable memory)");
  }
  return Status::Ok();
}

Result<std::string> StableLog::read_payload(const StableRecord& record) const {
  if (record.payload_bytes > SIZE_MAX) return damaged(record.address, "is too big to read");
  std::string payload(static_cast<size_t>(record.payload_bytes), '\0');
  memory_->read(record.payload_address,
                {reinterpret_cast<uint8_t*>(payload.data()), payload.size()});
  if (crc32(as_bytes(payload)) != record.payload_crc) {
    return damaged(record.address, "fails its payload checksum");
  }
  return payload;
}

Status StableLog::verify() const {
  std::vector<uint8_t> chunk;
  return for_each([&](const StableRecord& r) {
    uint32_t crc = 0;
    for (uint64_t done = 0; done < r.payload_bytes;) {
      chunk.resize(static_cast<size_t>(std::min(kVerifyChunkBytes, r.payload_bytes - done)));
      memory_->read(r.payload_address + done, chunk);
      crc = crc32(chunk, crc);
      done += chunk.size();
    }
    return crc == r.payload_crc ? Status::Ok() : damaged(r.address, "fails its payload checksum");
  });
}

}  // namespace hyv::service
