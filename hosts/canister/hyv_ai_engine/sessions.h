// Generation sessions on the heap (saved to stable memory at an upgrade), keyed by id and owned by
// the principal that started them. Each update call runs GenerationSession::step while another
// forward pass surely fits in the IC's 40B instructions per update call (CallBudget), so a
// generation, and a long prompt's prefill, spans as many calls as it needs with no token repeated
// or lost.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "hyv/engine/session.h"
#include "hyv/service/request_model.h"
#include "hyv/status.h"
#include "loaded_models.h"

namespace hyv::canister {

// The IC's instructions per message.
inline constexpr uint64_t kUpdateInstructionLimit = 40'000'000'000;
inline constexpr uint64_t kQueryInstructionLimit = 5'000'000'000;
// Kept for what follows the last forward pass: detokenizing, the reply's Candid encoding, the
// session table. Measured ~0.001B for a 253-token reply (bench/canister.mjs,
// after_last_pass_instructions); the rest is margin for what the test host does not count.
inline constexpr uint64_t kReplyReserveInstructions = 200'000'000;

// Decides after each forward pass whether another one surely fits: the costliest pass of this
// call so far, with half again as margin (a decode pass grows slowly with the context), plus the
// reply reserve, must stay within the limit.
class CallBudget {
 public:
  explicit CallBudget(uint64_t limit);
  bool exhausted();

 private:
  uint64_t limit_;
  uint64_t last_;
  uint64_t costliest_pass_ = 0;
};
// Prompt tokens per forward pass of the prefill, so a long prompt spreads over calls.
inline constexpr int kPrefillChunkTokens = 64;
// Smaller in a query: its 5B hold only a few 64-token passes of a DistilGPT-2-size f32 model
// (~7.5B each), and the budget can only stop between passes.
inline constexpr int kQueryPrefillChunkTokens = 16;
inline constexpr int kMaxSessionsPerCaller = 4;
// A generator canister (principal_lists.h) opens one session per job it runs here.
inline constexpr int kMaxSessionsPerGenerator = 64;
inline constexpr int kMaxSessions = 256;
inline constexpr uint64_t kSessionIdleNs = uint64_t{10} * 60 * 1'000'000'000;  // 10 minutes
// The request model's range (service/request_model.h).
inline constexpr int kMaxGenerateTokens = static_cast<int>(service::fields::kMaxTokens.max);

struct GenerateParams {
  std::string model;
  std::string prompt;
  uint32_t max_tokens = 0;
  float temperature = 0;
  uint32_t top_k = 0;
  float top_p = 1;
  float min_p = 0;
  float repetition_penalty = 1;
  uint64_t seed = 0;
  std::vector<std::string> stop;
};

struct GenerateOutput {
  uint64_t session = 0;
  std::vector<int32_t> tokens;  // new this call
  std::string text;             // new this call
  bool done = false;
  std::string finish_reason;  // "" until done
  uint32_t prompt_tokens = 0;
  uint32_t generated_tokens = 0;  // in the whole session so far
  std::string model_sha256;
  std::string weights;
  GenerateParams params;
};

Result<GenerateOutput> generate_start(const std::vector<uint8_t>& caller, GenerateParams params,
                                      uint64_t now_ns);
Result<GenerateOutput> generate_continue(const std::vector<uint8_t>& caller, uint64_t session,
                                         uint64_t now_ns);
// A whole generation within one query's 5B instructions, keeping nothing: session 0; when the
// budget runs out first the reply has done = false and finish_reason kQueryBudgetReason.
inline constexpr const char* kQueryBudgetReason = "query_budget";
Result<GenerateOutput> generate_query(GenerateParams params);

// Every open session as bytes (saved_sessions.h), for canister_pre_upgrade; and back, for
// canister_post_upgrade: they wait until their model is loaded again, then generate_continue
// goes on where they stopped.
std::vector<uint8_t> save_sessions();
Status restore_saved_sessions(std::span<const uint8_t> bytes);

}  // namespace hyv::canister
