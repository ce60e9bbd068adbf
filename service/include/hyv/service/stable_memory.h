// StableMemory: the growable byte memory the stable stores (stable_log.h) sit on. In the canister
// it is the IC's stable memory (ic0 stable64_*), which survives upgrades while the heap does not;
// VectorStableMemory below is one in a std::vector for native tests and tools.
//
// Addresses are uint64 offsets from 0. Memory grows in 64 KiB pages, as the IC's does, and never
// shrinks. read and write must stay inside [0, size_bytes()): callers check first, because the IC
// traps on an access past the end rather than returning an error.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace hyv::service {

inline constexpr uint64_t kStablePageBytes = 65536;

class StableMemory {
 public:
  virtual ~StableMemory() = default;

  virtual uint64_t size_bytes() const = 0;
  // Makes [0, bytes) exist (a no-op when it already does). False when refused (out of stable
  // memory); the memory is then unchanged.
  virtual bool grow_to(uint64_t bytes) = 0;
  virtual void read(uint64_t offset, std::span<uint8_t> out) const = 0;
  virtual void write(uint64_t offset, std::span<const uint8_t> data) = 0;
};

class VectorStableMemory final : public StableMemory {
 public:
  // capacity_bytes bounds the size; a grow past it is refused, as the IC refuses one past the
  // canister's stable memory limit.
  explicit VectorStableMemory(uint64_t capacity_bytes = UINT64_MAX) : capacity_(capacity_bytes) {}

  uint64_t size_bytes() const override { return bytes_.size(); }
  bool grow_to(uint64_t bytes) override;
  void read(uint64_t offset, std::span<uint8_t> out) const override;
  void write(uint64_t offset, std::span<const uint8_t> data) override;

  // The raw bytes, so tests can damage them the way a bug or a torn write would.
  std::vector<uint8_t>& bytes() { return bytes_; }

 private:
  std::vector<uint8_t> bytes_;
  uint64_t capacity_;
};

}  // namespace hyv::service
