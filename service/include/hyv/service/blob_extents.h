// BlobExtents: where a StableBlobStore blob's bytes lie in the stable log. Each write appends its
// bytes as a record; the blob is the union of those extents with later writes winning, kept here
// already resolved into non-overlapping pieces so a read is one pass without re-checking history.
#pragma once

#include <cstdint>
#include <functional>
#include <map>

namespace hyv::service {

class BlobExtents {
 public:
  uint64_t size() const { return size_; }
  size_t piece_count() const { return pieces_.size(); }

  // [offset, offset + bytes) of the blob now reads from log address `address`, over whatever was
  // there. offset must be <= size() (blobs have no holes).
  void put(uint64_t offset, uint64_t address, uint64_t bytes);
  // Calls visit(address, bytes) for the pieces covering [offset, offset + bytes) in blob order,
  // clamped to the blob's end.
  void visit(uint64_t offset, uint64_t bytes,
             const std::function<void(uint64_t address, uint64_t bytes)>& fn) const;

 private:
  struct Piece {
    uint64_t address = 0;
    uint64_t bytes = 0;
  };
  // Keyed by blob offset; the pieces tile [0, size_) exactly.
  std::map<uint64_t, Piece> pieces_;
  uint64_t size_ = 0;
};

}  // namespace hyv::service
