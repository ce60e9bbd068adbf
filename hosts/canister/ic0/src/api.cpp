#include "hyv/ic0/api.h"

#include "hyv/candid/decode.h"
#include "hyv/candid/encode.h"
#include "hyv/ic0/ic0.h"

extern "C" void _initialize();  // wasi-libc's reactor entry: runs the static constructors

namespace hyv::ic0 {
namespace {

uint32_t addr(const void* p) {
  return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(p));
}

bool g_initialized = false;

}  // namespace

std::vector<uint8_t> arg_data() {
  std::vector<uint8_t> bytes(ic0_msg_arg_data_size());
  ic0_msg_arg_data_copy(addr(bytes.data()), 0, static_cast<uint32_t>(bytes.size()));
  return bytes;
}

std::vector<uint8_t> caller() {
  std::vector<uint8_t> bytes(ic0_msg_caller_size());
  ic0_msg_caller_copy(addr(bytes.data()), 0, static_cast<uint32_t>(bytes.size()));
  return bytes;
}

bool caller_is_anonymous() {
  std::vector<uint8_t> c = caller();
  return c.size() == 1 && c[0] == kAnonymousPrincipal;
}

bool is_controller(std::span<const uint8_t> principal) {
  return ic0_is_controller(addr(principal.data()), static_cast<uint32_t>(principal.size())) == 1;
}

uint64_t time_ns() {
  return ic0_time();
}

uint64_t instruction_counter() {
  return ic0_performance_counter(0);
}

void debug_print(std::string_view text) {
  ic0_debug_print(addr(text.data()), static_cast<uint32_t>(text.size()));
}

void trap(std::string_view message) {
  ic0_trap(addr(message.data()), static_cast<uint32_t>(message.size()));
}

void reply_raw(std::span<const uint8_t> bytes) {
  if (!bytes.empty()) {
    ic0_msg_reply_data_append(addr(bytes.data()), static_cast<uint32_t>(bytes.size()));
  }
  ic0_msg_reply();
}

void reply(const candid::TypeTable& table, std::span<const candid::TypeRef> types,
           std::span<const candid::Value> values) {
  Result<std::vector<uint8_t>> bytes = candid::encode_args(table, types, values);
  if (!bytes.ok()) trap("encoding the reply failed: " + bytes.status().message());
  reply_raw(bytes.value());
}

void reject(std::string_view message) {
  ic0_msg_reject(addr(message.data()), static_cast<uint32_t>(message.size()));
}

Args decode_args(const candid::TypeTable& table, std::span<const candid::TypeRef> expected) {
  std::vector<uint8_t> bytes = arg_data();
  Result<std::vector<candid::Value>> values = candid::decode_args(bytes, table, expected);
  if (!values.ok()) {
    reject("malformed Candid argument: " + values.status().message());
    return {};
  }
  return {true, std::move(values).value()};
}

uint64_t stable_size_bytes() {
  return ic0_stable64_size() * kStablePageBytes;
}

bool stable_ensure(uint64_t bytes) {
  uint64_t have = ic0_stable64_size();
  uint64_t need = (bytes + kStablePageBytes - 1) / kStablePageBytes;
  if (need <= have) return true;
  return ic0_stable64_grow(need - have) != -1;
}

void stable_read(uint64_t offset, std::span<uint8_t> out) {
  if (!out.empty()) ic0_stable64_read(addr(out.data()), offset, out.size());
}

void stable_write(uint64_t offset, std::span<const uint8_t> data) {
  if (!data.empty()) ic0_stable64_write(offset, addr(data.data()), data.size());
}

void initialize_runtime() {
  if (g_initialized) return;
  g_initialized = true;
  _initialize();
}

}  // namespace hyv::ic0
