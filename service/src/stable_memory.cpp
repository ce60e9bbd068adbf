#include "hyv/service/stable_memory.h"

#include <cstdlib>
#include <cstring>

namespace hyv::service {
namespace {

// An access past the end is a bug in the caller; abort like the IC traps, so tests catch it.
void check_range(uint64_t offset, uint64_t bytes, uint64_t size) {
  if (offset > size || bytes > size - offset) std::abort();
}

}  // namespace

bool VectorStableMemory::grow_to(uint64_t bytes) {
  if (bytes <= bytes_.size()) return true;
  uint64_t pages = bytes / kStablePageBytes + (bytes % kStablePageBytes != 0);
  if (pages > capacity_ / kStablePageBytes || pages > SIZE_MAX / kStablePageBytes) return false;
  bytes_.resize(static_cast<size_t>(pages * kStablePageBytes));
  return true;
}

void VectorStableMemory::read(uint64_t offset, std::span<uint8_t> out) const {
  check_range(offset, out.size(), bytes_.size());
  if (!out.empty()) std::memcpy(out.data(), bytes_.data() + offset, out.size());
}

void VectorStableMemory::write(uint64_t offset, std::span<const uint8_t> data) {
  check_range(offset, data.size(), bytes_.size());
  if (!data.empty()) std::memcpy(bytes_.data() + offset, data.data(), data.size());
}

}  // namespace hyv::service
