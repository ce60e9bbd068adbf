// A set of 64-bit hashes with open addressing: 16 bytes per value at most, so a unique column over
// millions of rows stays small (internal to synth/).
#pragma once

#include <cstdint>
#include <vector>

namespace hyv::synth {

class U64HashSet {
 public:
  bool contains(uint64_t h) const {
    if (slots_.empty()) return false;
    h = h ? h : 1;  // 0 marks an empty slot
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      if (slots_[i] == h) return true;
      if (slots_[i] == 0) return false;
    }
  }

  // Returns false if h was already present.
  bool insert(uint64_t h) {
    if ((size_ + 1) * 2 > slots_.size()) grow();
    h = h ? h : 1;
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      if (slots_[i] == h) return false;
      if (slots_[i] == 0) {
        slots_[i] = h;
        ++size_;
        return true;
      }
    }
  }

  size_t size() const { return size_; }

  // Visits every stored hash (as stored: a hash of 0 reads as 1, as contains() sees it).
  template <typename F>
  void for_each(F f) const {
    for (uint64_t h : slots_)
      if (h) f(h);
  }

 private:
  void grow() {
    std::vector<uint64_t> old;
    old.swap(slots_);
    slots_.assign(old.empty() ? 1024 : old.size() * 2, 0);
    mask_ = slots_.size() - 1;
    size_ = 0;
    for (uint64_t h : old)
      if (h) insert(h);
  }

  std::vector<uint64_t> slots_;
  size_t mask_ = 0, size_ = 0;
};

}  // namespace hyv::synth
