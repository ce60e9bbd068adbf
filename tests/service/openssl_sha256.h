// OpenSSL's SHA-256 as 64 lowercase hex digits: the independent oracle for the portable
// sha256_hex and for the digests a client declares in an upload.
#pragma once

#include <openssl/sha.h>

#include <string>

namespace hyv::service::testing {

inline std::string openssl_sha256_hex(const std::string& bytes) {
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), d);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : d) out += {hex[c >> 4], hex[c & 15]};
  return out;
}

}  // namespace hyv::service::testing
