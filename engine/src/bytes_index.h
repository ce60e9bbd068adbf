// BytesIndex: an open-addressing hash set of byte strings that numbers its keys 0, 1, 2, ... in
// insertion order, so callers keep values in plain vectors indexed by that number. Used for the
// vocabulary (bytes -> id), the encoder's word cache and the trainer's word counts, where
// std::unordered_map<std::string, ...> costs a node allocation per key.
//
// Invariant: slots_.size() is a power of two and at most half full; key i occupies
// arena_[offsets_[i], offsets_[i + 1]).
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace hyv::engine::bpe {

// 64-bit hash of a short byte string, eight bytes at a time.
inline uint64_t hash_bytes(std::string_view s) {
  constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
  uint64_t h = s.size() * kMul;
  const char* p = s.data();
  size_t n = s.size();
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * kMul;
    h ^= h >> 29;
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    uint64_t w = 0;
    std::memcpy(&w, p, n);
    h = (h ^ w) * kMul;
    h ^= h >> 29;
  }
  return h * kMul;
}

class BytesIndex {
 public:
  static constexpr uint32_t kNone = 0xFFFFFFFFu;

  BytesIndex() { rehash(16); }

  uint32_t size() const { return static_cast<uint32_t>(offsets_.size() - 1); }
  std::string_view key(uint32_t i) const {
    return {arena_.data() + offsets_[i], offsets_[i + 1] - offsets_[i]};
  }

  uint32_t find(std::string_view k) const { return find(k, hash_bytes(k)); }
  uint32_t find(std::string_view k, uint64_t h) const {
    size_t mask = slots_.size() - 1;
    for (size_t s = h & mask;; s = (s + 1) & mask) {
      const Slot& slot = slots_[s];
      if (slot.index == kNone) return kNone;
      if (slot.hash == h && key(slot.index) == k) return slot.index;
    }
  }

  // Index of k, adding it if absent; `added` tells which.
  uint32_t insert(std::string_view k, bool* added = nullptr) {
    return insert(k, hash_bytes(k), added);
  }
  uint32_t insert(std::string_view k, uint64_t h, bool* added = nullptr) {
    size_t mask = slots_.size() - 1;
    size_t s = h & mask;
    for (;; s = (s + 1) & mask) {
      const Slot& slot = slots_[s];
      if (slot.index == kNone) break;
      if (slot.hash == h && key(slot.index) == k) {
        if (added) *added = false;
        return slot.index;
      }
    }
    uint32_t index = size();
    arena_.append(k);
    offsets_.push_back(static_cast<uint32_t>(arena_.size()));
    slots_[s] = {h, index};
    if (added) *added = true;
    if (2 * static_cast<size_t>(size()) > slots_.size()) rehash(2 * slots_.size());
    return index;
  }

  size_t arena_bytes() const { return arena_.size(); }

 private:
  struct Slot {
    uint64_t hash = 0;
    uint32_t index = kNone;
  };

  void rehash(size_t capacity) {
    slots_.assign(capacity, Slot{});
    size_t mask = capacity - 1;
    for (uint32_t i = 0; i < size(); ++i) {
      uint64_t h = hash_bytes(key(i));
      size_t s = h & mask;
      while (slots_[s].index != kNone) s = (s + 1) & mask;
      slots_[s] = {h, i};
    }
  }

  std::vector<Slot> slots_;
  std::string arena_;
  std::vector<uint32_t> offsets_{0};
};

}  // namespace hyv::engine::bpe
