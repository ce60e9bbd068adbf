// Models uploaded into stable memory, which survives upgrades (the heap does not).
//
// Layout (little-endian, as wasm is; version kLayoutVersion):
//   [0, 64)             Header: magic "HYVMODL1", layout version, next upload id, and where the
//                       upgrade blob is (offset, bytes; 0, 0 when none)
//   [64, 64 + 64*256)   Directory: kMaxEntries entries of 256 bytes (Entry, zero = free)
//   [32768, 32768+16*32) Uploaders: principals controllers authorised (principal_lists.h)
//   [33280, 33280+16*32) Generators: hyv_generator canisters the engine works for (same file)
//   [65536, 131072)     Reserved for `ic-wasm instrument --start-page 1 --page-limit 1`, which
//                       keeps its state there at upgrades when the module is instrumented to
//                       count instructions (the test host, profiling); allocated at init
//   [131072, ...)       Model bytes: each entry owns [data_offset, data_offset + total_bytes),
//                       placed first-fit between the live entries' regions
// Nothing lives on the heap between calls: every call reads the directory, so an upgrade keeps
// every model (complete or still uploading) without pre_upgrade work, and a trapped call leaves
// stable memory as it was (the IC rolls the call back).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hyv/sha256.h"
#include "hyv/status.h"

namespace hyv::canister {

// 2: model bytes from 131072 (page 1 reserved); 1 had them from 65536.
inline constexpr uint32_t kLayoutVersion = 2;
inline constexpr uint32_t kMaxEntries = 64;
inline constexpr uint32_t kMaxNameBytes = 64;
inline constexpr uint64_t kMaxChunkBytes = 2u << 20;
// Stable page 1 stays free for `ic-wasm instrument` (see the layout above).
inline constexpr uint64_t kProfilingPage = 1;
inline constexpr uint64_t kDataStart = 131072;

enum class EntryState : uint32_t { Free = 0, Uploading = 1, Complete = 2 };

struct Entry {
  EntryState state = EntryState::Free;
  uint32_t name_len = 0;
  char name[kMaxNameBytes] = {};
  uint64_t id = 0;
  uint64_t total_bytes = 0;
  uint64_t data_offset = 0;
  uint64_t received = 0;  // bytes [0, received) are stored and hashed
  uint64_t created_ns = 0;
  uint8_t sha256[32] = {};  // the digest the uploader announced
  Sha256 hash;              // running hash of the bytes received so far

  std::string_view name_view() const { return {name, name_len}; }
};
static_assert(sizeof(Entry) <= 256, "a directory entry must fit its 256-byte slot");

struct ModelInfo {
  std::string name;
  uint64_t id = 0;
  uint64_t total_bytes = 0;
  uint64_t received = 0;
  bool complete = false;
  std::array<uint8_t, 32> sha256{};
};

// Writes the header when stable memory is empty; checks it otherwise.
Status store_open();
// What canister_pre_upgrade saves for canister_post_upgrade (the open sessions), placed in free
// space after the models; take_upgrade_blob() returns it (empty when none) and forgets it, so the
// space is free again for uploads.
Status store_upgrade_blob(std::span<const uint8_t> bytes);
std::vector<uint8_t> take_upgrade_blob();
Result<uint64_t> upload_begin(std::string_view name, uint64_t total_bytes,
                              std::span<const uint8_t> sha256, uint64_t now_ns);
// Bytes at `offset` may overlap what was received (a resent chunk: the overlap is ignored) but may
// not leave a gap. Returns the bytes received so far.
Result<uint64_t> upload_chunk(uint64_t id, uint64_t offset, std::span<const uint8_t> bytes);
Result<ModelInfo> upload_finish(uint64_t id);
std::vector<ModelInfo> models_list();
Status model_delete(std::string_view name);
// A complete model's bytes, copied from stable memory into the heap; Err when the name is unknown
// or still uploading.
Result<std::vector<uint8_t>> model_read(std::string_view name);
// Bytes [offset, offset + size) of it, cut at its end.
Result<std::vector<uint8_t>> model_read_range(std::string_view name, uint64_t offset,
                                              uint64_t size);
// Fills `out` with bytes [offset, offset + out.size()) of it (which must lie inside it), with no
// copy in between.
Status model_read_into(std::string_view name, uint64_t offset, std::span<uint8_t> out);

}  // namespace hyv::canister
