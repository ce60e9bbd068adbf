// A thin C++ layer over the ic0 system API: the current message's argument and caller, replies
// with Candid values (hyv_candid), rejects, controllers, time, stable memory and traps.
//
//   extern "C" HYV_CANISTER_QUERY(greet) void greet() {
//     hyv::ic0::Args args = hyv::ic0::decode_args(table, {prim(Op::Text)});  // rejects if bad
//     if (!args.ok) return;
//     hyv::ic0::reply(table, {prim(Op::Text)}, {Value::text_("hi " + args.values[0].text)});
//   }
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "hyv/candid/types.h"
#include "hyv/candid/value.h"

// Exports the IC calls: "canister_query NAME", "canister_update NAME", "canister_init", ...
#define HYV_CANISTER_QUERY(name) __attribute__((export_name("canister_query " #name)))
#define HYV_CANISTER_UPDATE(name) __attribute__((export_name("canister_update " #name)))
#define HYV_CANISTER_EXPORT(name) __attribute__((export_name(#name)))

namespace hyv::ic0 {

// The anonymous principal (0x04): callers that did not sign their message.
inline constexpr uint8_t kAnonymousPrincipal = 0x04;

std::vector<uint8_t> arg_data();
std::vector<uint8_t> caller();
bool caller_is_anonymous();
bool is_controller(std::span<const uint8_t> principal);
uint64_t time_ns();  // nanoseconds since 1970-01-01
// Instructions executed in the current message (counter type 0) so far.
uint64_t instruction_counter();

void debug_print(std::string_view text);
[[noreturn]] void trap(std::string_view message);

// Replies with raw bytes, or with values encoded as Candid; an encoding failure is our bug: trap.
void reply_raw(std::span<const uint8_t> bytes);
void reply(const candid::TypeTable& table, std::span<const candid::TypeRef> types,
           std::span<const candid::Value> values);
void reject(std::string_view message);

// The argument decoded to the expected types; when it is malformed the message has been rejected
// already (ok == false) and the caller just returns.
struct Args {
  bool ok = false;
  std::vector<candid::Value> values;
};
Args decode_args(const candid::TypeTable& table, std::span<const candid::TypeRef> expected);

// Stable memory in 64 KiB pages, 64-bit addresses.
inline constexpr uint64_t kStablePageBytes = 65536;
uint64_t stable_size_bytes();
// Grows so that [0, bytes) exists; false when the IC refuses (out of stable memory).
bool stable_ensure(uint64_t bytes);
void stable_read(uint64_t offset, std::span<uint8_t> out);
void stable_write(uint64_t offset, std::span<const uint8_t> data);

// Runs static constructors once; canister_init and canister_post_upgrade must call it first,
// because the IC, unlike a WASI host, never calls the reactor's _initialize.
void initialize_runtime();

}  // namespace hyv::ic0
