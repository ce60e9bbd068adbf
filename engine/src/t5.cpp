// T5's forward passes: the encoder over the whole source at once (its attention is
// bidirectional), the decoder in chunks with a self-attention KV cache and cross-attention K/V
// computed once per request. Working memory lives in the output's or the state's scratch and is
// reused, so decode steps allocate nothing once it has grown.
#include "hyv/engine/t5.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>

#include "forward_chunks.h"
#include "hyv/engine/kernels.h"
#include "hyv/engine/t5_loader.h"
#include "str_cat.h"
#include "t5_weights.h"

namespace hyv::engine {
namespace {

constexpr int kChunkTokens = 128;

int64_t padded(int cols) {
  return (cols + kernels::kQ8Block - 1) / kernels::kQ8Block * kernels::kQ8Block;
}

// Views into a ForwardScratch for n tokens, `tasks` attention tasks over at most `keys` keys.
struct Workspace {
  float* x;        // [n][d_model] residual stream
  float* h;        // [n][d_model] normalised input of a sub-layer
  float* proj;     // [n][3 inner] q, k, v (self) or q (cross)
  float* att;      // [n][inner] attention output before o
  float* ff;       // [n][wi rows]
  float* act;      // [n][d_ff] gated activations
  float* x_scale;  // [n] q8 activation scales
  float* scores;   // [tasks][keys]
  float* bias;     // [tasks][keys]
  int16_t* x_q;    // [n][padded max(d_model, inner, d_ff)]
};

Workspace make_workspace(ForwardScratch& s, const T5Config& c, int n, int tasks, int keys) {
  const int64_t d = c.d_model, inner = int64_t{c.num_heads} * c.d_kv, ff = c.d_ff;
  const int64_t sizes[] = {n * d,
                           n * d,
                           n * 3 * inner,
                           n * inner,
                           n * ff * 2,
                           n * ff,
                           n,
                           int64_t{tasks} * keys,
                           int64_t{tasks} * keys};
  int64_t total = 0;
  for (int64_t size : sizes) total += size;
  if (s.f32.size() < static_cast<size_t>(total)) s.f32.resize(static_cast<size_t>(total));
  const int64_t q_size = n * padded(static_cast<int>(std::max({d, inner, ff})));
  if (s.i16.size() < static_cast<size_t>(q_size)) s.i16.resize(static_cast<size_t>(q_size));
  float* views[9];
  float* p = s.f32.data();
  for (int i = 0; i < 9; ++i) {
    views[i] = p;
    p += sizes[i];
  }
  return {views[0], views[1], views[2], views[3], views[4],
          views[5], views[6], views[7], views[8], s.i16.data()};
}

Status check_ids(std::span<const int32_t> tokens, int vocab_size) {
  if (tokens.empty()) return Status::Error("T5 needs at least one token");
  return check_token_ids(tokens, vocab_size);
}

// Where one attention sub-layer reads: query t of head hd at q + t * q_stride + hd * d_kv, key and
// value j at k/v + j * kv_stride + hd * d_kv. (Impl::attention's keys(t) says how many keys
// query t sees; its bias(t, hd, row) fills their additive bias, or returns false for none.)
struct AttentionCall {
  const float* q;
  size_t q_stride;
  const float* k;
  const float* v;
  size_t kv_stride;
  int n;
};

}  // namespace

int t5_relative_bucket(int relative_position, bool bidirectional, int num_buckets,
                       int max_distance) {
  const int r = std::clamp(relative_position, -(1 << 30), 1 << 30);
  int bucket = 0;
  int n = 0;
  if (bidirectional) {
    num_buckets /= 2;
    if (r > 0) bucket += num_buckets;
    n = std::abs(r);
  } else {
    n = std::max(-r, 0);
  }
  const int max_exact = num_buckets / 2;
  if (n < max_exact) return bucket + n;
  double v = std::log(static_cast<double>(n) / max_exact) /
             std::log(static_cast<double>(max_distance) / max_exact) * (num_buckets - max_exact);
  // Where the exact value is an integer (n = max_exact * 2^k for T5's sizes), a rounding error in
  // log must not drop it into the bucket below; Hugging Face's float32 arithmetic lands on it.
  if (const double whole = std::nearbyint(v); std::fabs(v - whole) < 1e-9) v = whole;
  const double large = std::min<double>(max_exact + v, num_buckets - 1);
  return bucket + static_cast<int>(large);
}

struct T5Model::Impl {
  T5Config config;
  WeightType type = WeightType::f32;
  T5Weights w;
  int inner = 0;
  // Bucket of relative position r at [r + max_distance], r clamped to [-max_distance, max_distance]
  // (beyond it the bucket no longer changes).
  std::vector<int> encoder_buckets, decoder_buckets;

  int bucket(const std::vector<int>& table, int r) const {
    const int md = config.relative_attention_max_distance;
    return table[static_cast<size_t>(std::clamp(r, -md, md) + md)];
  }

  template <class Keys, class Bias>
  void attention(const Workspace& ws, const AttentionCall& a, int tasks, int key_capacity,
                 const Keys& keys, const Bias& bias, TaskRunner* runner) const;
  int attention_tasks(TaskRunner* runner, int n, int keys) const {
    const int64_t work = int64_t{n} * keys * inner * 2;
    return std::max(1, std::min(kernels::task_count(runner, work), config.num_heads * n));
  }
  void feed_forward(const Workspace& ws, const T5Block& b, int n, TaskRunner* runner) const;
  void encoder_block(const Workspace& ws, const T5Block& b, int n, int tasks,
                     TaskRunner* runner) const;
  void decoder_chunk(T5DecoderState& s, std::span<const int32_t> tokens, float* logits,
                     bool all_rows, TaskRunner* runner) const;
};

template <class Keys, class Bias>
void T5Model::Impl::attention(const Workspace& ws, const AttentionCall& a, int tasks,
                              int key_capacity, const Keys& keys, const Bias& bias,
                              TaskRunner* runner) const {
  const int heads = config.num_heads, d_kv = config.d_kv;
  const int items = a.n * heads;
  const int per_task = (items + tasks - 1) / tasks;
  kernels::parallel_for(runner, tasks, [&](int task) {
    float* scores = ws.scores + static_cast<size_t>(task) * key_capacity;
    float* bias_row = ws.bias + static_cast<size_t>(task) * key_capacity;
    const int end = std::min(items, (task + 1) * per_task);
    for (int item = task * per_task; item < end; ++item) {
      const int t = item / heads, hd = item % heads;
      const size_t off = static_cast<size_t>(hd) * d_kv;
      const bool biased = bias(t, hd, bias_row);
      kernels::attend_biased(ws.att + static_cast<size_t>(t) * inner + off,
                             a.q + t * a.q_stride + off, a.k + off, a.v + off, a.kv_stride, keys(t),
                             d_kv, biased ? bias_row : nullptr, scores);
    }
  });
}

void T5Model::Impl::feed_forward(const Workspace& ws, const T5Block& b, int n,
                                 TaskRunner* runner) const {
  const int ff = config.d_ff;
  b.wi.apply(ws.ff, ws.h, n, false, ws.x_q, ws.x_scale, runner);
  const size_t row = static_cast<size_t>(b.wi.rows);
  auto activate = [&](float* x, size_t count) {
    if (config.activation == "relu") {
      kernels::relu(x, count);
    } else if (config.activation == "gelu") {
      kernels::gelu_erf(x, count);
    } else if (config.activation == "gelu_new") {
      kernels::gelu_tanh(x, count);
    } else {
      kernels::silu(x, count);
    }
  };
  if (!config.gated) {
    activate(ws.ff, static_cast<size_t>(n) * ff);
    b.wo.apply(ws.x, ws.ff, n, true, ws.x_q, ws.x_scale, runner);
    return;
  }
  for (int t = 0; t < n; ++t) {
    float* gate = ws.ff + t * row;
    activate(gate, static_cast<size_t>(ff));
    float* out = ws.act + static_cast<size_t>(t) * ff;
    for (int i = 0; i < ff; ++i) out[i] = gate[i] * gate[ff + i];
  }
  b.wo.apply(ws.x, ws.act, n, true, ws.x_q, ws.x_scale, runner);
}

void T5Model::Impl::encoder_block(const Workspace& ws, const T5Block& b, int n, int tasks,
                                  TaskRunner* runner) const {
  const int d = config.d_model, heads = config.num_heads;
  const float eps = config.layer_norm_epsilon;
  kernels::rms_norm(ws.h, ws.x, b.ln_self.data(), n, d, eps);
  b.self_qkv.apply(ws.proj, ws.h, n, false, ws.x_q, ws.x_scale, runner);
  const size_t stride = static_cast<size_t>(3) * inner;
  const AttentionCall a{ws.proj, stride, ws.proj + inner, ws.proj + 2 * inner, stride, n};
  attention(
      ws, a, tasks, n, [n](int) { return n; },
      [&](int t, int hd, float* row) {
        for (int j = 0; j < n; ++j)
          row[j] = w.encoder_bias[bucket(encoder_buckets, j - t) * heads + hd];
        return true;
      },
      runner);
  b.self_o.apply(ws.x, ws.att, n, true, ws.x_q, ws.x_scale, runner);
  kernels::rms_norm(ws.h, ws.x, b.ln_ff.data(), n, d, eps);
  feed_forward(ws, b, n, runner);
}

void T5Model::Impl::decoder_chunk(T5DecoderState& s, std::span<const int32_t> tokens, float* logits,
                                  bool all_rows, TaskRunner* runner) const {
  const T5Config& c = config;
  const int n = static_cast<int>(tokens.size());
  const int d = c.d_model, heads = c.num_heads;
  const float eps = c.layer_norm_epsilon;
  const int p0 = s.n_tokens;
  const int key_capacity = std::max(p0 + n, s.n_source);
  const int tasks = attention_tasks(runner, n, key_capacity);
  const Workspace ws = make_workspace(s.scratch, c, n, tasks, key_capacity);
  for (int t = 0; t < n; ++t) w.shared.row(tokens[t], ws.x + static_cast<size_t>(t) * d);

  const size_t self_layer = static_cast<size_t>(s.capacity_tokens) * inner;
  const size_t cross_layer = static_cast<size_t>(s.n_source) * 2 * inner;
  for (int l = 0; l < c.num_decoder_layers; ++l) {
    const T5Block& b = w.decoder[l];
    kernels::rms_norm(ws.h, ws.x, b.ln_self.data(), n, d, eps);
    b.self_qkv.apply(ws.proj, ws.h, n, false, ws.x_q, ws.x_scale, runner);
    float* k = s.self_k.data() + l * self_layer;
    float* v = s.self_v.data() + l * self_layer;
    for (int t = 0; t < n; ++t) {
      const float* row = ws.proj + static_cast<size_t>(t) * 3 * inner;
      std::memcpy(k + static_cast<size_t>(p0 + t) * inner, row + inner, sizeof(float) * inner);
      std::memcpy(v + static_cast<size_t>(p0 + t) * inner, row + 2 * inner, sizeof(float) * inner);
    }
    const AttentionCall self{ws.proj, static_cast<size_t>(3) * inner, k,
                             v,       static_cast<size_t>(inner),     n};
    attention(
        ws, self, tasks, key_capacity, [p0](int t) { return p0 + t + 1; },
        [&](int t, int hd, float* row) {
          for (int j = 0; j <= p0 + t; ++j) {
            row[j] = w.decoder_bias[bucket(decoder_buckets, j - (p0 + t)) * heads + hd];
          }
          return true;
        },
        runner);
    b.self_o.apply(ws.x, ws.att, n, true, ws.x_q, ws.x_scale, runner);

    kernels::rms_norm(ws.h, ws.x, b.ln_cross.data(), n, d, eps);
    b.cross_q.apply(ws.proj, ws.h, n, false, ws.x_q, ws.x_scale, runner);
    const float* kv = s.cross_kv.data() + l * cross_layer;
    const AttentionCall cross{ws.proj,    static_cast<size_t>(inner),     kv,
                              kv + inner, static_cast<size_t>(2) * inner, n};
    const int n_source = s.n_source;
    attention(
        ws, cross, tasks, key_capacity, [n_source](int) { return n_source; },
        [](int, int, float*) { return false; }, runner);
    b.cross_o.apply(ws.x, ws.att, n, true, ws.x_q, ws.x_scale, runner);

    kernels::rms_norm(ws.h, ws.x, b.ln_ff.data(), n, d, eps);
    feed_forward(ws, b, n, runner);
  }
  s.n_tokens = p0 + n;
  if (logits == nullptr) return;
  const int first = all_rows ? 0 : n - 1;
  const int rows = n - first;
  kernels::rms_norm(ws.h, ws.x + static_cast<size_t>(first) * d, w.decoder_norm.data(), rows, d,
                    eps);
  if (c.tie_word_embeddings) {
    // The tied head sees the output scaled by d_model^-0.5 (Mesh TensorFlow's convention).
    const float scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(d)));
    for (size_t i = 0; i < static_cast<size_t>(rows) * d; ++i) ws.h[i] *= scale;
  }
  const Linear& head = c.tie_word_embeddings ? w.shared : w.lm_head;
  head.apply(logits, ws.h, rows, false, ws.x_q, ws.x_scale, runner);
}

T5Model::T5Model() = default;
T5Model::~T5Model() = default;
T5Model::T5Model(T5Model&&) noexcept = default;
T5Model& T5Model::operator=(T5Model&&) noexcept = default;

Result<T5Model> T5Model::load(const T5Config& config, Bytes safetensors, WeightType type) {
  auto file = SafetensorsFile::parse(safetensors);
  if (!file.ok()) return file.status();
  return load(config, file.value().tensors(), type);
}

Result<T5Model> T5Model::load(const T5Config& config, std::span<const TensorView> tensors,
                              WeightType type) {
  auto loader = T5Loader::create(config, tensors, type);
  if (!loader.ok()) return loader.status();
  while (!loader.value().done()) {
    HYV_RETURN_IF_ERROR(loader.value().step());
  }
  return std::move(loader.value()).finish();
}

T5Model T5Model::assemble(const T5Config& config, WeightType type, T5Weights&& weights) {
  T5Model model;
  model.impl_ = std::make_unique<Impl>();
  Impl& m = *model.impl_;
  m.config = config;
  m.type = type;
  m.w = std::move(weights);
  m.inner = config.num_heads * config.d_kv;
  const int md = config.relative_attention_max_distance;
  for (int r = -md; r <= md; ++r) {
    const int nb = config.relative_attention_num_buckets;
    m.encoder_buckets.push_back(t5_relative_bucket(r, true, nb, md));
    m.decoder_buckets.push_back(t5_relative_bucket(r, false, nb, md));
  }
  return model;
}

const T5Config& T5Model::config() const {
  return impl_->config;
}
WeightType T5Model::weight_type() const {
  return impl_->type;
}
int64_t T5Model::parameter_count() const {
  return impl_->w.parameter_count;
}

Status T5Model::encode(std::span<const int32_t> tokens, T5EncoderOutput& out,
                       TaskRunner* runner) const {
  if (impl_ == nullptr) return Status::Error("encode on a model that was not loaded");
  const Impl& m = *impl_;
  const T5Config& c = m.config;
  HYV_RETURN_IF_ERROR(check_ids(tokens, c.vocab_size));
  const int n = static_cast<int>(std::min<size_t>(tokens.size(), 1 << 20));
  if (static_cast<size_t>(n) != tokens.size()) {
    return Status::Error("the source has more than 2^20 tokens");
  }
  const int tasks = m.attention_tasks(runner, n, n);
  const Workspace ws = make_workspace(out.scratch, c, n, tasks, n);
  const int d = c.d_model;
  for (int t = 0; t < n; ++t) m.w.shared.row(tokens[t], ws.x + static_cast<size_t>(t) * d);
  for (const T5Block& b : m.w.encoder) m.encoder_block(ws, b, n, tasks, runner);
  out.n_tokens = n;
  out.hidden.resize(static_cast<size_t>(n) * d);
  kernels::rms_norm(out.hidden.data(), ws.x, m.w.encoder_norm.data(), n, d, c.layer_norm_epsilon);
  return Status::Ok();
}

Result<T5DecoderState> T5Model::start_decoder(const T5EncoderOutput& encoded, int capacity_tokens,
                                              TaskRunner* runner) const {
  if (impl_ == nullptr) return Status::Error("start_decoder on a model that was not loaded");
  const Impl& m = *impl_;
  const T5Config& c = m.config;
  if (encoded.n_tokens <= 0 ||
      encoded.hidden.size() != static_cast<size_t>(encoded.n_tokens) * c.d_model) {
    return Status::Error("the encoder output is empty or was not made by this model's encode");
  }
  if (capacity_tokens <= 0) return Status::Error("the decoder needs room for at least one token");
  T5DecoderState s;
  s.n_layer = c.num_decoder_layers;
  s.inner = m.inner;
  s.capacity_tokens = capacity_tokens;
  s.n_source = encoded.n_tokens;
  const size_t self = static_cast<size_t>(s.n_layer) * capacity_tokens * m.inner;
  s.self_k.assign(self, 0.0f);
  s.self_v.assign(self, 0.0f);
  const size_t cross_layer = static_cast<size_t>(s.n_source) * 2 * m.inner;
  s.cross_kv.resize(cross_layer * s.n_layer);
  const Workspace ws = make_workspace(s.scratch, c, s.n_source, 1, 1);
  for (int l = 0; l < s.n_layer; ++l) {
    m.w.decoder[l].cross_kv.apply(s.cross_kv.data() + l * cross_layer, encoded.hidden.data(),
                                  s.n_source, false, ws.x_q, ws.x_scale, runner);
  }
  // Room for a decode step, so the first one allocates nothing.
  make_workspace(s.scratch, c, 1, 1, std::max(capacity_tokens, s.n_source));
  return s;
}

Status T5Model::decode(T5DecoderState& state, std::span<const int32_t> tokens,
                       std::span<float> logits, TaskRunner* runner) const {
  if (impl_ == nullptr) return Status::Error("decode on a model that was not loaded");
  const Impl& m = *impl_;
  const T5Config& c = m.config;
  HYV_RETURN_IF_ERROR(check_ids(tokens, c.vocab_size));
  const size_t self = static_cast<size_t>(state.n_layer) * state.capacity_tokens * m.inner;
  if (state.n_layer != c.num_decoder_layers || state.inner != m.inner ||
      state.self_k.size() != self || state.self_v.size() != self || state.n_source <= 0 ||
      state.cross_kv.size() != static_cast<size_t>(state.n_layer) * state.n_source * 2 * m.inner ||
      state.n_tokens < 0 || state.n_tokens > state.capacity_tokens) {
    return Status::Error(
        "the decoder state was not made by this model's start_decoder or is "
        "corrupt");
  }
  const size_t n = tokens.size();
  if (static_cast<size_t>(state.n_tokens) + n > static_cast<size_t>(state.capacity_tokens)) {
    return Status::Error(
        str_cat("the decoder state holds ", std::to_string(state.capacity_tokens)) + " tokens; " +
        std::to_string(state.n_tokens) + " are filled and " + std::to_string(n) +
        " more were given");
  }
  return run_in_chunks(tokens, logits, static_cast<size_t>(c.vocab_size), kChunkTokens,
                       [&](std::span<const int32_t> chunk, float* out, bool all_rows) {
                         m.decoder_chunk(state, chunk, out, all_rows, runner);
                       });
}

}  // namespace hyv::engine
