#include "zip_stored.h"

#include <algorithm>
#include <string>

#include "str_cat.h"

namespace hyv::engine {
namespace {

// Record signatures and fixed sizes, from PKWARE's APPNOTE.TXT (sections 4.3.7 to 4.3.16).
constexpr uint32_t kLocalSignature = 0x04034b50;
constexpr uint32_t kCentralSignature = 0x02014b50;
constexpr uint32_t kEndSignature = 0x06054b50;
constexpr uint32_t kEnd64Signature = 0x06064b50;
constexpr uint32_t kLocator64Signature = 0x07064b50;
constexpr uint64_t kLocalBytes = 30;
constexpr uint64_t kCentralBytes = 46;
constexpr uint64_t kEndBytes = 22;
constexpr uint64_t kLocator64Bytes = 20;
constexpr uint64_t kEnd64Bytes = 56;
constexpr uint64_t kMaxCommentBytes = 0xffff;
constexpr uint16_t kZip64ExtraId = 0x0001;
// A 32-bit field holding this says "the value is in the zip64 extra field or end record".
constexpr uint64_t kSaturated32 = 0xffffffff;
constexpr uint64_t kSaturated16 = 0xffff;

// Little-endian unsigned integer of n bytes at `at`; the caller has checked the bounds.
uint64_t le(Bytes b, uint64_t at, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v |= static_cast<uint64_t>(b[at + i]) << (8 * i);
  return v;
}

// [offset, offset + length) lies inside [0, size), written so that it cannot overflow.
bool fits(uint64_t offset, uint64_t length, uint64_t size) {
  return offset <= size && length <= size - offset;
}

std::string num(uint64_t v) {
  return std::to_string(v);
}

std::string entry_at(std::string_view name, uint64_t record) {
  return str_cat("zip entry '", name, "' (central directory record at byte ", num(record), ")");
}

const char* method_name(uint64_t method) {
  switch (method) {
    case 8:
      return "deflate";
    case 9:
      return "deflate64";
    case 12:
      return "bzip2";
    case 14:
      return "lzma";
    case 93:
      return "zstd";
    case 95:
      return "xz";
    default:
      return "unknown";
  }
}

// Where the central directory is, read from the end records.
struct Directory {
  uint64_t entries = 0;
  uint64_t offset = 0;
  uint64_t size = 0;
  uint64_t end = 0;  // first byte after it may use: the first end record
};

// The end-of-central-directory record: the last one whose comment runs exactly to the file's end.
Result<uint64_t> find_end_record(Bytes file) {
  if (file.size() < kEndBytes) {
    return Status::Error(str_cat("the file is ", num(file.size()),
                                 " bytes, too short for a zip archive's end record (22 bytes)"));
  }
  const uint64_t last = file.size() - kEndBytes;
  const uint64_t first = last > kMaxCommentBytes ? last - kMaxCommentBytes : 0;
  for (uint64_t at = last + 1; at-- > first;) {
    if (le(file, at, 4) == kEndSignature && at + kEndBytes + le(file, at + 20, 2) == file.size()) {
      return at;
    }
  }
  return Status::Error(str_cat("no zip end-of-central-directory record in the last ",
                               num(file.size() - first),
                               " bytes: the file is truncated or not a zip archive"));
}

// Replaces the saturated fields of `dir` with the zip64 end record's, which the locator just
// before the end record at `end_at` points to.
Status read_zip64_end(Bytes file, uint64_t end_at, Directory& dir) {
  const uint64_t locator = end_at - kLocator64Bytes;
  if (le(file, locator + 4, 4) != 0 || le(file, locator + 16, 4) > 1) {
    return Status::Error(str_cat("zip64 locator at byte ", num(locator),
                                 " names several disks: multi-part archives are not supported"));
  }
  const uint64_t at = le(file, locator + 8, 8);
  if (!fits(at, kEnd64Bytes, locator) || le(file, at, 4) != kEnd64Signature) {
    return Status::Error(str_cat("zip64 locator at byte ", num(locator), " points to byte ",
                                 num(at),
                                 ", where there is no zip64 end record; the file is corrupt"));
  }
  if (le(file, at + 16, 4) != 0 || le(file, at + 20, 4) != 0) {
    return Status::Error(str_cat("zip64 end record at byte ", num(at),
                                 " names several disks: multi-part archives are not supported"));
  }
  dir.entries = le(file, at + 32, 8);
  dir.size = le(file, at + 40, 8);
  dir.offset = le(file, at + 48, 8);
  dir.end = at;
  return Status::Ok();
}

Result<Directory> read_directory(Bytes file) {
  auto end_at = find_end_record(file);
  if (!end_at.ok()) return end_at.status();
  const uint64_t at = end_at.value();
  Directory dir;
  dir.entries = le(file, at + 10, 2);
  dir.size = le(file, at + 12, 4);
  dir.offset = le(file, at + 16, 4);
  dir.end = at;
  const bool saturated =
      dir.entries == kSaturated16 || dir.size == kSaturated32 || dir.offset == kSaturated32;
  if (at >= kLocator64Bytes && le(file, at - kLocator64Bytes, 4) == kLocator64Signature) {
    HYV_RETURN_IF_ERROR(read_zip64_end(file, at, dir));
  } else if (saturated) {
    return Status::Error(str_cat("zip end record at byte ", num(at),
                                 " defers to a zip64 end record, but no zip64 locator precedes "
                                 "it; the file is truncated or corrupt"));
  } else if (le(file, at + 4, 2) != 0 || le(file, at + 6, 2) != 0) {
    return Status::Error(str_cat("zip end record at byte ", num(at),
                                 " names several disks: multi-part archives are not supported"));
  }
  if (!fits(dir.offset, dir.size, dir.end)) {
    return Status::Error(str_cat("the zip central directory (bytes ", num(dir.offset), "..+",
                                 num(dir.size), ") runs past its end record at byte ", num(dir.end),
                                 "; the file is truncated or corrupt"));
  }
  if (dir.entries > dir.size / kCentralBytes) {
    return Status::Error(str_cat("the zip end record claims ", num(dir.entries),
                                 " entries, more than the ", num(dir.size),
                                 "-byte central directory can hold; the file is corrupt"));
  }
  return dir;
}

// Sizes and offset of one entry, 32-bit from the record or 64-bit from its zip64 extra field.
struct EntrySizes {
  uint64_t compressed = 0;
  uint64_t uncompressed = 0;
  uint64_t local = 0;
};

// The zip64 extra field holds, in this order, only the values whose 32-bit fields are saturated.
Status read_zip64_extra(Bytes extra, std::string_view name, uint64_t record, EntrySizes& s) {
  uint64_t p = 0;
  while (p + 4 <= extra.size()) {
    const uint64_t id = le(extra, p, 2);
    const uint64_t len = le(extra, p + 2, 2);
    if (!fits(p + 4, len, extra.size())) {
      return Status::Error(entry_at(name, record) + ": an extra field runs past the record");
    }
    if (id == kZip64ExtraId) {
      uint64_t q = p + 4;
      for (uint64_t* v : {&s.uncompressed, &s.compressed, &s.local}) {
        if (*v != kSaturated32) continue;
        if (!fits(q, 8, p + 4 + len)) {
          return Status::Error(entry_at(name, record) + ": its zip64 extra field is too short");
        }
        *v = le(extra, q, 8);
        q += 8;
      }
      return Status::Ok();
    }
    p += 4 + len;
  }
  return Status::Ok();
}

Status check_stored(uint64_t flags, uint64_t method, const EntrySizes& s, std::string_view name,
                    uint64_t record) {
  if ((flags & 1) != 0) {
    return Status::Error(entry_at(name, record) + " is encrypted, which torch.save never writes");
  }
  if (method != 0) {
    return Status::Error(entry_at(name, record) + " is compressed (method " + num(method) + ", " +
                         method_name(method) +
                         "); torch.save stores entries uncompressed, and Hyv reads only stored "
                         "entries: re-save the file with torch.save, not a zip tool");
  }
  if (s.compressed != s.uncompressed) {
    return Status::Error(entry_at(name, record) + " is stored but its sizes differ (" +
                         num(s.compressed) + " and " + num(s.uncompressed) +
                         " bytes); the file is corrupt");
  }
  return Status::Ok();
}

// The entry's data, found through its local header (whose name and extra field may differ in
// length from the central record's: torch pads the local extra field to align the data).
Result<ZipEntry> locate_data(Bytes file, std::string_view name, uint64_t record,
                             const EntrySizes& s) {
  if (!fits(s.local, kLocalBytes, file.size()) || le(file, s.local, 4) != kLocalSignature) {
    return Status::Error(entry_at(name, record) + ": no local header at byte " + num(s.local) +
                         "; the file is truncated or corrupt");
  }
  const uint64_t name_len = le(file, s.local + 26, 2);
  const uint64_t extra_len = le(file, s.local + 28, 2);
  const uint64_t start = s.local + kLocalBytes + name_len + extra_len;  // < 2^64: s.local fits
  if (start > file.size() ||
      as_string_view(file.subspan(s.local + kLocalBytes, name_len)) != name) {
    return Status::Error(entry_at(name, record) + ": the local header at byte " + num(s.local) +
                         " names another entry; the file is corrupt");
  }
  if (!fits(start, s.compressed, file.size())) {
    return Status::Error(entry_at(name, record) + ": its data (bytes " + num(start) + "..+" +
                         num(s.compressed) + ") runs past the end of the file (" +
                         num(file.size()) + " bytes); the file is truncated");
  }
  return ZipEntry{name, file.subspan(start, s.compressed), start};
}

// One central directory record at `at` (inside [at, end)); moves `at` past it.
Result<ZipEntry> read_entry(Bytes file, uint64_t& at, uint64_t end) {
  const uint64_t record = at;
  if (!fits(at, kCentralBytes, end) || le(file, at, 4) != kCentralSignature) {
    return Status::Error(
        str_cat("no zip central directory record at byte ", num(at), "; the file is corrupt"));
  }
  const uint64_t name_len = le(file, at + 28, 2);
  const uint64_t extra_len = le(file, at + 30, 2);
  const uint64_t comment_len = le(file, at + 32, 2);
  if (!fits(at + kCentralBytes, name_len + extra_len + comment_len, end)) {
    return Status::Error(str_cat("zip central directory record at byte ", num(at),
                                 " runs past the directory's end at byte ", num(end)));
  }
  const std::string_view name = as_string_view(file.subspan(at + kCentralBytes, name_len));
  const Bytes extra = file.subspan(at + kCentralBytes + name_len, extra_len);
  at += kCentralBytes + name_len + extra_len + comment_len;

  EntrySizes s{le(file, record + 20, 4), le(file, record + 24, 4), le(file, record + 42, 4)};
  HYV_RETURN_IF_ERROR(read_zip64_extra(extra, name, record, s));
  HYV_RETURN_IF_ERROR(
      check_stored(le(file, record + 8, 2), le(file, record + 10, 2), s, name, record));
  return locate_data(file, name, record, s);
}

}  // namespace

bool starts_like_zip(Bytes file) {
  return file.size() >= 4 && le(file, 0, 4) == kLocalSignature;
}

Result<StoredZip> StoredZip::parse(Bytes file) {
  auto dir = read_directory(file);
  if (!dir.ok()) return dir.status();
  StoredZip zip;
  uint64_t at = dir.value().offset;
  const uint64_t end = dir.value().offset + dir.value().size;
  for (uint64_t i = 0; i < dir.value().entries; ++i) {
    auto entry = read_entry(file, at, end);
    if (!entry.ok()) return entry.status();
    zip.entries_.push_back(entry.value());
  }
  std::sort(zip.entries_.begin(), zip.entries_.end(),
            [](const ZipEntry& a, const ZipEntry& b) { return a.name < b.name; });
  for (size_t i = 1; i < zip.entries_.size(); ++i) {
    if (zip.entries_[i].name == zip.entries_[i - 1].name) {
      return Status::Error(
          str_cat("zip entry '", zip.entries_[i].name, "' appears twice in the central directory"));
    }
  }
  return zip;
}

const ZipEntry* StoredZip::find(std::string_view name) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), name,
                             [](const ZipEntry& e, std::string_view n) { return e.name < n; });
  return it != entries_.end() && it->name == name ? &*it : nullptr;
}

}  // namespace hyv::engine
