#include "sessions.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include "hyv/ic0/api.h"
#include "hyv/service/request_model.h"
#include "principal_lists.h"
#include "saved_sessions.h"

namespace hyv::canister {
namespace {

struct Session {
  std::vector<uint8_t> owner;
  std::shared_ptr<const LoadedModelEntry> model;  // keeps it alive if the name is reloaded
  GenerateParams params;
  uint32_t prompt_tokens = 0;
  uint64_t last_used_ns = 0;
  engine::GenerationSession session;
};

struct Table {
  uint64_t next_id = 1;
  std::map<uint64_t, Session> sessions;
  // Saved at an upgrade, waiting for their model to be loaded again (saved_sessions.h).
  std::map<uint64_t, SavedSession> saved;
};

Table& table() {
  static auto* t = new Table;
  return *t;
}

template <typename Map>
void expire(Map& m, uint64_t now_ns) {
  for (auto it = m.begin(); it != m.end();) {
    it = now_ns - it->second.last_used_ns > kSessionIdleNs ? m.erase(it) : std::next(it);
  }
}

void expire_idle(uint64_t now_ns) {
  expire(table().sessions, now_ns);
  expire(table().saved, now_ns);
}

// A saved session whose model is loaded again (same sha256 and weights) becomes a live one.
Status revive(uint64_t id, const SavedSession& saved) {
  std::shared_ptr<const LoadedModelEntry> model = find_loaded(saved.params.model);
  if (model == nullptr || model->sha256_hex != saved.model_sha256 ||
      model->weights != saved.weights) {
    return Status::Error("session " + std::to_string(id) +
                         " was saved at an upgrade and waits for model '" + saved.params.model +
                         "' (sha256 " + saved.model_sha256 + ", weights " + saved.weights +
                         "): load it with model_load to continue");
  }
  Result<engine::GenerationSession> restored =
      engine::GenerationSession::restore(model->model.model, model->model.tokenizer, saved.state);
  if (!restored.ok()) return restored.status().with_context("saved session");
  Session& s = table().sessions[id];
  s.owner = saved.owner;
  s.model = std::move(model);
  s.params = saved.params;
  s.prompt_tokens = saved.prompt_tokens;
  s.last_used_ns = saved.last_used_ns;
  s.session = std::move(restored.value());
  return Status::Ok();
}

// The request model's ranges (service/request_model.h), as every host checks them; the message
// names the request field ("params.max_tokens must be 1..4096 (got 0)").
Status check_params(const GenerateParams& p) {
  service::TextParams t;
  t.model = p.model;
  t.prompts = {p.prompt};
  t.samples = 1;
  t.max_tokens = static_cast<int>(std::min<uint32_t>(p.max_tokens, 1u << 30));
  t.temperature = p.temperature;
  t.top_k = static_cast<int>(std::min<uint32_t>(p.top_k, 1u << 30));
  t.top_p = p.top_p;
  t.min_p = p.min_p;
  t.repetition_penalty = p.repetition_penalty;
  t.stop = p.stop;
  t.seed = p.seed;
  return service::check_text_params(t);
}

engine::SamplingParams sampling_of(const GenerateParams& p) {
  engine::SamplingParams s;
  s.temperature = p.temperature;
  s.top_k = static_cast<int>(p.top_k);
  s.top_p = p.top_p;
  s.min_p = p.min_p;
  s.repeat_penalty = p.repetition_penalty;
  s.seed = p.seed;
  return s;
}

GenerateOutput output_of(uint64_t id, const Session& s, engine::StepOutput out) {
  GenerateOutput r;
  r.session = id;
  r.tokens = std::move(out.tokens);
  r.text = std::move(out.text);
  r.done = s.session.done();
  r.finish_reason = r.done ? engine::to_string(s.session.finish_reason()) : "";
  r.prompt_tokens = s.prompt_tokens;
  r.generated_tokens = static_cast<uint32_t>(s.session.generated_tokens().size());
  r.model_sha256 = s.model->sha256_hex;
  r.weights = s.model->weights;
  r.params = s.params;
  return r;
}

Result<GenerateOutput> run_step(uint64_t id, Session& s, uint64_t now_ns) {
  engine::StepBudget budget;
  CallBudget call_budget(kUpdateInstructionLimit);
  budget.exhausted = [&call_budget] { return call_budget.exhausted(); };
  budget.prefill_chunk_tokens = kPrefillChunkTokens;
  Result<engine::StepOutput> out = s.session.step(budget, nullptr);
  if (!out.ok()) {
    table().sessions.erase(id);
    return out.status();
  }
  s.last_used_ns = now_ns;
  GenerateOutput r = output_of(id, s, std::move(out.value()));
  // A finished session has nothing left to give: free its KV cache now.
  if (r.done) table().sessions.erase(id);
  return r;
}

Status not_loaded(const std::string& model) {
  if (std::optional<LoadProgress> p = pending_load(model)) {
    return Status::Error("model '" + model + "' is being loaded (" + std::to_string(p->done_bytes) +
                         " of " + std::to_string(p->total_bytes) +
                         " bytes read): call model_load again until it returns Ok");
  }
  return Status::Error("model '" + model + "' is not loaded: call model_load first");
}

// Tokenizes the prompt and starts the engine session (owner and time are the caller's to set).
Status start_session(std::shared_ptr<const LoadedModelEntry> model, GenerateParams params,
                     Session& s) {
  engine::GenerationRequest request;
  request.prompt =
      engine::encode_prompt(model->model.model.config(), model->model.tokenizer, params.prompt);
  if (request.prompt.empty()) {
    return Status::Error("prompt: empty, and the model has no <|endoftext|> to start from");
  }
  s.prompt_tokens = static_cast<uint32_t>(request.prompt.size());
  request.sampling = sampling_of(params);
  request.max_tokens = static_cast<int>(params.max_tokens);
  request.stop = params.stop;
  if (Status st = engine::validate(request.sampling); !st.ok()) return st;
  Result<engine::GenerationSession> started = engine::GenerationSession::start(
      model->model.model, model->model.tokenizer, std::move(request));
  if (!started.ok()) return started.status();
  s.session = std::move(started.value());
  s.model = std::move(model);
  s.params = std::move(params);
  return Status::Ok();
}

}  // namespace

CallBudget::CallBudget(uint64_t limit) : limit_(limit), last_(ic0::instruction_counter()) {}

bool CallBudget::exhausted() {
  const uint64_t now = ic0::instruction_counter();
  costliest_pass_ = std::max(costliest_pass_, now - last_);
  last_ = now;
  return now + costliest_pass_ + costliest_pass_ / 2 + kReplyReserveInstructions > limit_;
}

Result<GenerateOutput> generate_start(const std::vector<uint8_t>& caller, GenerateParams params,
                                      uint64_t now_ns) {
  expire_idle(now_ns);
  if (Status st = check_params(params); !st.ok()) return st;
  std::shared_ptr<const LoadedModelEntry> model = find_loaded(params.model);
  if (model == nullptr) return not_loaded(params.model);
  int open = 0;
  for (const auto& [id, s] : table().sessions) open += s.owner == caller ? 1 : 0;
  for (const auto& [id, s] : table().saved) open += s.owner == caller ? 1 : 0;
  const int most = generators().contains(caller) ? kMaxSessionsPerGenerator : kMaxSessionsPerCaller;
  if (open >= most) {
    return Status::Error("you have " + std::to_string(open) +
                         " open sessions, the most allowed: finish them or wait until they expire");
  }
  if (table().sessions.size() >= static_cast<size_t>(kMaxSessions)) {
    return Status::Error("the canister has the most sessions it allows open; try again later");
  }
  Session started;
  if (Status st = start_session(std::move(model), std::move(params), started); !st.ok()) {
    return st;
  }
  const uint64_t id = table().next_id++;
  Session& s = table().sessions[id];
  s = std::move(started);
  s.owner = caller;
  s.last_used_ns = now_ns;
  return run_step(id, s, now_ns);
}

Result<GenerateOutput> generate_query(GenerateParams params) {
  if (Status st = check_params(params); !st.ok()) return st;
  std::shared_ptr<const LoadedModelEntry> model = find_loaded(params.model);
  if (model == nullptr) return not_loaded(params.model);
  Session s;
  if (Status st = start_session(std::move(model), std::move(params), s); !st.ok()) return st;
  CallBudget call_budget(kQueryInstructionLimit);
  engine::StepBudget budget;
  budget.exhausted = [&call_budget] { return call_budget.exhausted(); };
  budget.prefill_chunk_tokens = kQueryPrefillChunkTokens;
  Result<engine::StepOutput> out = s.session.step(budget, nullptr);
  if (!out.ok()) return out.status();
  GenerateOutput r = output_of(0, s, std::move(out.value()));
  if (!r.done) r.finish_reason = kQueryBudgetReason;
  return r;
}

Result<GenerateOutput> generate_continue(const std::vector<uint8_t>& caller, uint64_t session,
                                         uint64_t now_ns) {
  expire_idle(now_ns);
  if (auto saved = table().saved.find(session);
      saved != table().saved.end() && saved->second.owner == caller) {
    if (Status st = revive(session, saved->second); !st.ok()) return st;
    table().saved.erase(saved);
  }
  auto it = table().sessions.find(session);
  // Another caller's session reads as unknown too: ids reveal nothing about others' sessions.
  if (it == table().sessions.end() || it->second.owner != caller) {
    return Status::Error("no open session " + std::to_string(session) +
                         " of yours (finished, expired after 10 minutes idle, or never "
                         "started)");
  }
  return run_step(session, it->second, now_ns);
}

std::vector<uint8_t> save_sessions() {
  SavedSessions all;
  all.next_id = table().next_id;
  for (const auto& [id, s] : table().sessions) {
    SavedSession x;
    x.id = id;
    x.owner = s.owner;
    x.model_sha256 = s.model->sha256_hex;
    x.weights = s.model->weights;
    x.params = s.params;
    x.prompt_tokens = s.prompt_tokens;
    x.last_used_ns = s.last_used_ns;
    x.state = s.session.serialize();
    all.sessions.push_back(std::move(x));
  }
  for (const auto& [id, s] : table().saved) all.sessions.push_back(s);
  return encode_saved_sessions(all);
}

Status restore_saved_sessions(std::span<const uint8_t> bytes) {
  Result<SavedSessions> all = decode_saved_sessions(bytes);
  if (!all.ok()) return all.status();
  table().next_id = std::max(table().next_id, all.value().next_id);
  for (SavedSession& s : all.value().sessions) {
    const uint64_t id = s.id;
    table().saved[id] = std::move(s);
  }
  return Status::Ok();
}

}  // namespace hyv::canister
