#include "uploaders.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "hyv/candid/principal.h"
#include "hyv/ic0/api.h"
#include "model_store.h"

namespace hyv::canister {
namespace {

constexpr uint64_t kSlotBytes = 32;
constexpr size_t kMaxPrincipalBytes = 29;

struct Slot {
  uint8_t len;
  uint8_t bytes[kSlotBytes - 1];
};
static_assert(sizeof(Slot) == kSlotBytes);
static_assert(64 + kMaxEntries * 256 <= kUploadersOffset, "uploaders overlap the model directory");
static_assert(kUploadersOffset + kMaxUploaders * kSlotBytes <= kDataStart,
              "uploaders overlap the model data");

std::vector<Slot> load() {
  std::vector<Slot> slots(kMaxUploaders);
  ic0::stable_read(kUploadersOffset,
                   {reinterpret_cast<uint8_t*>(slots.data()), slots.size() * sizeof(Slot)});
  return slots;
}

void save(uint32_t index, const Slot& slot) {
  ic0::stable_write(kUploadersOffset + index * kSlotBytes,
                    {reinterpret_cast<const uint8_t*>(&slot), sizeof slot});
}

int find(const std::vector<Slot>& slots, std::span<const uint8_t> principal) {
  for (size_t i = 0; i < slots.size(); ++i) {
    if (slots[i].len == principal.size() &&
        std::equal(principal.begin(), principal.end(), slots[i].bytes)) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

std::string text_of(std::span<const uint8_t> principal) {
  return candid::principal_to_text({principal.begin(), principal.end()});
}

}  // namespace

std::vector<std::vector<uint8_t>> uploaders_list() {
  std::vector<std::vector<uint8_t>> out;
  for (const Slot& s : load()) {
    if (s.len > 0) out.emplace_back(s.bytes, s.bytes + s.len);
  }
  return out;
}

bool is_uploader(std::span<const uint8_t> principal) {
  return !principal.empty() && find(load(), principal) >= 0;
}

Status uploaders_add(std::span<const uint8_t> principal) {
  if (principal.empty() || principal.size() > kMaxPrincipalBytes) {
    return Status::Error("principal: must be 1 to 29 bytes");
  }
  if (principal.size() == 1 && principal[0] == ic0::kAnonymousPrincipal) {
    return Status::Error("the anonymous principal cannot be an uploader");
  }
  std::vector<Slot> slots = load();
  if (find(slots, principal) >= 0) {
    return Status::Error(text_of(principal) + " is an uploader already");
  }
  auto free = std::find_if(slots.begin(), slots.end(), [](const Slot& s) { return s.len == 0; });
  if (free == slots.end()) {
    return Status::Error("there are " + std::to_string(kMaxUploaders) +
                         " uploaders already; remove one first");
  }
  Slot s{};
  s.len = static_cast<uint8_t>(principal.size());
  std::memcpy(s.bytes, principal.data(), principal.size());
  save(static_cast<uint32_t>(free - slots.begin()), s);
  return Status::Ok();
}

Status uploaders_remove(std::span<const uint8_t> principal) {
  int i = find(load(), principal);
  if (principal.empty() || i < 0) {
    return Status::Error(text_of(principal) + " is not an uploader");
  }
  save(static_cast<uint32_t>(i), Slot{});
  return Status::Ok();
}

}  // namespace hyv::canister
