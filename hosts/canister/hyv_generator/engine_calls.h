// Calls from the generator to its engines (hyv_ai_engine.did), as Candid bytes, and their
// replies. Each call is best-effort with a timeout (kEngineCallTimeoutSeconds): an engine that
// never answers costs the job a retry, not a stuck call context (and the generator stays
// upgradable: a canister with guaranteed-response calls outstanding cannot stop).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "hyv/service/generation_run.h"
#include "hyv/status.h"
#include "pool.h"

namespace hyv::generator {

struct GenerateReply {
  uint64_t session = 0;
  std::string text;  // new text of this call
  uint64_t new_tokens = 0;
  bool done = false;
  std::string finish_reason;
  std::string model_sha256;
};

std::vector<uint8_t> generate_start_arg(const std::string& model,
                                        const service::SampleRequest& request);
std::vector<uint8_t> generate_continue_arg(uint64_t session);
// An Err variant is an error carrying the engine's message.
Result<GenerateReply> decode_generate_reply(std::span<const uint8_t> bytes);
Result<std::vector<EngineModel>> decode_models_loaded(std::span<const uint8_t> bytes);
// model_load's answer: true when loaded, false when Pending (call again), an error for Err.
Result<bool> decode_model_load_reply(std::span<const uint8_t> bytes);

// Sends `method(arg)` to `engine`; the outcome arrives as Generator::on_generate_reply /
// on_call_failed with `call` (or, for models_loaded, updates the pool). An error means nothing
// was sent.
Status send_generate_call(uint64_t call, const std::vector<uint8_t>& engine,
                          const std::string& method, const std::vector<uint8_t>& arg);
Status send_models_loaded(const std::vector<uint8_t>& engine);
// Asks the engine to load a model it holds (model_load, again while it answers Pending), then to
// say what it has loaded; the outcome lands in the pool (engines_list shows an Err as the
// engine's last error).
Status send_model_load(const std::vector<uint8_t>& engine, const std::string& model,
                       const std::string& quantize);

}  // namespace hyv::generator
