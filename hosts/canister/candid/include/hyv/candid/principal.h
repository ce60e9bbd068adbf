// The textual form of principals ("aaaaa-aa", "2vxsx-fae"): base32 (RFC 4648, lowercase, no
// padding) of CRC32(bytes) big-endian followed by the bytes, in groups of five joined by dashes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hyv/status.h"

namespace hyv::candid {

std::string principal_to_text(const std::vector<uint8_t>& bytes);
// Rejects bad characters or grouping, a wrong checksum and more than 29 bytes.
Result<std::vector<uint8_t>> principal_from_text(std::string_view text);

}  // namespace hyv::candid
