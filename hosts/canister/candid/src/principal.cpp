#include "hyv/candid/principal.h"

#include "hyv/candid/decode.h"

namespace hyv::candid {
namespace {

uint32_t crc32(const uint8_t* p, size_t n) {
  uint32_t c = 0xffffffffu;
  for (size_t i = 0; i < n; ++i) {
    c ^= p[i];
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
  }
  return ~c;
}

constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";

std::string base32(const std::vector<uint8_t>& in) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (uint8_t b : in) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += kAlphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (5 - bits)) & 31];
  return out;
}

std::vector<uint8_t> with_checksum(const std::vector<uint8_t>& bytes) {
  uint32_t c = crc32(bytes.data(), bytes.size());
  std::vector<uint8_t> out = {static_cast<uint8_t>(c >> 24), static_cast<uint8_t>(c >> 16),
                              static_cast<uint8_t>(c >> 8), static_cast<uint8_t>(c)};
  out.insert(out.end(), bytes.begin(), bytes.end());
  return out;
}

}  // namespace

std::string principal_to_text(const std::vector<uint8_t>& bytes) {
  std::string b32 = base32(with_checksum(bytes));
  std::string out;
  for (size_t i = 0; i < b32.size(); ++i) {
    if (i > 0 && i % 5 == 0) out += '-';
    out += b32[i];
  }
  return out;
}

Result<std::vector<uint8_t>> principal_from_text(std::string_view text) {
  std::vector<uint8_t> raw;
  uint32_t buffer = 0;
  int bits = 0;
  for (char ch : text) {
    if (ch == '-') continue;
    char c = (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch;
    int v = (c >= 'a' && c <= 'z') ? c - 'a' : (c >= '2' && c <= '7') ? c - '2' + 26 : -1;
    if (v < 0) return Status::Error(std::string("principal: invalid character '") + ch + "'");
    buffer = (buffer << 5) | static_cast<uint32_t>(v);
    bits += 5;
    if (bits >= 8) {
      raw.push_back(static_cast<uint8_t>(buffer >> (bits - 8)));
      bits -= 8;
    }
  }
  if (raw.size() < 4) return Status::Error("principal: too short for its checksum");
  std::vector<uint8_t> bytes(raw.begin() + 4, raw.end());
  if (bytes.size() > kMaxPrincipalBytes) return Status::Error("principal: more than 29 bytes");
  // Re-encoding catches a wrong checksum, wrong dashes, upper case and non-zero padding bits alike.
  if (principal_to_text(bytes) != text) {
    return Status::Error("principal: \"" + std::string(text) + "\" is not a valid principal text");
  }
  return bytes;
}

}  // namespace hyv::candid
