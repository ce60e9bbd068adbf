// The call half of engine_calls.h: best-effort calls to engines (hyv/ic0/call.h) whose outcomes
// come back to the Generator by the call's id (the callbacks' env).
#include "engine_calls.h"

#include <map>

#include "engine_types.h"
#include "hyv/candid/encode.h"
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

// Every call to an engine is best-effort with the same timeout; env comes back to each callback.
Status call_engine(const std::vector<uint8_t>& engine, std::string_view method,
                   std::span<const uint8_t> arg, ic0::Callback on_reply, ic0::Callback on_reject,
                   uint32_t env, ic0::Callback on_cleanup = nullptr) {
  ic0::CallRequest r;
  r.callee = engine;
  r.method = method;
  r.arg = arg;
  r.timeout_seconds = kEngineCallTimeoutSeconds;
  r.on_reply = on_reply;
  r.reply_env = env;
  r.on_reject = on_reject;
  r.reject_env = env;
  r.on_cleanup = on_cleanup;
  r.cleanup_env = env;
  return ic0::call(r);
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

// Loads in progress, by the call's env (heap only, like refreshes).
struct Load {
  std::vector<uint8_t> engine;
  std::string model, quantize;
};
std::map<uint32_t, Load>& loads() {
  static auto* m = new std::map<uint32_t, Load>;
  return *m;
}

void load_replied(uint32_t env);
void load_rejected(uint32_t env);

Status send_load(Load load) {
  EngineTypes types;
  candid::Value arg = candid::Value::record(
      {candid::field_hash("name"), candid::field_hash("quantize")},
      {candid::Value::text_(load.model),
       load.quantize.empty() ? candid::Value::none()
                             : candid::Value::some(candid::Value::text_(load.quantize))});
  candid::TypeRef t[] = {types.model_load_arg};
  candid::Value v[] = {std::move(arg)};
  auto bytes = candid::encode_args(types.t, t, v);
  if (!bytes.ok()) return bytes.status();
  const uint32_t env = g_next_refresh++;
  HYV_RETURN_IF_ERROR(
      call_engine(load.engine, "model_load", bytes.value(), load_replied, load_rejected, env));
  loads()[env] = std::move(load);
  return Status::Ok();
}

void load_replied(uint32_t env) {
  auto it = loads().find(env);
  if (it == loads().end()) return;
  Load load = std::move(it->second);
  loads().erase(it);
  auto state = decode_model_load_reply(ic0::arg_data());
  Status s = !state.ok() ? generator().pool().record_outcome(load.engine, state.status().message())
             : state.value() ? send_models_loaded(load.engine)  // loaded
                             : send_load(std::move(load));      // pending: call again
  if (!s.ok()) ic0::debug_print("model load: " + s.message());
}

void load_rejected(uint32_t env) {
  auto it = loads().find(env);
  if (it == loads().end()) return;
  (void)generator().pool().record_outcome(it->second.engine, "model_load: " + reject_text());
  loads().erase(it);
}

}  // namespace

Status send_model_load(const std::vector<uint8_t>& engine, const std::string& model,
                       const std::string& quantize) {
  return send_load(Load{engine, model, quantize});
}

Status send_generate_call(uint64_t call, const std::vector<uint8_t>& engine,
                          const std::string& method, const std::vector<uint8_t>& arg) {
  return call_engine(engine, method, arg, generate_replied, generate_rejected,
                     static_cast<uint32_t>(call), generate_cleanup);
}

Status send_models_loaded(const std::vector<uint8_t>& engine) {
  static const std::vector<uint8_t> kNoArgs = {'D', 'I', 'D', 'L', 0, 0};
  const uint32_t env = g_next_refresh++;
  HYV_RETURN_IF_ERROR(
      call_engine(engine, "models_loaded", kNoArgs, models_replied, models_rejected, env));
  refreshes()[env] = engine;
  return Status::Ok();
}

}  // namespace hyv::generator
