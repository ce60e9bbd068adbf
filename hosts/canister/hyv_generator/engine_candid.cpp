// The Candid half of engine_calls.h: arguments for the engine's methods and its replies.
#include "engine_calls.h"
#include "engine_types.h"
#include "hyv/candid/decode.h"
#include "hyv/candid/encode.h"
#include "hyv/ic0/api.h"

namespace hyv::generator {
namespace {

using candid::Op;
using candid::Value;

uint32_t id_of(const char* name) {
  return candid::field_hash(name);
}

std::vector<uint8_t> encode_or_trap(const candid::TypeTable& t, candid::TypeRef type, Value v) {
  candid::TypeRef types[] = {type};
  Value values[] = {std::move(v)};
  auto bytes = candid::encode_args(t, types, values);
  // The values are ours and fit their types: a failure is a bug, so stop this message.
  if (!bytes.ok()) ic0::trap("encoding an engine call: " + bytes.status().message());
  return std::move(bytes).value();
}

}  // namespace

std::vector<uint8_t> generate_start_arg(const std::string& model, const service::SampleRequest& r) {
  EngineTypes types;
  std::vector<Value> stop;
  for (const std::string& s : r.stop) stop.push_back(Value::text_(s));
  Value request = Value::record(
      {id_of("model"), id_of("prompt"), id_of("max_tokens"), id_of("temperature"), id_of("top_k"),
       id_of("top_p"), id_of("min_p"), id_of("repetition_penalty"), id_of("seed"), id_of("stop")},
      {Value::text_(model), Value::text_(r.prompt),
       Value::fixed(Op::Nat32, static_cast<uint32_t>(r.max_tokens)),
       Value::float32(r.sampling.temperature),
       Value::fixed(Op::Nat32, static_cast<uint32_t>(std::max(r.sampling.top_k, 0))),
       Value::float32(r.sampling.top_p), Value::float32(r.sampling.min_p),
       Value::float32(r.sampling.repeat_penalty), Value::fixed(Op::Nat64, r.sampling.seed),
       Value::vec(std::move(stop))});
  return encode_or_trap(types.t, types.generate_request, std::move(request));
}

std::vector<uint8_t> generate_continue_arg(uint64_t session) {
  EngineTypes types;
  return encode_or_trap(types.t, candid::prim(Op::Nat64), Value::fixed(Op::Nat64, session));
}

Result<GenerateReply> decode_generate_reply(std::span<const uint8_t> bytes) {
  EngineTypes types;
  candid::TypeRef expected[] = {types.result_generate};
  auto values = candid::decode_args(bytes, types.t, expected);
  if (!values.ok()) return values.status().with_context("the engine's reply");
  const Value& result = values.value()[0];
  if (result.ids[0] == id_of("Err")) {
    return Status::Error(StatusCode::kUnknown, "the engine said: " + result.items[0].text);
  }
  const Value& ok = result.items[0];
  GenerateReply r;
  r.session = ok.field(id_of("session"))->bits;
  r.text = ok.field(id_of("text"))->text;
  r.new_tokens = ok.field(id_of("tokens"))->items.size();
  r.done = ok.field(id_of("done"))->boolean;
  r.finish_reason = ok.field(id_of("finish_reason"))->text;
  r.model_sha256 = ok.field(id_of("model_sha256"))->text;
  return r;
}

Result<std::vector<EngineModel>> decode_models_loaded(std::span<const uint8_t> bytes) {
  EngineTypes types;
  candid::TypeRef expected[] = {types.loaded_models};
  auto values = candid::decode_args(bytes, types.t, expected);
  if (!values.ok()) return values.status().with_context("the engine's models_loaded reply");
  std::vector<EngineModel> out;
  for (const Value& m : values.value()[0].items) {
    out.push_back({m.field(id_of("name"))->text, m.field(id_of("sha256"))->text,
                   m.field(id_of("weights"))->text});
  }
  return out;
}

Result<bool> decode_model_load_reply(std::span<const uint8_t> bytes) {
  EngineTypes types;
  candid::TypeRef expected[] = {types.result_load};
  auto values = candid::decode_args(bytes, types.t, expected);
  if (!values.ok()) return values.status().with_context("the engine's model_load reply");
  const Value& result = values.value()[0];
  if (result.ids[0] == id_of("Err")) {
    return Status::Error("model_load: the engine said: " + result.items[0].text);
  }
  return result.ids[0] == id_of("Ok");
}

}  // namespace hyv::generator
