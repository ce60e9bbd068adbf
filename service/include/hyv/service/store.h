// Store: the key-value storage every service component keeps its state in. The native host puts
// it on SQLite, the canister on stable memory, tests and small deployments on MemoryStore.
//
// Invariants every implementation keeps (tests/service/store_conformance.h checks them; a new
// implementation instantiates that suite):
//   - Keys are namespaced: "<namespace>/<rest>", namespace = 1..32 of [a-z0-9_], rest non-empty;
//     a key is at most kMaxKeyBytes bytes and contains no NUL. Invalid keys are refused with an
//     error and change nothing.
//   - Values are arbitrary bytes up to kMaxValueBytes.
//   - get of an absent key is ok and returns std::nullopt; remove of an absent key is ok.
//   - list(prefix) returns every pair whose key starts with prefix, sorted by key bytes
//     (unsigned, as std::string compares), so "dataset/" lists one namespace.
//   - apply(batch) is all or nothing: on error nothing of the batch is visible; on success every
//     op is applied in order (a later op on the same key wins).
//   - A Status error from a store is the caller's to surface; it never leaves a partial write.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hyv/status.h"

namespace hyv::service {

inline constexpr size_t kMaxKeyBytes = 512;
inline constexpr size_t kMaxValueBytes = 4 * 1024 * 1024;

struct StoreOp {
  enum class Kind { kPut, kRemove };
  Kind kind = Kind::kPut;
  std::string key;
  std::string value;  // kPut only

  static StoreOp Put(std::string key, std::string value) {
    return {Kind::kPut, std::move(key), std::move(value)};
  }
  static StoreOp Remove(std::string key) { return {Kind::kRemove, std::move(key), {}}; }
};

using KeyValue = std::pair<std::string, std::string>;

class Store {
 public:
  virtual ~Store() = default;

  virtual Result<std::optional<std::string>> get(std::string_view key) const = 0;
  virtual Status put(std::string_view key, std::string_view value) = 0;
  virtual Status remove(std::string_view key) = 0;
  virtual Result<std::vector<KeyValue>> list(std::string_view prefix) const = 0;
  virtual Status apply(const std::vector<StoreOp>& batch) = 0;
};

// Checks the key rules above; the message names the key and what is wrong.
Status validate_key(std::string_view key);
Status validate_value(std::string_view key, std::string_view value);
// Checks every op of a batch, so implementations can refuse a bad batch before touching anything.
Status validate_batch(const std::vector<StoreOp>& batch);

// "<ns>/<a>/<b>...": joins parts with '/'. Parts must not contain '/' themselves (checked by the
// callers that take ids from users, see valid_id in dataset_manifest.h).
std::string make_key(std::string_view ns, std::initializer_list<std::string_view> parts);

}  // namespace hyv::service
