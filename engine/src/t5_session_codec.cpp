// T5Session's binary form, so one encoder-decoder generation can span canister calls or processes.
//
// Version 1, in byte_codec.h's frame ("HYVT5SS\0"), little-endian, u32 lengths before lists:
//   model shape: u32 d_model, d_kv, d_ff, num_layers, num_decoder_layers, num_heads, vocab_size,
//                u8 weight type, u32 tokenizer vocab size
//   request:     sampling (byte_codec.h), i32 max_tokens, u8 stop_at_eos, i32 beams,
//                f32 length_penalty, u32 n + strings (stop), u32 n + i32 (source),
//                u32 n + i32 (end_tokens)
//   progress:    u8 encoded, u8 finish reason, 4 x u64 RNG state, string emitted, ids result
//   encoder:     (when encoded) u32 n_tokens, f32 [n_tokens][d_model]
//   finished:    u32 n, each ids generated, f64 score, u8 eos
//   beams:       u32 n, each ids tokens, f64 score, u32 n_cached, then self k and v as
//                f32 [layer][position < n_cached][num_heads * d_kv]
// The cross-attention K/V is not stored: restore() recomputes it from the encoder output, which
// gives the same floats.
#include "byte_codec.h"
#include "hyv/engine/utf8_text.h"
#include "str_cat.h"
#include "t5_session_impl.h"

namespace hyv::engine {
namespace {

constexpr char kMagic[8] = {'H', 'Y', 'V', 'T', '5', 'S', 'S', '\0'};
constexpr uint32_t kVersion = 1;
constexpr int kShapeFields = 7;

void shape_of(const T5Config& c, int (&v)[kShapeFields]) {
  int s[kShapeFields] = {c.d_model,   c.d_kv,      c.d_ff, c.num_layers, c.num_decoder_layers,
                         c.num_heads, c.vocab_size};
  std::copy(s, s + kShapeFields, v);
}

void write_shape(StateWriter& w, const T5Model& model, const T5Tokenizer& tokenizer) {
  int v[kShapeFields];
  shape_of(model.config(), v);
  for (int x : v) w.u32(uint32_t(x));
  w.u8(uint8_t(model.weight_type()));
  w.u32(uint32_t(tokenizer.vocab_size()));
}

Status check_shape(StateReader& r, const T5Model& model, const T5Tokenizer& tokenizer) {
  const char* names[kShapeFields] = {
      "d_model", "d_kv", "d_ff", "num_layers", "num_decoder_layers", "num_heads", "vocab_size"};
  int expected[kShapeFields];
  shape_of(model.config(), expected);
  for (int i = 0; i < kShapeFields; ++i) {
    int64_t got = r.u32(names[i]);
    if (!r.failed() && got != expected[i]) {
      return Status::Error(str_cat("session was made with a model of ", names[i]) + "=" +
                           std::to_string(got) + " but this model has " +
                           std::to_string(expected[i]) + ": restore it onto the same model");
    }
  }
  uint8_t type = r.u8("weight type");
  if (!r.failed() && type != uint8_t(model.weight_type()))
    return Status::Error("session was made with other weights (f32 vs q8) than this model's");
  int64_t vocab = r.u32("tokenizer vocab size");
  if (!r.failed() && vocab != tokenizer.vocab_size())
    return Status::Error("session was made with a tokenizer of " + std::to_string(vocab) +
                         " tokens but this one has " + std::to_string(tokenizer.vocab_size()));
  return Status::Ok();
}

void write_request(StateWriter& w, const T5Request& q) {
  write_sampling(w, q.sampling);
  w.i32(q.max_tokens);
  w.u8(q.stop_at_eos ? 1 : 0);
  w.i32(q.beams);
  w.f32(q.length_penalty);
  w.u32(uint32_t(q.stop.size()));
  for (const auto& s : q.stop) w.str(s);
  w.ids(q.source);
  w.ids(q.end_tokens);
}

T5Request read_request(StateReader& r) {
  T5Request q;
  q.sampling = read_sampling(r);
  q.max_tokens = r.i32("max_tokens");
  q.stop_at_eos = r.u8("stop_at_eos") != 0;
  q.beams = r.i32("beams");
  q.length_penalty = r.f32("length_penalty");
  uint32_t n_stop = r.u32("stop string count");
  for (uint32_t i = 0; i < n_stop && !r.failed(); ++i) q.stop.push_back(r.str("stop string"));
  q.source = r.ids("source");
  q.end_tokens = r.ids("end tokens");
  return q;
}

// Positions [0, n) of every layer of a cache laid out [layer][capacity][inner].
template <class Float, class Fn>
void for_cache_rows(Float* cache, const T5DecoderState& d, int n, Fn fn) {
  for (int l = 0; l < d.n_layer; ++l)
    fn(cache + size_t(l) * d.capacity_tokens * d.inner, size_t(n) * d.inner);
}

void write_beam(StateWriter& w, const T5Beam& b, const T5DecoderState& d) {
  w.ids(b.tokens);
  w.f64(b.score);
  w.u32(uint32_t(b.n_cached));
  for (const auto* cache : {&b.self_k, &b.self_v}) {
    for_cache_rows(cache->data(), d, b.n_cached, [&](const float* p, size_t n) { w.floats(p, n); });
  }
}

Status read_beam(StateReader& r, const T5DecoderState& d, T5Beam& b) {
  b.tokens = r.ids("beam tokens");
  b.score = r.f64("beam score");
  uint32_t n = r.u32("beam cached tokens");
  if (r.failed()) return Status::Ok();
  if (n > uint32_t(d.capacity_tokens) || b.tokens.size() != size_t(n) + 1)
    return Status::Error("session state has a beam of " + std::to_string(b.tokens.size()) +
                         " tokens with " + std::to_string(n) + " cached, which no step leaves");
  b.n_cached = int(n);
  const size_t size = size_t(d.n_layer) * d.capacity_tokens * d.inner;
  b.self_k.assign(size, 0.0f);
  b.self_v.assign(size, 0.0f);
  for (auto* cache : {&b.self_k, &b.self_v}) {
    for_cache_rows(cache->data(), d, b.n_cached,
                   [&](float* p, size_t count) { r.floats(p, count, "beam cache"); });
  }
  return Status::Ok();
}

Status read_encoder(StateReader& r, const T5Model& model, T5SessionState& s, TaskRunner* runner) {
  const int d_model = model.config().d_model;
  uint32_t n = r.u32("encoder token count");
  if (!r.fits(uint64_t(n) * uint64_t(d_model), sizeof(float), "encoder output"))
    return Status::Ok();
  if (n != s.request.source.size())
    return Status::Error("session state's encoder output has " + std::to_string(n) +
                         " tokens but its source has " + std::to_string(s.request.source.size()));
  s.encoder.n_tokens = int(n);
  s.encoder.hidden.resize(size_t(n) * d_model);
  r.floats(s.encoder.hidden.data(), s.encoder.hidden.size(), "encoder output");
  auto decoder = model.start_decoder(s.encoder, t5_cache_capacity(s.request), runner);
  if (!decoder.ok()) return decoder.status();
  s.decoder = std::move(decoder).value();
  return Status::Ok();
}

Status read_finished(StateReader& r, T5SessionState& s) {
  uint32_t n = r.u32("finished count");
  if (!r.failed() && n > uint32_t(s.request.beams))
    return Status::Error("session state has more finished hypotheses than beams");
  for (uint32_t i = 0; i < n && !r.failed(); ++i) {
    T5Hypothesis h;
    h.generated = r.ids("hypothesis tokens");
    h.score = r.f64("hypothesis score");
    h.eos = r.u8("hypothesis eos") != 0;
    s.finished.push_back(std::move(h));
  }
  return Status::Ok();
}

Status read_beams(StateReader& r, T5SessionState& s) {
  uint32_t n = r.u32("beam count");
  if (r.failed()) return Status::Ok();
  const bool live = s.encoded && s.finish == FinishReason::none;
  if (n > uint32_t(s.request.beams) || (live && n == 0) || (!live && n != 0))
    return Status::Error("session state has " + std::to_string(n) +
                         " live beams, which no step leaves behind");
  s.beams.resize(n);
  for (auto& b : s.beams) {
    HYV_RETURN_IF_ERROR(read_beam(r, s.decoder, b));
    if (r.failed()) break;
  }
  return Status::Ok();
}

// Token ids in the vocabulary, lengths within the request, and the sampling beam's tokens the
// result's: what the next step() relies on.
Status check_progress(const T5SessionState& s, const T5Config& c) {
  auto in_vocab = [&](const std::vector<int32_t>& ids) {
    for (int32_t id : ids) {
      if (id < 0 || id >= c.vocab_size) return false;
    }
    return true;
  };
  bool ok = in_vocab(s.result) && int64_t(s.result.size()) <= s.request.max_tokens;
  for (const auto& h : s.finished) ok = ok && in_vocab(h.generated);
  for (const auto& b : s.beams) {
    ok = ok && in_vocab(b.tokens) && b.tokens[0] == c.decoder_start_token_id &&
         int64_t(b.tokens.size()) - 1 < s.request.max_tokens + 1;
  }
  if (ok && s.request.beams == 1 && !s.beams.empty())
    ok = std::equal(s.result.begin(), s.result.end(), s.beams[0].tokens.begin() + 1,
                    s.beams[0].tokens.end());
  if (!ok)
    return Status::Error("session state's tokens are not ones a session of this model keeps");
  if (uint8_t(s.finish) > uint8_t(FinishReason::context_full))
    return Status::Error("session state has an unknown finish reason " +
                         std::to_string(int(s.finish)));
  if (find_invalid_utf8(s.emitted))
    return Status::Error("session state's emitted text is not valid UTF-8");
  return Status::Ok();
}

}  // namespace

std::vector<uint8_t> T5Session::serialize() const {
  const Impl& s = *impl_;
  StateWriter w = begin_frame(kMagic, kVersion);
  write_shape(w, *s.model, *s.tokenizer);
  write_request(w, s.request);
  w.u8(s.encoded ? 1 : 0);
  w.u8(uint8_t(s.finish));
  for (uint64_t word : s.rng.state()) w.u64(word);
  w.str(s.emitted);
  w.ids(s.result);
  if (s.encoded) {
    w.u32(uint32_t(s.encoder.n_tokens));
    w.floats(s.encoder.hidden.data(), s.encoder.hidden.size());
  }
  w.u32(uint32_t(s.finished.size()));
  for (const auto& h : s.finished) {
    w.ids(h.generated);
    w.f64(h.score);
    w.u8(h.eos ? 1 : 0);
  }
  w.u32(uint32_t(s.beams.size()));
  for (const auto& b : s.beams) write_beam(w, b, s.decoder);
  return end_frame(std::move(w));
}

Result<T5Session> T5Session::restore(const T5Model& model, const T5Tokenizer& tokenizer,
                                     Bytes state, TaskRunner* runner) {
  auto body = open_frame(state, kMagic, kVersion, "a Hyv T5 generation session");
  if (!body.ok()) return body.status();
  StateReader r(body.value());
  HYV_RETURN_IF_ERROR(check_shape(r, model, tokenizer));
  T5Session session;
  Impl& s = *session.impl_;
  s.model = &model;
  s.tokenizer = &tokenizer;
  s.request = read_request(r);
  if (r.failed()) return Status::Error(r.error());
  HYV_RETURN_IF_ERROR(
      validate_t5_request(model.config(), s.request).with_context("session request"));
  s.encoded = r.u8("encoded") != 0;
  s.finish = FinishReason(r.u8("finish reason"));
  std::array<uint64_t, 4> rng_state{};
  for (auto& word : rng_state) word = r.u64("RNG state");
  s.rng.set_state(rng_state);
  s.emitted = r.str("emitted text");
  s.result = r.ids("result tokens");
  if (s.encoded && !r.failed()) HYV_RETURN_IF_ERROR(read_encoder(r, model, s, runner));
  HYV_RETURN_IF_ERROR(read_finished(r, s));
  HYV_RETURN_IF_ERROR(read_beams(r, s));
  if (r.failed()) return Status::Error(r.error());
  if (r.remaining() != 0)
    return Status::Error("session state has " + std::to_string(r.remaining()) +
                         " unexpected bytes before its checksum");
  HYV_RETURN_IF_ERROR(check_progress(s, model.config()));
  return session;
}

}  // namespace hyv::engine
