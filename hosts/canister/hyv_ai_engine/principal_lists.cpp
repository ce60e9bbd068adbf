#include "principal_lists.h"

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
static_assert(kUploadersOffset + kMaxListed * kSlotBytes <= kGeneratorsOffset,
              "uploaders overlap the generators");
static_assert(kGeneratorsOffset + kMaxListed * kSlotBytes <= kProfilingPage * 65536,
              "generators overlap the profiling page");

std::vector<Slot> load(uint64_t offset) {
  std::vector<Slot> slots(kMaxListed);
  ic0::stable_read(offset, {reinterpret_cast<uint8_t*>(slots.data()), slots.size() * sizeof(Slot)});
  return slots;
}

void save(uint64_t offset, uint32_t index, const Slot& slot) {
  ic0::stable_write(offset + index * kSlotBytes,
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

std::vector<std::vector<uint8_t>> PrincipalList::list() const {
  std::vector<std::vector<uint8_t>> out;
  for (const Slot& s : load(offset_)) {
    if (s.len > 0) out.emplace_back(s.bytes, s.bytes + s.len);
  }
  return out;
}

bool PrincipalList::contains(std::span<const uint8_t> principal) const {
  return !principal.empty() && find(load(offset_), principal) >= 0;
}

Status PrincipalList::add(std::span<const uint8_t> principal) const {
  if (principal.empty() || principal.size() > kMaxPrincipalBytes) {
    return Status::Error("principal: must be 1 to 29 bytes");
  }
  if (principal.size() == 1 && principal[0] == ic0::kAnonymousPrincipal) {
    return Status::Error("the anonymous principal cannot be " + one_);
  }
  std::vector<Slot> slots = load(offset_);
  if (find(slots, principal) >= 0) {
    return Status::Error(text_of(principal) + " is " + one_ + " already");
  }
  auto free = std::find_if(slots.begin(), slots.end(), [](const Slot& s) { return s.len == 0; });
  if (free == slots.end()) {
    return Status::Error("there are " + std::to_string(kMaxListed) + " " + many_ +
                         " already; remove one first");
  }
  Slot s{};
  s.len = static_cast<uint8_t>(principal.size());
  std::memcpy(s.bytes, principal.data(), principal.size());
  save(offset_, static_cast<uint32_t>(free - slots.begin()), s);
  return Status::Ok();
}

Status PrincipalList::remove(std::span<const uint8_t> principal) const {
  int i = find(load(offset_), principal);
  if (principal.empty() || i < 0) {
    return Status::Error(text_of(principal) + " is not " + one_);
  }
  save(offset_, static_cast<uint32_t>(i), Slot{});
  return Status::Ok();
}

const PrincipalList& uploaders() {
  static const auto* list = new PrincipalList(kUploadersOffset, "an uploader", "uploaders");
  return *list;
}

const PrincipalList& generators() {
  static const auto* list = new PrincipalList(kGeneratorsOffset, "a generator", "generators");
  return *list;
}

}  // namespace hyv::canister
