#include "hyv/service/blob_store.h"

#include "hyv/sha256.h"

namespace hyv::service {
namespace {

bool valid_part_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

Status bad_name(std::string_view name, const std::string& why) {
  return Status::Error(StatusCode::kInvalidArgument,
                       "blob name '" + std::string(name) + "': " + why);
}

}  // namespace

Status validate_blob_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxBlobNameBytes) {
    return bad_name(name, "needs 1 to " + std::to_string(kMaxBlobNameBytes) + " bytes");
  }
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('/', start);
    if (end == std::string_view::npos) end = name.size();
    std::string_view part = name.substr(start, end - start);
    if (part.empty() || part.size() > kMaxBlobPartBytes || part[0] == '.') {
      return bad_name(name, "part '" + std::string(part) + "' must be 1 to " +
                                std::to_string(kMaxBlobPartBytes) +
                                " bytes, not starting with '.'");
    }
    for (char c : part) {
      if (!valid_part_char(c)) {
        return bad_name(name, "part '" + std::string(part) + "' may hold only A-Z a-z 0-9 . _ -");
      }
    }
    start = end + 1;
  }
  return Status::Ok();
}

Result<std::string> read_whole_blob(const BlobStore& blobs, std::string_view name,
                                    uint64_t max_bytes) {
  Result<std::optional<uint64_t>> size = blobs.size(name);
  if (!size.ok()) return size.status();
  if (!size.value()) {
    return Status::Error(StatusCode::kNotFound, "blob '" + std::string(name) + "' not found");
  }
  if (*size.value() > max_bytes) {
    return Status::Error(StatusCode::kTooLarge, "blob '" + std::string(name) + "' is over " +
                                                    std::to_string(max_bytes) + " bytes");
  }
  return blobs.read(name, 0, *size.value());
}

Result<size_t> remove_blobs_under(BlobStore& blobs, std::string_view prefix) {
  Result<std::vector<std::string>> names = blobs.list(prefix);
  if (!names.ok()) return names.status();
  for (const std::string& name : names.value()) HYV_RETURN_IF_ERROR(blobs.remove(name));
  return names.value().size();
}

std::string sha256_hex(std::string_view bytes) {
  std::array<uint8_t, 32> digest =
      hyv::sha256({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(64);
  for (uint8_t b : digest) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

}  // namespace hyv::service
