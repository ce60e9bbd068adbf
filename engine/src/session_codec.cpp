// GenerationSession's binary form, so one generation can span canister calls or processes.
//
// Version 1, little-endian throughout (u32 lengths before every list and string):
//   "HYVSESS\0"  u32 version  u64 total bytes (this header and the checksum included)
//   model shape: u32 n_layer, n_head, n_embd, n_positions, vocab_size, u8 weight type,
//                u32 tokenizer vocab size
//   request:     f32 temperature, i32 top_k, f32 top_p, f32 min_p, f32 repeat_penalty,
//                f32 frequency_penalty, f32 presence_penalty, i32 repeat_last_n, u64 seed,
//                i32 max_tokens, u8 stop_at_eos, u32 n + strings (stop), u32 n + i32 (prompt)
//   progress:    u32 n + i32 (generated), u8 finish reason, 4 x u64 RNG state,
//                strings raw_tail, held, emitted
//   KV cache:    u32 n_tokens, then k and v as f32 [layer][position < n_tokens][n_embd]
//   u64 FNV-1a of every byte before it
// The weights themselves are not identified: restore() checks the shape, and the host should
// restore onto the model it started with.
#include "byte_codec.h"
#include "hyv/engine/utf8_text.h"
#include "session_impl.h"

namespace hyv::engine {
namespace {

constexpr char kMagic[8] = {'H', 'Y', 'V', 'S', 'E', 'S', 'S', '\0'};
constexpr uint32_t kVersion = 1;

void write_shape(StateWriter& w, const Gpt2Model& model, const BpeTokenizer& tokenizer) {
  const Gpt2Config& c = model.config();
  for (int v : {c.n_layer, c.n_head, c.n_embd, c.n_positions, c.vocab_size}) w.u32(uint32_t(v));
  w.u8(uint8_t(model.weight_type()));
  w.u32(uint32_t(tokenizer.vocab_size()));
}

Status check_shape(StateReader& r, const Gpt2Model& model, const BpeTokenizer& tokenizer) {
  const Gpt2Config& c = model.config();
  const char* names[] = {"n_layer", "n_head", "n_embd", "n_positions", "vocab_size"};
  int64_t expected[] = {c.n_layer, c.n_head, c.n_embd, c.n_positions, c.vocab_size};
  for (int i = 0; i < 5; ++i) {
    int64_t got = r.u32(names[i]);
    if (!r.failed() && got != expected[i]) {
      return Status::Error("session was made with a model of " + std::string(names[i]) + "=" +
                           std::to_string(got) + " but this model has " +
                           std::to_string(expected[i]) + ": restore it onto the same model");
    }
  }
  uint8_t type = r.u8("weight type");
  if (!r.failed() && type != uint8_t(model.weight_type())) {
    return Status::Error(
        "session was made with other weights (f32 vs q8) than this model's: restore it onto a "
        "model loaded the same way");
  }
  int64_t vocab = r.u32("tokenizer vocab size");
  if (!r.failed() && vocab != tokenizer.vocab_size()) {
    return Status::Error("session was made with a tokenizer of " + std::to_string(vocab) +
                         " tokens but this one has " + std::to_string(tokenizer.vocab_size()));
  }
  return Status::Ok();
}

void write_request(StateWriter& w, const GenerationRequest& q) {
  write_sampling(w, q.sampling);
  w.i32(q.max_tokens);
  w.u8(q.stop_at_eos ? 1 : 0);
  w.u32(uint32_t(q.stop.size()));
  for (const auto& s : q.stop) w.str(s);
  w.ids(q.prompt);
}

GenerationRequest read_request(StateReader& r) {
  GenerationRequest q;
  q.sampling = read_sampling(r);
  q.max_tokens = r.i32("max_tokens");
  q.stop_at_eos = r.u8("stop_at_eos") != 0;
  uint32_t n_stop = r.u32("stop string count");
  for (uint32_t i = 0; i < n_stop && !r.failed(); ++i) q.stop.push_back(r.str("stop string"));
  q.prompt = r.ids("prompt");
  return q;
}

// The cache for positions [0, n_tokens) of every layer, for k then v.
void write_cache(StateWriter& w, const KvCache& c) {
  w.u32(uint32_t(c.n_tokens));
  for (const auto* buf : {&c.k, &c.v}) {
    for (int l = 0; l < c.n_layer; ++l) {
      w.floats(buf->data() + size_t(l) * c.capacity_tokens * c.n_embd,
               size_t(c.n_tokens) * c.n_embd);
    }
  }
}

Status read_cache(StateReader& r, KvCache& c) {
  uint32_t n = r.u32("cached token count");
  if (r.failed()) return Status::Ok();
  if (n > uint32_t(c.capacity_tokens)) {
    return Status::Error("session state holds " + std::to_string(n) +
                         " cached tokens, more than its request allows (" +
                         std::to_string(c.capacity_tokens) + ")");
  }
  c.n_tokens = int(n);
  for (auto* buf : {&c.k, &c.v}) {
    for (int l = 0; l < c.n_layer; ++l) {
      r.floats(buf->data() + size_t(l) * c.capacity_tokens * c.n_embd, size_t(n) * c.n_embd,
               "KV cache");
    }
  }
  return Status::Ok();
}

// What must hold between steps for restore() to resume correctly (see session.h).
Status check_progress(const SessionState& s, const Gpt2Config& config) {
  for (int32_t id : s.generated) {
    if (id < 0 || id >= config.vocab_size)
      return Status::Error("session state has generated token id " + std::to_string(id) +
                           " outside the vocabulary");
  }
  if (int64_t(s.generated.size()) > s.request.max_tokens ||
      int64_t(s.tokens.size()) > config.n_positions)
    return Status::Error("session state has more generated tokens than its request allows");
  if (uint8_t(s.finish) > uint8_t(FinishReason::context_full))
    return Status::Error("session state has an unknown finish reason " +
                         std::to_string(int(s.finish)));
  int64_t cached = s.cache.n_tokens, n = int64_t(s.tokens.size());
  bool done = s.finish != FinishReason::none;
  bool consistent = s.generated.empty() ? cached < n : cached == n - 1;
  if (done) consistent = cached <= n;
  if (!consistent)
    return Status::Error("session state caches " + std::to_string(cached) + " of " +
                         std::to_string(n) + " tokens, which no step leaves behind");
  if (s.raw_tail.size() > 3 || complete_utf8_prefix(s.raw_tail) != 0 || find_invalid_utf8(s.held) ||
      find_invalid_utf8(s.emitted))
    return Status::Error("session state's pending text is not the UTF-8 a session keeps");
  return Status::Ok();
}

}  // namespace

std::vector<uint8_t> GenerationSession::serialize() const {
  const Impl& s = *impl_;
  StateWriter w = begin_frame(kMagic, kVersion);
  write_shape(w, *s.model, *s.tokenizer);
  write_request(w, s.request);
  w.ids(s.generated);
  w.u8(uint8_t(s.finish));
  for (uint64_t word : s.rng.state()) w.u64(word);
  w.str(s.raw_tail);
  w.str(s.held);
  w.str(s.emitted);
  write_cache(w, s.cache);
  return end_frame(std::move(w));
}

Result<GenerationSession> GenerationSession::restore(const Gpt2Model& model,
                                                     const BpeTokenizer& tokenizer, Bytes state) {
  auto body = open_frame(state, kMagic, kVersion, "a Hyv generation session");
  if (!body.ok()) return body.status();
  StateReader r(body.value());
  HYV_RETURN_IF_ERROR(check_shape(r, model, tokenizer));

  GenerationSession session;
  Impl& s = *session.impl_;
  s.model = &model;
  s.tokenizer = &tokenizer;
  s.request = read_request(r);
  if (r.failed()) return Status::Error(r.error());
  HYV_RETURN_IF_ERROR(validate_request(model.config(), s.request).with_context("session request"));
  s.generated = r.ids("generated tokens");
  s.tokens = s.request.prompt;
  s.tokens.insert(s.tokens.end(), s.generated.begin(), s.generated.end());
  s.finish = FinishReason(r.u8("finish reason"));
  std::array<uint64_t, 4> rng_state{};
  for (auto& word : rng_state) word = r.u64("RNG state");
  s.rng.set_state(rng_state);
  s.raw_tail = r.str("pending bytes");
  s.held = r.str("held text");
  s.emitted = r.str("emitted text");
  s.cache = model.make_cache(session_cache_capacity(model.config(), s.request));
  HYV_RETURN_IF_ERROR(read_cache(r, s.cache));
  if (r.failed()) return Status::Error(r.error());
  if (r.remaining() != 0)
    return Status::Error("session state has " + std::to_string(r.remaining()) +
                         " unexpected bytes before its checksum");
  HYV_RETURN_IF_ERROR(check_progress(s, model.config()));
  return session;
}

}  // namespace hyv::engine
