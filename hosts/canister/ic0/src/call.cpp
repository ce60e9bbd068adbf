#include "hyv/ic0/call.h"

#include <cstring>

#include "hyv/ic0/ic0.h"

namespace hyv::ic0 {
namespace {

uint32_t addr(const void* p) {
  return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(p));
}

// The IC writes 128-bit amounts as 16 little-endian bytes (wasm32 is little-endian too).
Cycles from_le(const uint8_t (&bytes)[16]) {
  uint64_t low = 0;
  uint64_t high = 0;
  std::memcpy(&low, bytes, 8);
  std::memcpy(&high, bytes + 8, 8);
  return (Cycles{high} << 64) | low;
}

Cycles read_cycles(void (*get)(uint32_t)) {
  uint8_t bytes[16] = {};
  get(addr(bytes));
  return from_le(bytes);
}

uint64_t high_half(Cycles c) {
  return static_cast<uint64_t>(c >> 64);
}

uint64_t low_half(Cycles c) {
  return static_cast<uint64_t>(c);
}

// Cycle amounts in messages, in decimal. Long division on 32-bit limbs: 128-bit division would
// pull compiler-rt's __umodti3, which Debian builds with a stack protector a canister lacks.
std::string decimal(Cycles c) {
  uint32_t limbs[4] = {static_cast<uint32_t>(c >> 96), static_cast<uint32_t>(c >> 64),
                       static_cast<uint32_t>(c >> 32), static_cast<uint32_t>(c)};
  std::string digits;
  bool more = true;
  while (more) {
    uint64_t rem = 0;
    more = false;
    for (uint32_t& limb : limbs) {
      const uint64_t cur = (rem << 32) | limb;
      limb = static_cast<uint32_t>(cur / 10);
      rem = cur % 10;
      more = more || limb != 0;
    }
    digits.insert(digits.begin(), static_cast<char>('0' + rem));
  }
  return digits;
}

// A function pointer on wasm32 is its index in the module's function table.
uint32_t table_index(Callback f) {
  return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(f));
}

}  // namespace

std::string reject_code_name(RejectCode code) {
  switch (code) {
    case RejectCode::kNone:
      return "no reject";
    case RejectCode::kSysFatal:
      return "SYS_FATAL";
    case RejectCode::kSysTransient:
      return "SYS_TRANSIENT";
    case RejectCode::kDestinationInvalid:
      return "DESTINATION_INVALID";
    case RejectCode::kCanisterReject:
      return "CANISTER_REJECT";
    case RejectCode::kCanisterError:
      return "CANISTER_ERROR";
    case RejectCode::kSysUnknown:
      return "SYS_UNKNOWN";
  }
  return "reject code " + std::to_string(static_cast<uint32_t>(code));
}

Status call(const CallRequest& request) {
  const std::string what = "call to '" + std::string(request.method) + "'";
  if (request.on_reply == nullptr || request.on_reject == nullptr) {
    return Status::Error(StatusCode::kInternal, what +
                                                    ": both a reply and a reject callback are "
                                                    "required (the IC runs one of them)");
  }
  // ic0.call_cycles_add128 traps when the amount is more than the canister may spend; a Status
  // lets the caller record the failure instead of losing the whole message.
  if (request.cycles != 0) {
    const Cycles liquid = liquid_cycle_balance();
    if (request.cycles > liquid) {
      return Status::Error(StatusCode::kBusy, what + ": " + decimal(request.cycles) +
                                                  " cycles attached but only " + decimal(liquid) +
                                                  " can be spent");
    }
  }
  ic0_call_new(addr(request.callee.data()), static_cast<uint32_t>(request.callee.size()),
               addr(request.method.data()), static_cast<uint32_t>(request.method.size()),
               table_index(request.on_reply), request.reply_env, table_index(request.on_reject),
               request.reject_env);
  if (request.on_cleanup != nullptr) {
    ic0_call_on_cleanup(table_index(request.on_cleanup), request.cleanup_env);
  }
  if (!request.arg.empty()) {
    ic0_call_data_append(addr(request.arg.data()), static_cast<uint32_t>(request.arg.size()));
  }
  if (request.timeout_seconds) ic0_call_with_best_effort_response(*request.timeout_seconds);
  if (request.cycles != 0)
    ic0_call_cycles_add128(high_half(request.cycles), low_half(request.cycles));
  // 0: enqueued (exactly one callback will run). The only other value is 2: not enqueued, no
  // callback will run, the attached cycles are back in the balance. (The spec gives it SYS_FATAL's
  // meaning though 2 is SYS_TRANSIENT's number, so the message names the number, not a code.)
  const uint32_t err = ic0_call_perform();
  if (err == 0) return Status::Ok();
  return Status::Error(StatusCode::kBusy, what + ": the IC could not enqueue it (call_perform " +
                                              std::to_string(err) +
                                              "): out of resources, or the canister would fall "
                                              "below its freezing threshold");
}

RejectCode reject_code() {
  return static_cast<RejectCode>(ic0_msg_reject_code());
}

std::string reject_message() {
  // msg_reject_msg_size traps outside a reject callback, so ask only when there is a reject.
  if (ic0_msg_reject_code() == 0) return {};
  std::string text(ic0_msg_reject_msg_size(), '\0');
  ic0_msg_reject_msg_copy(addr(text.data()), 0, static_cast<uint32_t>(text.size()));
  return text;
}

Cycles cycles_refunded() {
  return read_cycles(ic0_msg_cycles_refunded128);
}

Cycles cycles_available() {
  return read_cycles(ic0_msg_cycles_available128);
}

Cycles accept_cycles(Cycles max) {
  uint8_t bytes[16] = {};
  ic0_msg_cycles_accept128(high_half(max), low_half(max), addr(bytes));
  return from_le(bytes);
}

uint64_t deadline_ns() {
  return ic0_msg_deadline();
}

uint64_t set_global_timer(uint64_t ns) {
  return ic0_global_timer_set(ns);
}

std::vector<uint8_t> self_id() {
  std::vector<uint8_t> bytes(ic0_canister_self_size());
  ic0_canister_self_copy(addr(bytes.data()), 0, static_cast<uint32_t>(bytes.size()));
  return bytes;
}

Cycles cycle_balance() {
  return read_cycles(ic0_canister_cycle_balance128);
}

Cycles liquid_cycle_balance() {
  return read_cycles(ic0_canister_liquid_cycle_balance128);
}

CanisterStatus canister_status() {
  return static_cast<CanisterStatus>(ic0_canister_status());
}

}  // namespace hyv::ic0
