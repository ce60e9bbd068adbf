#include "hyv/service/blob_extents.h"

#include <algorithm>

namespace hyv::service {

void BlobExtents::put(uint64_t offset, uint64_t address, uint64_t bytes) {
  if (bytes == 0) return;
  uint64_t end = offset + bytes;
  auto it = pieces_.upper_bound(offset);
  if (it != pieces_.begin()) --it;
  while (it != pieces_.end() && it->first < end) {
    uint64_t start = it->first;
    Piece old = it->second;
    uint64_t old_end = start + old.bytes;
    if (old_end <= offset) {
      ++it;
      continue;
    }
    // Keep the parts of the old piece outside the new one.
    it = pieces_.erase(it);
    if (start < offset) pieces_.emplace(start, Piece{old.address, offset - start});
    if (old_end > end) pieces_.emplace(end, Piece{old.address + (end - start), old_end - end});
  }
  pieces_.emplace(offset, Piece{address, bytes});
  size_ = std::max(size_, end);
}

void BlobExtents::visit(uint64_t offset, uint64_t bytes,
                        const std::function<void(uint64_t, uint64_t)>& fn) const {
  if (offset >= size_) return;
  uint64_t end = offset + std::min(bytes, size_ - offset);
  auto it = pieces_.upper_bound(offset);
  --it;  // the pieces tile [0, size_), so one starts at or before offset
  for (uint64_t at = offset; at < end; ++it) {
    uint64_t skip = at - it->first;
    uint64_t take = std::min(it->second.bytes - skip, end - at);
    fn(it->second.address + skip, take);
    at += take;
  }
}

}  // namespace hyv::service
