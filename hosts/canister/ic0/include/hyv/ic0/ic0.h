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
HYV_IC0(msg_reply_data_append) void ic0_msg_reply_data_append(uint32_t src, uint32_t size);
HYV_IC0(msg_reply) void ic0_msg_reply();
HYV_IC0(msg_reject) void ic0_msg_reject(uint32_t src, uint32_t size);
HYV_IC0(canister_self_size) uint32_t ic0_canister_self_size();
HYV_IC0(canister_self_copy)
void ic0_canister_self_copy(uint32_t dst, uint32_t offset, uint32_t size);
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
