// A test fixture, not a product canister: the smallest module that lets tests/canister check the
// test host's IC semantics (rollback of trapped updates, queries that keep nothing, upgrades that
// keep only stable memory, inter-canister calls, timers, cycles). It keeps one counter on the
// heap and one in stable memory, and on the heap what its calls and timers did.
//   update bump        adds 1 to both; traps afterwards if the argument's first byte is 1
//   query  bump_query  adds 1 to both (a query's changes must be discarded)
//   query  peek        both counters
//   update burn / query burn_query   bumps both, then loops N times (N: the argument, u64
//                      little-endian) and replies with performance_counter(0) before and after
//                      the loop (a long loop must hit the host's instruction limit and roll back)
// As a callee:
//   update echo        bumps both counters, appends its argument to the echo log, replies with it
//   update accept      accepts up to N of the cycles sent (N: u64 argument), replies the u64 taken
//   update fail        bumps both counters, then traps (the caller must see CANISTER_ERROR and
//                      this canister its counters unchanged)
//   update refuse      rejects with its argument as the message (CANISTER_REJECT)
//   update silent      returns without replying (CANISTER_ERROR: did not reply)
//   update info        msg_deadline u64, cycle balance (low u64, high u64), canister_status u32,
//                      own id (length byte, bytes), then the caller's id
// As a caller (CALL below is: callee id length byte, callee id, method length byte, method,
// cycles u64, timeout_seconds u32 with 0xffffffff for none, flags u8 with bit 0: trap in the
// callback after bumping the callback counter; bit 1, for fanout: the callbacks reply too, which
// must trap since fanout has replied already):
//   update relay       CALL, then the payload: one call; its callback replies to our caller with
//                      a kind byte (0: reply, else the reject code), the refunded cycles (u64),
//                      then the reply bytes or the reject message
//   update fanout      CALL, then a count n: n calls with argument [i] and tag i; replies [n] at
//                      once, the callbacks only record (reply log: the tags in callback order)
//   update arm         sets the global timer to N (u64 ns); replies the previous deadline
//   query  stats       u64s: heap counter, stable counter, callbacks, cleanups, timer firings
//   query  echo_log / reply_log   the logs above
// Callbacks get everything they need in env (flags and the tag), not from the heap, so that they
// still work after an upgrade while a call is out (the new module starts with a fresh heap).
// Replies are raw bytes (u64 little-endian), not Candid. Stable page 1 stays free for
// `ic-wasm instrument`, as in every canister the host counts instructions for.
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "hyv/ic0/api.h"
#include "hyv/ic0/call.h"

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

// What the calls and timers did (heap: an upgrade resets them, a trap rolls them back).
uint64_t g_callbacks = 0;
uint64_t g_cleanups = 0;
uint64_t g_timers = 0;
std::vector<uint8_t> g_echo_log;
std::vector<uint8_t> g_reply_log;

void put_u64(std::vector<uint8_t>& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

void put_u32(std::vector<uint8_t>& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

uint64_t u64_arg() {
  std::vector<uint8_t> arg = hyv::ic0::arg_data();
  uint64_t n = 0;
  for (size_t i = 0; i < arg.size() && i < 8; ++i) n |= uint64_t{arg[i]} << (8 * i);
  return n;
}

// Reads the CALL header of relay and fanout (see the top of the file); traps when it is short,
// since only tests send it.
struct Reader {
  const std::vector<uint8_t>& bytes;
  size_t at = 0;
  uint8_t u8() {
    if (at >= bytes.size()) hyv::ic0::trap("probe: argument too short");
    return bytes[at++];
  }
  uint64_t uint(int size) {
    uint64_t v = 0;
    for (int i = 0; i < size; ++i) v |= uint64_t{u8()} << (8 * i);
    return v;
  }
  std::vector<uint8_t> take(size_t n) {
    if (bytes.size() - at < n) hyv::ic0::trap("probe: argument too short");
    std::vector<uint8_t> out(bytes.begin() + static_cast<ptrdiff_t>(at),
                             bytes.begin() + static_cast<ptrdiff_t>(at + n));
    at += n;
    return out;
  }
};

struct CallHeader {
  std::vector<uint8_t> callee;
  std::string method;
  uint64_t cycles = 0;
  uint32_t timeout = 0;
  uint8_t flags = 0;
};

CallHeader read_header(Reader& r) {
  CallHeader h;
  h.callee = r.take(r.u8());
  std::vector<uint8_t> method = r.take(r.u8());
  h.method.assign(method.begin(), method.end());
  h.cycles = r.uint(8);
  h.timeout = static_cast<uint32_t>(r.uint(4));
  h.flags = r.u8();
  return h;
}

// env of every callback: bits 0..7 the flags, 8..15 the tag.
constexpr uint32_t kTrapInCallback = 1;
constexpr uint32_t kReplyToCaller = 2;

void finish_callback(uint32_t env, uint8_t kind, std::span<const uint8_t> body) {
  g_callbacks += 1;
  g_reply_log.push_back(static_cast<uint8_t>(env >> 8));
  if (env & kReplyToCaller) {
    std::vector<uint8_t> out{kind};
    put_u64(out, static_cast<uint64_t>(hyv::ic0::cycles_refunded()));
    out.insert(out.end(), body.begin(), body.end());
    hyv::ic0::reply_raw(out);
  }
  if (env & kTrapInCallback) hyv::ic0::trap("trap requested in the callback");
}

void on_reply(uint32_t env) {
  std::vector<uint8_t> bytes = hyv::ic0::arg_data();
  finish_callback(env, 0, bytes);
}

void on_reject(uint32_t env) {
  std::string message = hyv::ic0::reject_message();
  finish_callback(env, static_cast<uint8_t>(hyv::ic0::reject_code()),
                  {reinterpret_cast<const uint8_t*>(message.data()), message.size()});
}

void on_cleanup(uint32_t) {
  g_cleanups += 1;
}

// Starts one call; a refused call rejects our caller with the reason (no callback will run).
bool start_call(const CallHeader& h, std::span<const uint8_t> payload, uint32_t env) {
  hyv::ic0::CallRequest request{.callee = h.callee,
                                .method = h.method,
                                .arg = payload,
                                .cycles = h.cycles,
                                .on_reply = on_reply,
                                .reply_env = env,
                                .on_reject = on_reject,
                                .reject_env = env,
                                .on_cleanup = on_cleanup,
                                .cleanup_env = env};
  if (h.timeout != 0xffffffffu) request.timeout_seconds = h.timeout;
  hyv::Status s = hyv::ic0::call(request);
  if (!s.ok()) hyv::ic0::reject(s.message());
  return s.ok();
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

extern "C" HYV_CANISTER_UPDATE(echo) void echo() {
  bump();
  std::vector<uint8_t> arg = hyv::ic0::arg_data();
  g_echo_log.insert(g_echo_log.end(), arg.begin(), arg.end());
  hyv::ic0::reply_raw(arg);
}

extern "C" HYV_CANISTER_UPDATE(accept) void accept() {
  std::vector<uint8_t> out;
  put_u64(out, static_cast<uint64_t>(hyv::ic0::accept_cycles(u64_arg())));
  hyv::ic0::reply_raw(out);
}

extern "C" HYV_CANISTER_UPDATE(fail) void fail() {
  bump();
  hyv::ic0::trap("fail requested");
}

extern "C" HYV_CANISTER_UPDATE(refuse) void refuse() {
  std::vector<uint8_t> arg = hyv::ic0::arg_data();
  hyv::ic0::reject({reinterpret_cast<const char*>(arg.data()), arg.size()});
}

extern "C" HYV_CANISTER_UPDATE(silent) void silent() {
  bump();
}

extern "C" HYV_CANISTER_UPDATE(info) void info() {
  std::vector<uint8_t> out;
  put_u64(out, hyv::ic0::deadline_ns());
  const hyv::ic0::Cycles balance = hyv::ic0::cycle_balance();
  put_u64(out, static_cast<uint64_t>(balance));
  put_u64(out, static_cast<uint64_t>(balance >> 64));
  put_u32(out, static_cast<uint32_t>(hyv::ic0::canister_status()));
  std::vector<uint8_t> self = hyv::ic0::self_id();
  out.push_back(static_cast<uint8_t>(self.size()));
  out.insert(out.end(), self.begin(), self.end());
  std::vector<uint8_t> caller = hyv::ic0::caller();
  out.insert(out.end(), caller.begin(), caller.end());
  hyv::ic0::reply_raw(out);
}

extern "C" HYV_CANISTER_UPDATE(relay) void relay() {
  std::vector<uint8_t> arg = hyv::ic0::arg_data();
  Reader r{arg};
  CallHeader h = read_header(r);
  start_call(h, std::span<const uint8_t>(arg).subspan(r.at), h.flags | kReplyToCaller);
  // No reply here: the callback replies, in a message of its own.
}

extern "C" HYV_CANISTER_UPDATE(fanout) void fanout() {
  std::vector<uint8_t> arg = hyv::ic0::arg_data();
  Reader r{arg};
  CallHeader h = read_header(r);
  const uint8_t n = r.u8();
  for (uint32_t i = 0; i < n; ++i) {
    const uint8_t payload[1] = {static_cast<uint8_t>(i)};
    if (!start_call(h, payload, h.flags | (i << 8))) return;
  }
  const uint8_t out[1] = {n};
  hyv::ic0::reply_raw(out);
}

extern "C" HYV_CANISTER_UPDATE(arm) void arm() {
  std::vector<uint8_t> out;
  put_u64(out, hyv::ic0::set_global_timer(u64_arg()));
  hyv::ic0::reply_raw(out);
}

extern "C" HYV_CANISTER_EXPORT(canister_global_timer) void canister_global_timer() {
  g_timers += 1;
}

extern "C" HYV_CANISTER_QUERY(stats) void stats() {
  std::vector<uint8_t> out;
  for (uint64_t v : {g_heap_counter, stable_counter(), g_callbacks, g_cleanups, g_timers}) {
    put_u64(out, v);
  }
  hyv::ic0::reply_raw(out);
}

extern "C" HYV_CANISTER_QUERY(echo_log) void echo_log() {
  hyv::ic0::reply_raw(g_echo_log);
}

extern "C" HYV_CANISTER_QUERY(reply_log) void reply_log() {
  hyv::ic0::reply_raw(g_reply_log);
}
