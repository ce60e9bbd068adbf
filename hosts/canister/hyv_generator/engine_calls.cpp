// The call half of engine_calls.h: best-effort calls to engines (hyv/ic0/call.h) whose outcomes
// come back to the Generator by the call's id (the callbacks' env).
#include "engine_calls.h"

#include <map>

#include "hyv/ic0/api.h"
#include "hyv/ic0/call.h"
#include "jobs.h"

namespace hyv::generator {
namespace {

int64_t now_ms() {
  return static_cast<int64_t>(ic0::time_ns() / 1'000'000);
}

std::string reject_text() {
  return ic0::reject_code_name(ic0::reject_code()) + ": " + ic0::reject_message();
}

void generate_replied(uint32_t call) {
  generator().on_generate_reply(call, ic0::arg_data(), now_ms());
  ic0::set_global_timer(ic0::time_ns() + 1);
}

void generate_rejected(uint32_t call) {
  generator().on_call_failed(call, reject_text(), now_ms());
  ic0::set_global_timer(ic0::time_ns() + 1);
}

// Both callbacks roll back when they trap; the cleanup then frees the sample for the next tick.
void generate_cleanup(uint32_t call) {
  generator().on_callback_trapped(call, now_ms());
  ic0::set_global_timer(ic0::time_ns() + 1);
}

// The engines asked for their models, by the call's env (heap only: an answer that comes back
// after an upgrade finds nothing and is dropped; engine_refresh asks again).
std::map<uint32_t, std::vector<uint8_t>>& refreshes() {
  static auto* m = new std::map<uint32_t, std::vector<uint8_t>>;
  return *m;
}
uint32_t g_next_refresh = 1;

void models_replied(uint32_t env) {
  auto it = refreshes().find(env);
  if (it == refreshes().end()) return;
  std::vector<uint8_t> engine = std::move(it->second);
  refreshes().erase(it);
  auto models = decode_models_loaded(ic0::arg_data());
  Status s = models.ok() ? generator().pool().set_engine_models(engine, std::move(models).value())
                         : generator().pool().record_outcome(engine, models.status().message());
  if (!s.ok()) ic0::debug_print("engine refresh: " + s.message());
}

void models_rejected(uint32_t env) {
  auto it = refreshes().find(env);
  if (it == refreshes().end()) return;
  (void)generator().pool().record_outcome(it->second, "models_loaded: " + reject_text());
  refreshes().erase(it);
}

}  // namespace

Status send_generate_call(uint64_t call, const std::vector<uint8_t>& engine,
                          const std::string& method, const std::vector<uint8_t>& arg) {
  ic0::CallRequest r;
  r.callee = engine;
  r.method = method;
  r.arg = arg;
  r.timeout_seconds = kEngineCallTimeoutSeconds;
  r.on_reply = generate_replied;
  r.reply_env = static_cast<uint32_t>(call);
  r.on_reject = generate_rejected;
  r.reject_env = static_cast<uint32_t>(call);
  r.on_cleanup = generate_cleanup;
  r.cleanup_env = static_cast<uint32_t>(call);
  return ic0::call(r);
}

Status send_models_loaded(const std::vector<uint8_t>& engine) {
  static const std::vector<uint8_t> kNoArgs = {'D', 'I', 'D', 'L', 0, 0};
  const uint32_t env = g_next_refresh++;
  ic0::CallRequest r;
  r.callee = engine;
  r.method = "models_loaded";
  r.arg = kNoArgs;
  r.timeout_seconds = kEngineCallTimeoutSeconds;
  r.on_reply = models_replied;
  r.reply_env = env;
  r.on_reject = models_rejected;
  r.reject_env = env;
  HYV_RETURN_IF_ERROR(ic0::call(r));
  refreshes()[env] = engine;
  return Status::Ok();
}

}  // namespace hyv::generator
