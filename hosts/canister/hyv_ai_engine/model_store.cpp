#include "model_store.h"

#include <algorithm>
#include <cstring>

#include "hyv/ic0/api.h"

namespace hyv::canister {
namespace {

constexpr char kMagic[8] = {'H', 'Y', 'V', 'M', 'O', 'D', 'L', '1'};
constexpr uint64_t kHeaderBytes = 64;
constexpr uint64_t kEntryBytes = 256;
// Beyond any model we would load into a 4 GiB heap; keeps offset arithmetic far from overflow.
constexpr uint64_t kMaxModelBytes = uint64_t{64} << 30;

struct Header {
  char magic[8];
  uint32_t version;
  uint32_t reserved;
  uint64_t next_id;
  // The blob canister_pre_upgrade left for canister_post_upgrade (0, 0 when none).
  uint64_t upgrade_blob_offset;
  uint64_t upgrade_blob_bytes;
};
static_assert(sizeof(Header) <= 64, "the header must fit its 64 bytes");

uint64_t entry_offset(uint32_t slot) {
  return kHeaderBytes + uint64_t{slot} * kEntryBytes;
}

template <typename T>
T read_struct(uint64_t offset) {
  T value;
  ic0::stable_read(offset, {reinterpret_cast<uint8_t*>(&value), sizeof(T)});
  return value;
}

template <typename T>
void write_struct(uint64_t offset, const T& value) {
  ic0::stable_write(offset, {reinterpret_cast<const uint8_t*>(&value), sizeof(T)});
}

struct Directory {
  Header header;
  std::vector<Entry> entries;  // kMaxEntries slots
};

Directory load() {
  Directory d{read_struct<Header>(0), std::vector<Entry>(kMaxEntries)};
  for (uint32_t i = 0; i < kMaxEntries; ++i) d.entries[i] = read_struct<Entry>(entry_offset(i));
  return d;
}

void save_entry(uint32_t slot, const Entry& e) {
  // Zero the whole slot first, so the bytes after the struct stay defined across layouts.
  uint8_t bytes[kEntryBytes] = {};
  std::memcpy(bytes, &e, sizeof(Entry));
  ic0::stable_write(entry_offset(slot), bytes);
}

int find_by_id(const Directory& d, uint64_t id) {
  for (uint32_t i = 0; i < kMaxEntries; ++i) {
    if (d.entries[i].state != EntryState::Free && d.entries[i].id == id) return static_cast<int>(i);
  }
  return -1;
}

int find_by_name(const Directory& d, std::string_view name) {
  for (uint32_t i = 0; i < kMaxEntries; ++i) {
    if (d.entries[i].state != EntryState::Free && d.entries[i].name_view() == name) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

// First fit: the lowest offset at or above kDataStart where `size` bytes touch no live region.
uint64_t place(const Directory& d, uint64_t size) {
  std::vector<std::pair<uint64_t, uint64_t>> used;
  for (const Entry& e : d.entries) {
    if (e.state != EntryState::Free)
      used.emplace_back(e.data_offset, e.data_offset + e.total_bytes);
  }
  std::sort(used.begin(), used.end());
  uint64_t at = kDataStart;
  for (const auto& [begin, end] : used) {
    if (begin >= at + size) break;
    at = std::max(at, end);
  }
  return at;
}

Status check_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameBytes) {
    return Status::Error("name: must be 1 to " + std::to_string(kMaxNameBytes) + " bytes, got " +
                         std::to_string(name.size()));
  }
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) return Status::Error("name: only letters, digits, '-', '_' and '.' are allowed");
  }
  return Status::Ok();
}

ModelInfo info_of(const Entry& e) {
  ModelInfo m;
  m.name = std::string(e.name_view());
  m.id = e.id;
  m.total_bytes = e.total_bytes;
  m.received = e.received;
  m.complete = e.state == EntryState::Complete;
  std::memcpy(m.sha256.data(), e.sha256, 32);
  return m;
}

std::string hex(std::span<const uint8_t> bytes) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (uint8_t b : bytes) {
    s += digits[b >> 4];
    s += digits[b & 15];
  }
  return s;
}

}  // namespace

Status store_upgrade_blob(std::span<const uint8_t> bytes) {
  Directory d = load();
  const uint64_t at = place(d, bytes.size());
  if (!ic0::stable_ensure(at + bytes.size())) {
    return Status::Error("stable memory: cannot grow to " + std::to_string(at + bytes.size()) +
                         " bytes for the upgrade blob");
  }
  ic0::stable_write(at, bytes);
  d.header.upgrade_blob_offset = at;
  d.header.upgrade_blob_bytes = bytes.size();
  write_struct(0, d.header);
  return Status::Ok();
}

std::vector<uint8_t> take_upgrade_blob() {
  Header h = read_struct<Header>(0);
  std::vector<uint8_t> bytes(h.upgrade_blob_bytes);
  if (!bytes.empty()) ic0::stable_read(h.upgrade_blob_offset, bytes);
  h.upgrade_blob_offset = 0;
  h.upgrade_blob_bytes = 0;
  write_struct(0, h);
  return bytes;
}

Status store_open() {
  if (ic0::stable_size_bytes() == 0) {
    if (!ic0::stable_ensure(kDataStart)) return Status::Error("stable memory: cannot grow");
    Header h{};
    std::memcpy(h.magic, kMagic, sizeof(kMagic));
    h.version = kLayoutVersion;
    h.next_id = 1;
    write_struct(0, h);
    return Status::Ok();
  }
  Header h = read_struct<Header>(0);
  if (std::memcmp(h.magic, kMagic, sizeof(kMagic)) != 0 || h.version != kLayoutVersion) {
    return Status::Error("stable memory does not hold a Hyv model store of layout version " +
                         std::to_string(kLayoutVersion) + "; refusing to reinterpret it");
  }
  return Status::Ok();
}

Result<uint64_t> upload_begin(std::string_view name, uint64_t total_bytes,
                              std::span<const uint8_t> sha256, uint64_t now_ns) {
  HYV_RETURN_IF_ERROR(check_name(name));
  if (total_bytes == 0 || total_bytes > kMaxModelBytes) {
    return Status::Error("total_bytes: must be 1 to " + std::to_string(kMaxModelBytes) + ", got " +
                         std::to_string(total_bytes));
  }
  if (sha256.size() != 32) {
    return Status::Error("sha256: must be 32 bytes, got " + std::to_string(sha256.size()));
  }
  Directory d = load();
  if (int slot = find_by_name(d, name); slot >= 0) {
    const Entry& e = d.entries[static_cast<size_t>(slot)];
    return Status::Error("model '" + std::string(name) + "' " +
                         (e.state == EntryState::Complete
                              ? std::string("exists; delete it first")
                              : "is being uploaded (id " + std::to_string(e.id) +
                                    "); continue that upload or delete it"));
  }
  auto free_slot = std::find_if(d.entries.begin(), d.entries.end(),
                                [](const Entry& e) { return e.state == EntryState::Free; });
  if (free_slot == d.entries.end()) {
    return Status::Error("the store holds " + std::to_string(kMaxEntries) +
                         " models already; delete one first");
  }
  uint64_t offset = place(d, total_bytes);
  if (!ic0::stable_ensure(offset + total_bytes)) {
    return Status::Error("stable memory: cannot grow to " + std::to_string(offset + total_bytes) +
                         " bytes for this model");
  }
  Entry e;
  e.state = EntryState::Uploading;
  e.name_len = static_cast<uint32_t>(name.size());
  std::memcpy(e.name, name.data(), name.size());
  e.id = d.header.next_id;
  e.total_bytes = total_bytes;
  e.data_offset = offset;
  e.created_ns = now_ns;
  std::memcpy(e.sha256, sha256.data(), 32);
  d.header.next_id += 1;
  write_struct(0, d.header);
  save_entry(static_cast<uint32_t>(free_slot - d.entries.begin()), e);
  return e.id;
}

Result<uint64_t> upload_chunk(uint64_t id, uint64_t offset, std::span<const uint8_t> bytes) {
  if (bytes.empty() || bytes.size() > kMaxChunkBytes) {
    return Status::Error("bytes: a chunk must hold 1 to " + std::to_string(kMaxChunkBytes) +
                         " bytes, got " + std::to_string(bytes.size()));
  }
  Directory d = load();
  int slot = find_by_id(d, id);
  if (slot < 0) return Status::Error("no upload with id " + std::to_string(id));
  Entry e = d.entries[static_cast<size_t>(slot)];
  if (e.state != EntryState::Uploading) {
    return Status::Error("upload " + std::to_string(id) + " is finished already");
  }
  if (offset > e.received) {
    return Status::Error("offset: " + std::to_string(offset) +
                         " would leave a gap; the next byte " + "expected is at " +
                         std::to_string(e.received));
  }
  if (bytes.size() > e.total_bytes - offset) {
    return Status::Error("offset + size: " + std::to_string(offset + bytes.size()) +
                         " is past total_bytes " + std::to_string(e.total_bytes));
  }
  uint64_t end = offset + bytes.size();
  if (end > e.received) {
    // Only the part not received yet is written and hashed: a resent chunk changes nothing.
    std::span<const uint8_t> fresh = bytes.subspan(e.received - offset);
    ic0::stable_write(e.data_offset + e.received, fresh);
    e.hash.update(fresh);
    e.received = end;
    save_entry(static_cast<uint32_t>(slot), e);
  }
  return e.received;
}

Result<ModelInfo> upload_finish(uint64_t id) {
  Directory d = load();
  int slot = find_by_id(d, id);
  if (slot < 0) return Status::Error("no upload with id " + std::to_string(id));
  Entry e = d.entries[static_cast<size_t>(slot)];
  if (e.state == EntryState::Complete) return info_of(e);  // finishing twice is harmless
  if (e.received != e.total_bytes) {
    return Status::Error("upload " + std::to_string(id) + " has " + std::to_string(e.received) +
                         " of " + std::to_string(e.total_bytes) + " bytes");
  }
  std::array<uint8_t, 32> digest = e.hash.finish();
  if (std::memcmp(digest.data(), e.sha256, 32) != 0) {
    return Status::Error("sha256 mismatch: the bytes received hash to " + hex(digest) +
                         ", the upload announced " + hex({e.sha256, 32}) +
                         "; delete the model and upload it again");
  }
  e.state = EntryState::Complete;
  save_entry(static_cast<uint32_t>(slot), e);
  return info_of(e);
}

std::vector<ModelInfo> models_list() {
  Directory d = load();
  std::vector<ModelInfo> out;
  for (const Entry& e : d.entries) {
    if (e.state != EntryState::Free) out.push_back(info_of(e));
  }
  std::sort(out.begin(), out.end(),
            [](const ModelInfo& a, const ModelInfo& b) { return a.name < b.name; });
  return out;
}

Status model_delete(std::string_view name) {
  Directory d = load();
  int slot = find_by_name(d, name);
  if (slot < 0) return Status::Error("no model named '" + std::string(name) + "'");
  save_entry(static_cast<uint32_t>(slot), Entry{});
  return Status::Ok();
}

Result<std::vector<uint8_t>> model_read(std::string_view name) {
  return model_read_range(name, 0, UINT64_MAX);
}

Result<std::vector<uint8_t>> model_read_range(std::string_view name, uint64_t offset,
                                              uint64_t size) {
  Directory d = load();
  int slot = find_by_name(d, name);
  if (slot < 0) return Status::Error("no model named '" + std::string(name) + "' was uploaded");
  const Entry& e = d.entries[slot];
  if (e.state != EntryState::Complete) {
    return Status::Error("model '" + std::string(name) + "' is still uploading: finish it first");
  }
  const uint64_t begin = std::min(offset, e.total_bytes);
  std::vector<uint8_t> bytes(std::min(size, e.total_bytes - begin));
  ic0::stable_read(e.data_offset + begin, bytes);
  return bytes;
}

Status model_read_into(std::string_view name, uint64_t offset, std::span<uint8_t> out) {
  Directory d = load();
  int slot = find_by_name(d, name);
  if (slot < 0) return Status::Error("no model named '" + std::string(name) + "' was uploaded");
  const Entry& e = d.entries[slot];
  if (e.state != EntryState::Complete) {
    return Status::Error("model '" + std::string(name) + "' is still uploading: finish it first");
  }
  if (offset > e.total_bytes || out.size() > e.total_bytes - offset) {
    return Status::Error("model '" + std::string(name) + "' has " + std::to_string(e.total_bytes) +
                         " bytes; bytes [" + std::to_string(offset) + ", " +
                         std::to_string(offset + out.size()) + ") are outside it");
  }
  ic0::stable_read(e.data_offset + offset, out);
  return Status::Ok();
}

}  // namespace hyv::canister
