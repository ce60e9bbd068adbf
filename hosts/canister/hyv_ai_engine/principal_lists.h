// Principals the controllers name for a role, kept in stable memory next to the model directory
// (layout in model_store.h), each list kMaxListed slots of 32 bytes: a length byte (0 = free) and
// up to 29 principal bytes.
//   uploaders   may upload, delete and load models (besides the controllers)
//   generators  hyv_generator canisters this engine works for: their sessions are per job, not per
//               caller, so they get kMaxSessionsPerGenerator open sessions instead of the
//               per-caller limit
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "hyv/status.h"

namespace hyv::canister {

inline constexpr uint64_t kUploadersOffset = 32768;
inline constexpr uint64_t kGeneratorsOffset = 33280;
inline constexpr uint32_t kMaxListed = 16;

class PrincipalList {
 public:
  // For messages: one = "an uploader", many = "uploaders".
  PrincipalList(uint64_t offset, std::string one, std::string many)
      : offset_(offset), one_(std::move(one)), many_(std::move(many)) {}

  std::vector<std::vector<uint8_t>> list() const;
  bool contains(std::span<const uint8_t> principal) const;
  // Adding one already listed, or removing one not listed, is an error that names it.
  Status add(std::span<const uint8_t> principal) const;
  Status remove(std::span<const uint8_t> principal) const;

 private:
  uint64_t offset_;
  std::string one_;
  std::string many_;
};

const PrincipalList& uploaders();
const PrincipalList& generators();

}  // namespace hyv::canister
