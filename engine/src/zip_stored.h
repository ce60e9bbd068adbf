// A reader for zip archives whose entries are stored (uncompressed), as torch.save writes them:
// the end-of-central-directory record (zip64's too), the central directory and each entry's local
// header, every offset and length checked against the bytes before it is used.
//
//   auto zip = hyv::engine::StoredZip::parse(bytes);
//   if (!zip.ok()) return zip.status();
//   const hyv::engine::ZipEntry* pkl = zip.value().find("archive/data.pkl");
//
// Hand-written rather than a library: the canister (wasm32) build cannot link Debian's zip
// libraries (built for the host), and torch only ever writes stored entries, so reading them is
// bounds checks and no decompression. A compressed or encrypted entry is refused with a message
// that says so. CRC-32s are not checked: a weight file is gigabytes, and the checks here already
// keep every read inside the file. Views point into the caller's bytes, which must outlive this.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "hyv/bytes.h"
#include "hyv/status.h"

namespace hyv::engine {

struct ZipEntry {
  std::string_view name;     // as in the central directory (points into the file)
  Bytes data;                // the entry's bytes
  uint64_t data_offset = 0;  // of data's first byte in the file
};

class StoredZip {
 public:
  // Errors name the entry and the byte offset of the record at fault.
  static Result<StoredZip> parse(Bytes file);

  const std::vector<ZipEntry>& entries() const { return entries_; }  // sorted by name
  const ZipEntry* find(std::string_view name) const;                 // nullptr when absent

 private:
  std::vector<ZipEntry> entries_;
};

// True when the bytes start with a zip local file header ("PK\3\4").
bool starts_like_zip(Bytes file);

}  // namespace hyv::engine
