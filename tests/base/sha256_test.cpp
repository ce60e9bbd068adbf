// The portable SHA-256 of base/ (the canister and the service verify uploads with it) against the
// FIPS 180-4 examples and against OpenSSL, the native host's implementation, on random data hashed
// in random pieces (the canister hashes each upload chunk as it arrives, keeping the state in
// between).
#include "hyv/sha256.h"

#include <gtest/gtest.h>
#include <openssl/sha.h>

#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

std::string hex(const std::array<uint8_t, 32>& d) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (uint8_t b : d) {
    s += digits[b >> 4];
    s += digits[b & 15];
  }
  return s;
}

std::string hash_text(std::string_view s) {
  return hex(hyv::sha256({reinterpret_cast<const uint8_t*>(s.data()), s.size()}));
}

TEST(Sha256, FipsExamples) {
  EXPECT_EQ(hash_text(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hash_text("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hash_text("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(hash_text(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, MatchesOpenSslOnRandomPieces) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 300; ++round) {
    std::vector<uint8_t> data(rng() % 3000);
    for (auto& b : data) b = static_cast<uint8_t>(rng());
    std::array<uint8_t, 32> expected;
    SHA256(data.data(), data.size(), expected.data());

    hyv::Sha256 s;
    size_t at = 0;
    while (at < data.size()) {
      size_t n = std::min<size_t>(data.size() - at, rng() % 200);
      s.update({data.data() + at, n});
      at += n;
    }
    ASSERT_EQ(hex(s.finish()), hex(expected)) << "length " << data.size();
    // finish() must not disturb the running state: hashing more continues the same stream.
    s.update({data.data(), data.size()});
    std::vector<uint8_t> twice = data;
    twice.insert(twice.end(), data.begin(), data.end());
    SHA256(twice.data(), twice.size(), expected.data());
    ASSERT_EQ(hex(s.finish()), hex(expected)) << "length " << twice.size();
  }
}

}  // namespace
