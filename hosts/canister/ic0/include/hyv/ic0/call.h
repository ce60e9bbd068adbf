// Inter-canister calls, timers, cycles and the canister's own identity over the ic0 system API
// (IC interface specification, "Inter-canister method calls", "Cycles", "Global timer").
//
//   void on_reply(uint32_t job) { std::vector<uint8_t> bytes = hyv::ic0::arg_data(); ... }
//   void on_reject(uint32_t job) { note(job, hyv::ic0::reject_code(), hyv::ic0::reject_message());
//   } hyv::Status s = hyv::ic0::call({.callee = engine, .method = "generate_continue",
//                                   .arg = candid_bytes, .timeout_seconds = 60,
//                                   .on_reply = on_reply, .reply_env = job,
//                                   .on_reject = on_reject, .reject_env = job});
//
// How the IC runs a call, which is what code on top of this must be written for:
//   - nothing is sent until the current message ends without trapping: a trap after call() drops
//     the call with the rest of the message's changes;
//   - the state the message wrote before it returns is committed whatever the callee does later;
//     the reply or reject callback runs as a message of its own, on the state as it is then
//     (other messages may have run in between), and a trap in it rolls back only that callback;
//   - exactly one of on_reply / on_reject runs for every call that call() started; on_cleanup
//     runs only if that callback trapped, on the state from before the callback, so it is where a
//     lock taken for the call must be released;
//   - callbacks are wasm table indices (a function pointer on wasm32 is one): if the canister is
//     upgraded while a call is out, the callback runs in the new module at the same index, so
//     stop a canister before upgrading it unless its callbacks are stable across versions;
//   - requests from one canister to another start in the order they were made; replies come
//     back in any order.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hyv/status.h"

namespace hyv::ic0 {

// Cycles are 128-bit on the IC (balances can pass 2^64).
__extension__ typedef unsigned __int128 Cycles;

// Why a call was rejected (the spec's reject codes). The callee can only ever produce
// kCanisterReject itself (ic0.msg_reject); every other code comes from the IC.
enum class RejectCode : uint32_t {
  kNone = 0,                // not a reject: a reply callback
  kSysFatal = 1,            // the IC cannot deliver it; retrying is unlikely to help
  kSysTransient = 2,        // the IC is overloaded or the like; a retry may work
  kDestinationInvalid = 3,  // no such canister
  kCanisterReject = 4,      // the callee called ic0.msg_reject
  kCanisterError = 5,       // the callee trapped, did not reply, is stopped or has no such method
  kSysUnknown = 6,          // best-effort call timed out: the callee may or may not have run it
};
// "SYS_FATAL", "CANISTER_ERROR", ...; "reject code N" for codes the IC may add later.
std::string reject_code_name(RejectCode code);

// A callback of a call: on wasm32 a function pointer is its index in the module's table, which
// is what ic0.call_new takes, with env passed back to it.
using Callback = void (*)(uint32_t env);

struct CallRequest {
  std::span<const uint8_t> callee;  // the callee's principal, raw bytes
  std::string_view method;
  std::span<const uint8_t> arg;  // the argument, usually Candid bytes
  // Cycles sent with the call: taken from the balance now, and whatever the callee does not
  // accept comes back with the response (msg_cycles_refunded in the callback).
  Cycles cycles = 0;
  // A best-effort (bounded-wait) call: if no response arrives in about this many seconds the IC
  // answers SYS_UNKNOWN itself, and a late reply is dropped. Without it the call waits for a
  // response for as long as the callee takes (a guaranteed response; a canister with such a call
  // open stays 'stopping' until it is answered).
  std::optional<uint32_t> timeout_seconds;
  Callback on_reply = nullptr;  // required
  uint32_t reply_env = 0;
  Callback on_reject = nullptr;  // required
  uint32_t reject_env = 0;
  Callback on_cleanup = nullptr;  // optional
  uint32_t cleanup_env = 0;
};

// Starts the call (ic0.call_new ... ic0.call_perform). An error when a callback is missing, the
// cycles are more than the canister can spend (checked first, because the IC traps there) or the
// IC refuses to enqueue it (call_perform returns 2: no resources, or the canister would fall below
// its freezing threshold); then no callback runs and the cycles stay in the balance.
Status call(const CallRequest& request);

// In a reject callback (or the cleanup after one): why; kNone in a reply callback. The reply's
// bytes are arg_data() (hyv/ic0/api.h) in the reply callback.
RejectCode reject_code();
// The reject message; empty outside a reject callback (the IC traps there, so we do not ask).
std::string reject_message();
// In a callback: the cycles the callee did not accept, already added back to the balance.
Cycles cycles_refunded();

// In an update method: the cycles the caller sent that are not accepted yet. Whatever is left
// when the method replies or rejects goes back to the caller.
Cycles cycles_available();
// Moves up to max of the available cycles into the balance; returns how many it moved.
Cycles accept_cycles(Cycles max);
// When the caller of a best-effort call stops waiting (ns since 1970-01-01); 0 when it waits
// for as long as it takes (ingress messages and calls without a timeout).
uint64_t deadline_ns();

// Asks the IC to run canister_global_timer once time passes ns (since 1970-01-01); 0 cancels.
// Returns the previous deadline (0: none). There is one timer per canister: setting it replaces
// the old deadline, it is cleared when it fires and by an upgrade, and a message that traps
// leaves it as it was.
uint64_t set_global_timer(uint64_t ns);

// This canister's own principal, raw bytes.
std::vector<uint8_t> self_id();
// The balance now, less the cycles sent with calls this message made.
Cycles cycle_balance();
// What the canister may spend now (the balance less what it must keep so that it is not frozen).
Cycles liquid_cycle_balance();

enum class CanisterStatus : uint32_t { kRunning = 1, kStopping = 2, kStopped = 3 };
// Stopping: new calls to this canister are rejected while its own calls finish; a canister sees
// kStopped in an upgrade only if a controller stopped it first.
CanisterStatus canister_status();

}  // namespace hyv::ic0
