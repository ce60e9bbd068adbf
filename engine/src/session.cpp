// GenerationSession: prefill the prompt in one batched forward pass, then decode one token per
// forward pass, sampling after each. Each loop iteration is "forward the last token, sample the
// next": the logits never outlive an iteration, so nothing but tokens, cache and RNG state has to
// survive between step() calls (see the invariant in session.h).
#include <algorithm>

#include "hyv/engine/utf8_text.h"
#include "session_impl.h"
#include "stop_strings.h"

namespace hyv::engine {

std::vector<int32_t> encode_prompt(const Gpt2Config& config, const BpeTokenizer& tokenizer,
                                   std::string_view prompt) {
  std::vector<int32_t> tokens = tokenizer.encode(prompt);
  if (!tokens.empty()) return tokens;
  int32_t bos = config.bos_token_id >= 0 ? config.bos_token_id : config.eos_token_id;
  if (bos < 0) bos = tokenizer.token_id("<|endoftext|>").value_or(-1);
  if (bos >= 0) tokens.push_back(bos);
  return tokens;
}

const char* to_string(FinishReason r) {
  switch (r) {
    case FinishReason::none:
      return "none";
    case FinishReason::max_tokens:
      return "max_tokens";
    case FinishReason::eos:
      return "eos";
    case FinishReason::stop_string:
      return "stop_string";
    case FinishReason::context_full:
      return "context_full";
  }
  return "unknown";
}

int session_cache_capacity(const Gpt2Config& config, const GenerationRequest& request) {
  int64_t prompt = int64_t(request.prompt.size());
  int64_t total = std::min<int64_t>(config.n_positions, prompt + request.max_tokens);
  return int(std::max(prompt, total - 1));
}

Status validate_request(const Gpt2Config& config, const GenerationRequest& request) {
  if (request.prompt.empty()) return Status::Error("the prompt is empty: give at least one token");
  if (int64_t(request.prompt.size()) >= config.n_positions) {
    return Status::Error("the prompt is " + std::to_string(request.prompt.size()) +
                         " tokens but the model's context holds " +
                         std::to_string(config.n_positions) +
                         " including at least one generated token: shorten the prompt");
  }
  for (size_t i = 0; i < request.prompt.size(); ++i) {
    int32_t id = request.prompt[i];
    if (id < 0 || id >= config.vocab_size) {
      return Status::Error("prompt token " + std::to_string(i) + " has id " + std::to_string(id) +
                           ", outside the model's vocabulary of " +
                           std::to_string(config.vocab_size));
    }
  }
  if (request.max_tokens < 1) {
    return Status::Error("max_tokens must be >= 1 (got " + std::to_string(request.max_tokens) +
                         ")");
  }
  for (const auto& s : request.stop) {
    if (s.empty()) return Status::Error("stop strings must not be empty");
  }
  return validate(request.sampling);
}

Result<GenerationSession> GenerationSession::start(const Gpt2Model& model,
                                                   const BpeTokenizer& tokenizer,
                                                   GenerationRequest request) {
  HYV_RETURN_IF_ERROR(validate_request(model.config(), request));
  GenerationSession session;
  Impl& s = *session.impl_;
  s.model = &model;
  s.tokenizer = &tokenizer;
  s.request = std::move(request);
  s.tokens = s.request.prompt;
  s.cache = model.make_cache(session_cache_capacity(model.config(), s.request));
  s.rng = Rng(s.request.sampling.seed);
  return session;
}

namespace {

// Releases held text that can no longer become a stop string; returns false when a stop string
// was found (the text is cut there and the session must end).
bool release_text(SessionState& s, std::string& out) {
  size_t stop = find_stop(s.held, s.request.stop);
  if (stop != std::string::npos) {
    s.held.resize(stop);
    out += s.held;
    s.emitted += s.held;
    s.held.clear();
    return false;
  }
  size_t keep = stop_prefix_length(s.held, s.request.stop);
  size_t release = s.held.size() - keep;
  out.append(s.held, 0, release);
  s.emitted.append(s.held, 0, release);
  s.held.erase(0, release);
  return true;
}

// Ends the session: at the end nothing is held back, and an unfinished UTF-8 sequence becomes
// U+FFFD so the text stays valid.
void finish(SessionState& s, FinishReason reason, std::string& out) {
  if (reason != FinishReason::stop_string) {
    append_sanitized_utf8(s.raw_tail, s.held);
    s.raw_tail.clear();
    if (!release_text(s, out)) reason = FinishReason::stop_string;
    out += s.held;
    s.emitted += s.held;
  }
  s.raw_tail.clear();
  s.held.clear();
  s.finish = reason;
}

void accept(SessionState& s, int32_t id, StepOutput& out) {
  const Gpt2Config& config = s.model->config();
  if (s.request.stop_at_eos && id == config.eos_token_id) {
    finish(s, FinishReason::eos, out.text);
    return;
  }
  s.tokens.push_back(id);
  s.generated.push_back(id);
  out.tokens.push_back(id);
  s.raw_tail += s.tokenizer->token_bytes(id);
  size_t complete = complete_utf8_prefix(s.raw_tail);
  append_sanitized_utf8(std::string_view(s.raw_tail).substr(0, complete), s.held);
  s.raw_tail.erase(0, complete);
  if (!release_text(s, out.text)) {
    finish(s, FinishReason::stop_string, out.text);
  } else if (int64_t(s.generated.size()) >= s.request.max_tokens) {
    finish(s, FinishReason::max_tokens, out.text);
  } else if (int64_t(s.tokens.size()) >= config.n_positions) {
    finish(s, FinishReason::context_full, out.text);
  }
}

}  // namespace

Result<StepOutput> GenerationSession::step(const StepBudget& budget, TaskRunner* runner) {
  Impl& s = *impl_;
  StepOutput out;
  int produced = 0;
  while (s.finish == FinishReason::none && produced < budget.max_tokens) {
    // The tokens not yet in the cache: the rest of the prompt (prefill), or the last sampled one.
    auto input = std::span<const int32_t>(s.tokens).subspan(size_t(s.cache.n_tokens));
    const bool partial =
        budget.prefill_chunk_tokens > 0 && input.size() > size_t(budget.prefill_chunk_tokens);
    if (partial) input = input.first(size_t(budget.prefill_chunk_tokens));
    // A partial prefill needs no logits, so the model skips its lm_head.
    s.logits.resize(partial ? 0 : size_t(s.model->config().vocab_size));
    Status forwarded = s.model->forward(s.cache, input, s.logits, runner);
    if (!forwarded.ok()) return forwarded.with_context("generation step");
    if (!partial) {
      int32_t id = sample_token(s.logits, s.tokens, s.request.sampling, s.rng, s.scratch);
      accept(s, id, out);
      ++produced;
    }
    if (budget.exhausted && budget.exhausted()) break;
  }
  out.done = s.finish != FinishReason::none;
  return out;
}

bool GenerationSession::done() const {
  return impl_->finish != FinishReason::none;
}
FinishReason GenerationSession::finish_reason() const {
  return impl_->finish;
}
const std::vector<int32_t>& GenerationSession::generated_tokens() const {
  return impl_->generated;
}
std::string GenerationSession::generated_text() const {
  return impl_->emitted;
}

GenerationSession::GenerationSession() : impl_(new Impl) {}
GenerationSession::~GenerationSession() {
  delete impl_;
}
GenerationSession::GenerationSession(GenerationSession&& other) noexcept
    : impl_(std::exchange(other.impl_, nullptr)) {}
GenerationSession& GenerationSession::operator=(GenerationSession&& other) noexcept {
  std::swap(impl_, other.impl_);
  return *this;
}

}  // namespace hyv::engine
