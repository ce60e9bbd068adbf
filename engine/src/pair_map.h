// PairMap: (left id, right id) -> (merge rank, merged id), open addressing over 64-bit keys. The
// encoder looks a pair up for every candidate merge, so this is the hottest table of BPE.
//
// Invariant: slots_.size() is a power of two and at most half full.
#pragma once

#include <cstdint>
#include <vector>

namespace hyv::engine::bpe {

struct MergeInfo {
  static constexpr int32_t kNoRank = INT32_MAX;
  int32_t rank = kNoRank;
  int32_t merged = -1;
};

class PairMap {
 public:
  PairMap() { slots_.assign(16, Slot{}); }

  MergeInfo find(int32_t left, int32_t right) const {
    uint64_t key = pack(left, right);
    size_t mask = slots_.size() - 1;
    for (size_t s = hash(key) & mask;; s = (s + 1) & mask) {
      const Slot& slot = slots_[s];
      if (slot.key == key) return slot.info;
      if (slot.key == kEmpty) return MergeInfo{};
    }
  }

  // Sets the entry for (left, right); a later call for the same pair replaces the earlier one.
  void set(int32_t left, int32_t right, MergeInfo info) {
    if (2 * (count_ + 1) > slots_.size()) grow();
    place(pack(left, right), info);
  }

  size_t size() const { return count_; }

 private:
  static constexpr uint64_t kEmpty = ~0ull;
  struct Slot {
    uint64_t key = kEmpty;
    MergeInfo info;
  };

  static uint64_t pack(int32_t left, int32_t right) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32) |
           static_cast<uint32_t>(right);
  }
  static uint64_t hash(uint64_t key) {
    key *= 0x9E3779B97F4A7C15ull;
    return key ^ (key >> 32);
  }

  void place(uint64_t key, MergeInfo info) {
    size_t mask = slots_.size() - 1;
    for (size_t s = hash(key) & mask;; s = (s + 1) & mask) {
      Slot& slot = slots_[s];
      if (slot.key == key) {
        slot.info = info;
        return;
      }
      if (slot.key == kEmpty) {
        slot = {key, info};
        ++count_;
        return;
      }
    }
  }

  void grow() {
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.assign(old.size() * 2, Slot{});
    count_ = 0;
    for (const Slot& s : old) {
      if (s.key != kEmpty) place(s.key, s.info);
    }
  }

  std::vector<Slot> slots_;
  size_t count_ = 0;
};

}  // namespace hyv::engine::bpe
