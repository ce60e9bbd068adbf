// T5Session: the encoder once, then one decoder pass per token. As in GenerationSession, each
// loop iteration is "decode the last token, choose the next", so between steps only tokens,
// caches and the RNG have to survive (t5_session.h).
#include <cmath>
#include <utility>

#include "stop_strings.h"
#include "str_cat.h"
#include "t5_session_impl.h"

namespace hyv::engine {
namespace {

constexpr int kMaxT5Tokens = 4096;

// Releases the result's text that can no longer begin a stop string (all of it when final).
// Returns false when a stop string was found: the text is cut there.
bool release_text(T5SessionState& s, bool final, std::string& out) {
  std::string text = s.tokenizer->decode(s.result, final);
  // decode() keeps streamed text a prefix of later text; should a denormalizer break that, the
  // final text is what generated_text() reports.
  if (text.compare(0, s.emitted.size(), s.emitted) != 0) {
    if (!final) return true;
    s.emitted.clear();
  }
  std::string held = text.substr(s.emitted.size());
  const size_t stop = find_stop(held, s.request.stop);
  const bool found = stop != std::string::npos;
  if (found) held.resize(stop);
  const size_t keep = found || final ? 0 : stop_prefix_length(held, s.request.stop);
  out.append(held, 0, held.size() - keep);
  s.emitted.append(held, 0, held.size() - keep);
  return !found;
}

void accept(T5SessionState& s, int32_t id, StepOutput& out) {
  if (ends_generation(s, id)) {
    finish_t5(s, FinishReason::eos, out.text);
    return;
  }
  s.beams[0].tokens.push_back(id);
  s.result.push_back(id);
  out.tokens.push_back(id);
  if (!release_text(s, false, out.text)) {
    finish_t5(s, FinishReason::stop_string, out.text);
  } else if (int64_t(s.result.size()) >= s.request.max_tokens) {
    finish_t5(s, FinishReason::max_tokens, out.text);
  }
}

// The first step's work: the encoder, the cross-attention K/V, and the first beam.
Status start_decoding(T5SessionState& s, TaskRunner* runner) {
  HYV_RETURN_IF_ERROR(s.model->encode(s.request.source, s.encoder, runner).with_context("encoder"));
  auto decoder = s.model->start_decoder(s.encoder, t5_cache_capacity(s.request), runner);
  if (!decoder.ok()) return decoder.status();
  s.decoder = std::move(decoder).value();
  T5Beam first;
  first.tokens = {s.model->config().decoder_start_token_id};
  first.self_k = std::move(s.decoder.self_k);
  first.self_v = std::move(s.decoder.self_v);
  s.beams = {std::move(first)};
  s.encoded = true;
  return Status::Ok();
}

}  // namespace

Status validate_t5_request(const T5Config& c, const T5Request& request) {
  if (request.source.empty())
    return Status::Error("the source is empty: give at least one token (T5Tokenizer adds </s>)");
  for (size_t i = 0; i < request.source.size(); ++i) {
    int32_t id = request.source[i];
    if (id < 0 || id >= c.vocab_size) {
      return Status::Error(str_cat("source token ", std::to_string(i)) + " has id " +
                           std::to_string(id) + ", outside the model's vocabulary of " +
                           std::to_string(c.vocab_size));
    }
  }
  if (request.max_tokens < 1 || request.max_tokens > kMaxT5Tokens) {
    return Status::Error(str_cat("max_tokens must be in [1, ", std::to_string(kMaxT5Tokens)) +
                         "] (got " + std::to_string(request.max_tokens) + ")");
  }
  if (request.beams < 1 || request.beams > T5Request::kMaxBeams) {
    return Status::Error(str_cat("beams must be in [1, ", std::to_string(T5Request::kMaxBeams)) +
                         "] (got " + std::to_string(request.beams) + ")");
  }
  if (!std::isfinite(request.length_penalty))
    return Status::Error("length_penalty must be a finite number");
  for (const auto& s : request.stop) {
    if (s.empty()) return Status::Error("stop strings must not be empty");
  }
  if (request.end_tokens.size() > size_t(T5Request::kMaxEndTokens))
    return Status::Error("at most " + std::to_string(T5Request::kMaxEndTokens) + " end tokens");
  for (int32_t id : request.end_tokens) {
    if (id < 0 || id >= c.vocab_size)
      return Status::Error("end token " + std::to_string(id) + " is outside the vocabulary");
  }
  return validate(request.sampling);
}

Status decode_beam(T5SessionState& s, T5Beam& beam, TaskRunner* runner) {
  std::swap(beam.self_k, s.decoder.self_k);
  std::swap(beam.self_v, s.decoder.self_v);
  s.decoder.n_tokens = beam.n_cached;
  s.logits.resize(size_t(s.model->config().vocab_size));
  auto input = std::span<const int32_t>(beam.tokens).subspan(size_t(beam.n_cached));
  Status decoded = s.model->decode(s.decoder, input, s.logits, runner);
  beam.n_cached = s.decoder.n_tokens;
  std::swap(beam.self_k, s.decoder.self_k);
  std::swap(beam.self_v, s.decoder.self_v);
  return decoded.with_context("decoder");
}

void finish_t5(T5SessionState& s, FinishReason reason, std::string& out) {
  if (reason != FinishReason::stop_string && !release_text(s, true, out))
    reason = FinishReason::stop_string;
  s.finish = reason;
  s.beams.clear();  // their caches are not needed any more
  s.finished.clear();
}

Result<T5Session> T5Session::start(const T5Model& model, const T5Tokenizer& tokenizer,
                                   T5Request request) {
  HYV_RETURN_IF_ERROR(validate_t5_request(model.config(), request));
  T5Session session;
  Impl& s = *session.impl_;
  s.model = &model;
  s.tokenizer = &tokenizer;
  s.request = std::move(request);
  s.rng = Rng(s.request.sampling.seed);
  return session;
}

Result<StepOutput> T5Session::step(const StepBudget& budget, TaskRunner* runner) {
  Impl& s = *impl_;
  StepOutput out;
  if (s.finish == FinishReason::none && !s.encoded) {
    HYV_RETURN_IF_ERROR(start_decoding(s, runner).with_context("generation step"));
    if (budget.exhausted && budget.exhausted()) return out;
  }
  int produced = 0;
  while (s.finish == FinishReason::none && produced < budget.max_tokens) {
    if (s.request.beams > 1) {
      HYV_RETURN_IF_ERROR(beam_step(s, runner, out).with_context("generation step"));
    } else {
      T5Beam& beam = s.beams[0];
      HYV_RETURN_IF_ERROR(decode_beam(s, beam, runner).with_context("generation step"));
      accept(s, sample_token(s.logits, beam.tokens, s.request.sampling, s.rng, s.scratch), out);
    }
    ++produced;
    if (budget.exhausted && budget.exhausted()) break;
  }
  out.done = s.finish != FinishReason::none;
  return out;
}

bool T5Session::done() const {
  return impl_->finish != FinishReason::none;
}
FinishReason T5Session::finish_reason() const {
  return impl_->finish;
}
const std::vector<int32_t>& T5Session::generated_tokens() const {
  return impl_->result;
}
std::string T5Session::generated_text() const {
  return impl_->emitted;
}

T5Session::T5Session() : impl_(new Impl) {}
T5Session::~T5Session() {
  delete impl_;
}
T5Session::T5Session(T5Session&& other) noexcept : impl_(std::exchange(other.impl_, nullptr)) {}
T5Session& T5Session::operator=(T5Session&& other) noexcept {
  std::swap(impl_, other.impl_);
  return *this;
}

}  // namespace hyv::engine
