// The bytes of a StoreOp batch in a stable log record (kStoreBatch), little-endian:
//   u32 op count, then per op: u8 kind (1 put, 2 remove), u32 key bytes, key,
//   and for a put: u32 value bytes, value.
// Values fit u32 because the Store caps them at 4 MiB.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "hyv/service/store.h"
#include "hyv/status.h"

namespace hyv::service {

std::string encode_store_batch(const std::vector<StoreOp>& batch);
// Fails (without naming where: the caller knows the record) on bytes encode_store_batch did not
// make.
Result<std::vector<StoreOp>> decode_store_batch(std::string_view bytes);

}  // namespace hyv::service
