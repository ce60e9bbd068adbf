// Principals the controllers authorise to upload and delete models, kept in stable memory next to
// the model directory (layout in model_store.h): kMaxUploaders slots of 32 bytes at
// kUploadersOffset, each a length byte (0 = free) and up to 29 principal bytes.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "hyv/status.h"

namespace hyv::canister {

inline constexpr uint64_t kUploadersOffset = 32768;
inline constexpr uint32_t kMaxUploaders = 16;

std::vector<std::vector<uint8_t>> uploaders_list();
bool is_uploader(std::span<const uint8_t> principal);
// Adding one already listed, or removing one not listed, is an error that names it.
Status uploaders_add(std::span<const uint8_t> principal);
Status uploaders_remove(std::span<const uint8_t> principal);

}  // namespace hyv::canister
