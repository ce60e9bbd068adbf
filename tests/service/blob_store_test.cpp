// MemoryBlobStore against the BlobStore conformance suite, and the portable SHA-256 against
// OpenSSL.
#include <random>

#include "blob_store_conformance.h"
#include "hyv/service/memory_blob_store.h"
#include "openssl_sha256.h"

namespace hyv::service {
namespace {

INSTANTIATE_TEST_SUITE_P(Memory, BlobStoreConformance, ::testing::Values(BlobStoreFactory([] {
                           return std::unique_ptr<BlobStore>(std::make_unique<MemoryBlobStore>());
                         })));

using testing::openssl_sha256_hex;

TEST(Sha256Hex, MatchesOpenSsl) {
  std::mt19937 gen(1);
  for (size_t n : {0, 1, 55, 56, 63, 64, 65, 1000, 100000}) {
    std::string bytes(n, '\0');
    for (char& c : bytes) c = static_cast<char>(gen());
    EXPECT_EQ(sha256_hex(bytes), openssl_sha256_hex(bytes)) << n << " bytes";
  }
}

TEST(BlobNames, Rules) {
  EXPECT_TRUE(validate_blob_name("datasets/ds-1/samples.jsonl").ok());
  EXPECT_FALSE(validate_blob_name(std::string(kMaxBlobNameBytes + 1, 'a')).ok());
  EXPECT_FALSE(validate_blob_name("a/" + std::string(kMaxBlobPartBytes + 1, 'b')).ok());
  EXPECT_NE(validate_blob_name("a/.x").message().find("'.x'"), std::string::npos);
}

}  // namespace
}  // namespace hyv::service
