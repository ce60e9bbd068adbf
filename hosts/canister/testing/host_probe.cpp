// A test fixture, not a product canister: the smallest module that lets tests/canister check the
// test host's IC semantics (rollback of trapped updates, queries that keep nothing, upgrades that
// keep only stable memory). It keeps one counter on the heap and one in stable memory.
//   update bump        adds 1 to both; traps afterwards if the argument's first byte is 1
//   query  bump_query  adds 1 to both (a query's changes must be discarded)
//   query  peek        both counters
//   update burn / query burn_query   bumps both, then loops N times (N: the argument, u64
//                      little-endian) and replies with performance_counter(0) before and after
//                      the loop (a long loop must hit the host's instruction limit and roll back)
// Replies are 16 raw bytes (two u64 little-endian), not Candid. Stable page 1 stays free for
// `ic-wasm instrument`, as in every canister the host counts instructions for.
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

constexpr uint64_t kStableBytes = 2 * hyv::ic0::kStablePageBytes;

void bump() {
  g_heap_counter += 1;
  if (!hyv::ic0::stable_ensure(kStableBytes)) hyv::ic0::trap("stable memory: cannot grow");
  uint64_t v = stable_counter() + 1;
  hyv::ic0::stable_write(0, {reinterpret_cast<const uint8_t*>(&v), sizeof v});
}

// A volatile, so that the compiler keeps every iteration of the loop.
volatile uint64_t g_sink = 0;

void burn() {
  bump();
  std::vector<uint8_t> arg = hyv::ic0::arg_data();
  uint64_t n = 0;
  for (size_t i = 0; i < arg.size() && i < 8; ++i) n |= uint64_t{arg[i]} << (8 * i);
  const uint64_t before = hyv::ic0::instruction_counter();
  for (uint64_t i = 0; i < n; ++i) g_sink = g_sink + i;
  uint64_t values[2] = {before, hyv::ic0::instruction_counter()};
  hyv::ic0::reply_raw({reinterpret_cast<const uint8_t*>(values), sizeof values});
}

}  // namespace

extern "C" HYV_CANISTER_EXPORT(canister_init) void canister_init() {
  hyv::ic0::initialize_runtime();
  if (!hyv::ic0::stable_ensure(kStableBytes)) hyv::ic0::trap("stable memory: cannot grow");
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

extern "C" HYV_CANISTER_UPDATE(burn) void burn_update() {
  burn();
}

extern "C" HYV_CANISTER_QUERY(burn_query) void burn_query() {
  burn();
}

extern "C" HYV_CANISTER_QUERY(peek) void peek() {
  reply_counters();
}
