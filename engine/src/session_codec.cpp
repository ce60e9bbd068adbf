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
#include <bit>
#include <cstring>

#include "hyv/engine/utf8_text.h"
#include "session_impl.h"

namespace hyv::engine {
namespace {

constexpr char kMagic[8] = {'H', 'Y', 'V', 'S', 'E', 'S', 'S', '\0'};
constexpr uint32_t kVersion = 1;

uint64_t fnv1a(const uint8_t* data, size_t n) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (size_t i = 0; i < n; ++i) h = (h ^ data[i]) * 0x100000001b3ULL;
  return h;
}

class Writer {
 public:
  std::vector<uint8_t> bytes;
  void u8(uint8_t v) { bytes.push_back(v); }
  void u32(uint32_t v) {
    for (int i = 0; i < 4; ++i) bytes.push_back(uint8_t(v >> (8 * i)));
  }
  void u64(uint64_t v) {
    for (int i = 0; i < 8; ++i) bytes.push_back(uint8_t(v >> (8 * i)));
  }
  void i32(int32_t v) { u32(uint32_t(v)); }
  void f32(float v) { u32(std::bit_cast<uint32_t>(v)); }
  void str(const std::string& s) {
    u32(uint32_t(s.size()));
    bytes.insert(bytes.end(), s.begin(), s.end());
  }
  void ids(const std::vector<int32_t>& v) {
    u32(uint32_t(v.size()));
    for (int32_t id : v) i32(id);
  }
  void floats(const float* p, size_t n) {
    if constexpr (std::endian::native == std::endian::little) {
      const auto* b = reinterpret_cast<const uint8_t*>(p);
      bytes.insert(bytes.end(), b, b + n * sizeof(float));
    } else {
      for (size_t i = 0; i < n; ++i) f32(p[i]);
    }
  }
};

// Bounds-checked reads; after the first failure every read returns zeros and error() says where.
class Reader {
 public:
  explicit Reader(Bytes b) : b_(b) {}
  size_t offset() const { return pos_; }
  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }

  uint8_t u8(const char* what) { return take(1, what) ? b_[pos_ - 1] : 0; }
  uint32_t u32(const char* what) {
    if (!take(4, what)) return 0;
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= uint32_t(b_[pos_ - 4 + i]) << (8 * i);
    return v;
  }
  uint64_t u64(const char* what) {
    if (!take(8, what)) return 0;
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= uint64_t(b_[pos_ - 8 + i]) << (8 * i);
    return v;
  }
  int32_t i32(const char* what) { return int32_t(u32(what)); }
  float f32(const char* what) { return std::bit_cast<float>(u32(what)); }
  std::string str(const char* what) {
    uint32_t n = u32(what);
    if (!take(n, what)) return {};
    return std::string(reinterpret_cast<const char*>(b_.data() + pos_ - n), n);
  }
  std::vector<int32_t> ids(const char* what) {
    uint32_t n = u32(what);
    if (failed() || size_t(n) > (b_.size() - pos_) / 4) {
      fail(what, size_t(n) * 4);
      return {};
    }
    std::vector<int32_t> v(n);
    for (auto& id : v) id = i32(what);
    return v;
  }
  void floats(float* p, size_t n, const char* what) {
    if (!take(n * sizeof(float), what)) return;
    const uint8_t* src = b_.data() + pos_ - n * sizeof(float);
    if constexpr (std::endian::native == std::endian::little) {
      std::memcpy(p, src, n * sizeof(float));
    } else {
      for (size_t i = 0; i < n; ++i) {
        uint32_t v = 0;
        for (int k = 0; k < 4; ++k) v |= uint32_t(src[4 * i + k]) << (8 * k);
        p[i] = std::bit_cast<float>(v);
      }
    }
  }

 private:
  bool take(size_t n, const char* what) {
    if (failed()) return false;
    if (n > b_.size() - pos_) {
      fail(what, n);
      return false;
    }
    pos_ += n;
    return true;
  }
  void fail(const char* what, size_t n) {
    if (failed()) return;
    error_ = "session state is truncated: " + std::string(what) + " needs " + std::to_string(n) +
             " bytes at byte " + std::to_string(pos_) + " but only " +
             std::to_string(b_.size() - pos_) + " remain";
  }
  Bytes b_;
  size_t pos_ = 0;
  std::string error_;
};

void write_shape(Writer& w, const Gpt2Model& model, const BpeTokenizer& tokenizer) {
  const Gpt2Config& c = model.config();
  for (int v : {c.n_layer, c.n_head, c.n_embd, c.n_positions, c.vocab_size}) w.u32(uint32_t(v));
  w.u8(uint8_t(model.weight_type()));
  w.u32(uint32_t(tokenizer.vocab_size()));
}

Status check_shape(Reader& r, const Gpt2Model& model, const BpeTokenizer& tokenizer) {
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

void write_request(Writer& w, const GenerationRequest& q) {
  const SamplingParams& p = q.sampling;
  w.f32(p.temperature);
  w.i32(p.top_k);
  w.f32(p.top_p);
  w.f32(p.min_p);
  w.f32(p.repeat_penalty);
  w.f32(p.frequency_penalty);
  w.f32(p.presence_penalty);
  w.i32(p.repeat_last_n);
  w.u64(p.seed);
  w.i32(q.max_tokens);
  w.u8(q.stop_at_eos ? 1 : 0);
  w.u32(uint32_t(q.stop.size()));
  for (const auto& s : q.stop) w.str(s);
  w.ids(q.prompt);
}

GenerationRequest read_request(Reader& r) {
  GenerationRequest q;
  SamplingParams& p = q.sampling;
  p.temperature = r.f32("temperature");
  p.top_k = r.i32("top_k");
  p.top_p = r.f32("top_p");
  p.min_p = r.f32("min_p");
  p.repeat_penalty = r.f32("repeat_penalty");
  p.frequency_penalty = r.f32("frequency_penalty");
  p.presence_penalty = r.f32("presence_penalty");
  p.repeat_last_n = r.i32("repeat_last_n");
  p.seed = r.u64("seed");
  q.max_tokens = r.i32("max_tokens");
  q.stop_at_eos = r.u8("stop_at_eos") != 0;
  uint32_t n_stop = r.u32("stop string count");
  for (uint32_t i = 0; i < n_stop && !r.failed(); ++i) q.stop.push_back(r.str("stop string"));
  q.prompt = r.ids("prompt");
  return q;
}

// The cache for positions [0, n_tokens) of every layer, for k then v.
void write_cache(Writer& w, const KvCache& c) {
  w.u32(uint32_t(c.n_tokens));
  for (const auto* buf : {&c.k, &c.v}) {
    for (int l = 0; l < c.n_layer; ++l) {
      w.floats(buf->data() + size_t(l) * c.capacity_tokens * c.n_embd,
               size_t(c.n_tokens) * c.n_embd);
    }
  }
}

Status read_cache(Reader& r, KvCache& c) {
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
  Writer w;
  w.bytes.assign(kMagic, kMagic + sizeof kMagic);
  w.u32(kVersion);
  w.u64(0);  // total size, patched below
  write_shape(w, *s.model, *s.tokenizer);
  write_request(w, s.request);
  w.ids(s.generated);
  w.u8(uint8_t(s.finish));
  for (uint64_t word : s.rng.state()) w.u64(word);
  w.str(s.raw_tail);
  w.str(s.held);
  w.str(s.emitted);
  write_cache(w, s.cache);
  uint64_t total = w.bytes.size() + 8;
  for (int i = 0; i < 8; ++i) w.bytes[sizeof kMagic + 4 + i] = uint8_t(total >> (8 * i));
  w.u64(fnv1a(w.bytes.data(), w.bytes.size()));
  return std::move(w.bytes);
}

Result<GenerationSession> GenerationSession::restore(const Gpt2Model& model,
                                                     const BpeTokenizer& tokenizer, Bytes state) {
  if (state.size() < sizeof kMagic || std::memcmp(state.data(), kMagic, sizeof kMagic) != 0)
    return Status::Error("not a Hyv generation session (the first 8 bytes are not \"HYVSESS\")");
  Reader r(state.subspan(sizeof kMagic));
  uint32_t version = r.u32("version");
  uint64_t total = r.u64("total size");
  if (r.failed()) return Status::Error(r.error());
  if (version != kVersion)
    return Status::Error("session format version " + std::to_string(version) +
                         " is not supported (this build reads version " + std::to_string(kVersion) +
                         ")");
  if (state.size() < total)
    return Status::Error("session state is truncated: it should be " + std::to_string(total) +
                         " bytes but is " + std::to_string(state.size()));
  if (state.size() > total || total < r.offset() + sizeof kMagic + 8)
    return Status::Error("session state has " + std::to_string(state.size()) +
                         " bytes but its header says " + std::to_string(total));
  size_t body = state.size() - 8;
  Reader trailer(state.subspan(body));
  if (trailer.u64("checksum") != fnv1a(state.data(), body))
    return Status::Error("session state is corrupt: its checksum does not match its contents");
  r = Reader(state.subspan(sizeof kMagic, body - sizeof kMagic));
  r.u32("version");
  r.u64("total size");
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
  if (sizeof kMagic + r.offset() != body)
    return Status::Error("session state has " + std::to_string(body - sizeof kMagic - r.offset()) +
                         " unexpected bytes before its checksum");
  HYV_RETURN_IF_ERROR(check_progress(s, model.config()));
  return session;
}

}  // namespace hyv::engine
