// CRC-32 (IEEE 802.3, the zlib / PNG polynomial), the stable log's per-record checksum: it finds a
// torn or damaged record cheaply, which is all the log needs (it is no defence against tampering,
// and the IC's stable memory has no other writer).
#pragma once

#include <cstdint>
#include <span>

namespace hyv::service {

// Chainable: crc32(b, crc32(a)) == crc32(a + b).
uint32_t crc32(std::span<const uint8_t> data, uint32_t crc = 0);

}  // namespace hyv::service
