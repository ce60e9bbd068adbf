// A test fixture, not a product canister: the smallest module that lets tests/canister check the
// test host's IC semantics (rollback of trapped updates, queries that keep nothing, upgrades that
// keep only stable memory). It keeps one counter on the heap and one in stable memory.
//   update bump        adds 1 to both; traps afterwards if the argument's first byte is 1
//   query  bump_query  adds 1 to both (a query's changes must be discarded)
//   query  peek        both counters
// Replies are 16 raw bytes (heap counter, stable counter; u64 little-endian), not Candid.
#include <cstdint>
#include <vector>

#include "hyv/ic0/api.h"

namespace {

uint64_t g_heap_counter = 0;

uint64_t stable_counter() {
  if (hyv::ic0::stable_size_bytes() == 0) return 0;
  uint64_t v = 0;
  hyv::ic0::stable_read(0, {reinterpret_cast<uint8_t*>(&v), sizeof v});
  return v;
}

void reply_counters() {
  uint64_t values[2] = {g_heap_counter, stable_counter()};
  hyv::ic0::reply_raw({reinterpret_cast<const uint8_t*>(values), sizeof values});
}

void bump() {
  g_heap_counter += 1;
  if (!hyv::ic0::stable_ensure(8)) hyv::ic0::trap("stable memory: cannot grow");
  uint64_t v = stable_counter() + 1;
  hyv::ic0::stable_write(0, {reinterpret_cast<const uint8_t*>(&v), sizeof v});
}

}  // namespace

extern "C" HYV_CANISTER_EXPORT(canister_init) void canister_init() {
  hyv::ic0::initialize_runtime();
}

extern "C" HYV_CANISTER_EXPORT(canister_post_upgrade) void canister_post_upgrade() {
  hyv::ic0::initialize_runtime();
}

extern "C" HYV_CANISTER_UPDATE(bump) void bump_update() {
  bump();
  std::vector<uint8_t> arg = hyv::ic0::arg_data();
  if (!arg.empty() && arg[0] == 1) hyv::ic0::trap("trap requested after the changes");
  reply_counters();
}

extern "C" HYV_CANISTER_QUERY(bump_query) void bump_query() {
  bump();
  reply_counters();
}

extern "C" HYV_CANISTER_QUERY(peek) void peek() {
  reply_counters();
}
