// The Internet Computer's system API (module "ic0"), as raw wasm32 imports. Signatures follow the
// IC interface specification: I = i32 on wasm32, 64-bit values and stable64 addresses are i64.
// Only functions a canister actually calls become imports of the module (wasm-ld drops the rest).
// hyv/ic0/api.h wraps these for C++; call these directly only for what it lacks.
#pragma once

#include <cstdint>

#define HYV_IC0(name) __attribute__((import_module("ic0"), import_name(#name)))

extern "C" {
HYV_IC0(msg_arg_data_size) uint32_t ic0_msg_arg_data_size();
HYV_IC0(msg_arg_data_copy) void ic0_msg_arg_data_copy(uint32_t dst, uint32_t offset, uint32_t size);
HYV_IC0(msg_caller_size) uint32_t ic0_msg_caller_size();
HYV_IC0(msg_caller_copy) void ic0_msg_caller_copy(uint32_t dst, uint32_t offset, uint32_t size);
HYV_IC0(msg_reject_code) uint32_t ic0_msg_reject_code();
HYV_IC0(msg_reject_msg_size) uint32_t ic0_msg_reject_msg_size();
HYV_IC0(msg_reject_msg_copy)
void ic0_msg_reject_msg_copy(uint32_t dst, uint32_t offset, uint32_t size);
HYV_IC0(msg_deadline) uint64_t ic0_msg_deadline();
HYV_IC0(msg_reply_data_append) void ic0_msg_reply_data_append(uint32_t src, uint32_t size);
HYV_IC0(msg_reply) void ic0_msg_reply();
HYV_IC0(msg_reject) void ic0_msg_reject(uint32_t src, uint32_t size);
HYV_IC0(canister_self_size) uint32_t ic0_canister_self_size();
HYV_IC0(canister_self_copy)
void ic0_canister_self_copy(uint32_t dst, uint32_t offset, uint32_t size);
HYV_IC0(canister_cycle_balance128) void ic0_canister_cycle_balance128(uint32_t dst);
HYV_IC0(canister_liquid_cycle_balance128)
void ic0_canister_liquid_cycle_balance128(uint32_t dst);
HYV_IC0(canister_status) uint32_t ic0_canister_status();
// 128-bit cycle amounts: passed as (high, low) halves, returned as 16 little-endian bytes at dst.
HYV_IC0(msg_cycles_available128) void ic0_msg_cycles_available128(uint32_t dst);
HYV_IC0(msg_cycles_refunded128) void ic0_msg_cycles_refunded128(uint32_t dst);
HYV_IC0(msg_cycles_accept128)
void ic0_msg_cycles_accept128(uint64_t max_amount_high, uint64_t max_amount_low, uint32_t dst);
// Callbacks (reply_fun, reject_fun, call_on_cleanup's fun) are indices into the module's table
// of functions of type (env : i32) -> ().
HYV_IC0(call_new)
void ic0_call_new(uint32_t callee_src, uint32_t callee_size, uint32_t name_src, uint32_t name_size,
                  uint32_t reply_fun, uint32_t reply_env, uint32_t reject_fun, uint32_t reject_env);
HYV_IC0(call_on_cleanup) void ic0_call_on_cleanup(uint32_t fun, uint32_t env);
HYV_IC0(call_data_append) void ic0_call_data_append(uint32_t src, uint32_t size);
HYV_IC0(call_with_best_effort_response)
void ic0_call_with_best_effort_response(uint32_t timeout_seconds);
HYV_IC0(call_cycles_add128) void ic0_call_cycles_add128(uint64_t amount_high, uint64_t amount_low);
HYV_IC0(call_perform) uint32_t ic0_call_perform();
HYV_IC0(global_timer_set) uint64_t ic0_global_timer_set(uint64_t timestamp);
HYV_IC0(is_controller) uint32_t ic0_is_controller(uint32_t src, uint32_t size);
HYV_IC0(time) uint64_t ic0_time();
HYV_IC0(stable64_size) uint64_t ic0_stable64_size();
HYV_IC0(stable64_grow) int64_t ic0_stable64_grow(uint64_t new_pages);
HYV_IC0(stable64_write) void ic0_stable64_write(uint64_t offset, uint64_t src, uint64_t size);
HYV_IC0(stable64_read) void ic0_stable64_read(uint64_t dst, uint64_t offset, uint64_t size);
HYV_IC0(performance_counter) uint64_t ic0_performance_counter(uint32_t type);
HYV_IC0(debug_print) void ic0_debug_print(uint32_t src, uint32_t size);
[[noreturn]] HYV_IC0(trap) void ic0_trap(uint32_t src, uint32_t size);
}

#undef HYV_IC0
