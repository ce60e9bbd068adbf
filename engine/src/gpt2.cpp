// GPT-2's forward pass with a KV cache, as published: x = wte[token] + wpe[position]; per block
// x += attn(ln_1(x)); x += mlp(ln_2(x)); logits = ln_f(x) wte^T.
//
// Tokens run in chunks of kChunkTokens: each weight matrix is one matrix-matrix product per chunk
// (the kernels block it so weights are read once per block of tokens), and a single decode token
// is a matrix-vector product. Working memory lives in KvCache::scratch, sized on first use and
// reused, so decode steps allocate nothing.
#include "hyv/engine/gpt2.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "forward_chunks.h"
#include "gpt2_weights.h"
#include "hyv/engine/gpt2_loader.h"
#include "hyv/engine/kernels.h"
#include "str_cat.h"

namespace hyv::engine {
namespace {

constexpr int kChunkTokens = 128;

// Views into KvCache::scratch for one chunk of n tokens.
struct Workspace {
  float* x;        // [n][n_embd] residual stream
  float* h;        // [n][n_embd] normalised input of a sub-layer
  float* qkv;      // [n][3 n_embd]
  float* att;      // [n][n_embd] attention output before c_proj
  float* mlp;      // [n][n_inner]
  float* x_scale;  // [n] q8 activation scales
  float* scores;   // [attention tasks][capacity]
  int16_t* x_q;    // [n][padded max(n_embd, n_inner)] q8 activations
};

int64_t padded(int cols) {
  return (cols + kernels::kQ8Block - 1) / kernels::kQ8Block * kernels::kQ8Block;
}

Workspace make_workspace(ForwardScratch& s, const Gpt2Config& c, int n, int score_tasks,
                         int capacity) {
  const int64_t e = c.n_embd, inner = c.n_inner;
  const int64_t sizes[] = {
      n * e, n * e, n * 3 * e, n * e, n * inner, n, static_cast<int64_t>(score_tasks) * capacity};
  int64_t total = 0;
  for (int64_t size : sizes) total += size;
  if (s.f32.size() < static_cast<size_t>(total)) s.f32.resize(static_cast<size_t>(total));
  const int64_t q_size = n * padded(static_cast<int>(std::max(e, inner)));
  if (s.i16.size() < static_cast<size_t>(q_size)) s.i16.resize(static_cast<size_t>(q_size));
  float* p = s.f32.data();
  float* views[7];
  for (int i = 0; i < 7; ++i) {
    views[i] = p;
    p += sizes[i];
  }
  return {views[0], views[1], views[2], views[3], views[4], views[5], views[6], s.i16.data()};
}

Status check_cache(const KvCache& cache, const Gpt2Config& c) {
  const size_t expected = static_cast<size_t>(c.n_layer) * cache.capacity_tokens * c.n_embd;
  if (cache.n_layer != c.n_layer || cache.n_embd != c.n_embd || cache.k.size() != expected ||
      cache.v.size() != expected || cache.n_tokens < 0 || cache.n_tokens > cache.capacity_tokens) {
    return Status::Error("the KV cache was not made by this model's make_cache (n_layer " +
                         std::to_string(cache.n_layer) + ", n_embd " +
                         std::to_string(cache.n_embd) + ") or is corrupt");
  }
  return Status::Ok();
}

}  // namespace

struct Gpt2Model::Impl {
  Gpt2Config config;
  WeightType type = WeightType::f32;
  Gpt2Weights w;

  // Runs one chunk; logits (if not empty) get every row (all_rows) or the last token's row.
  void run_chunk(KvCache& cache, std::span<const int32_t> tokens, float* logits, bool all_rows,
                 TaskRunner* runner) const;
  void attention(const Workspace& ws, KvCache& cache, int layer, int p0, int n, int score_tasks,
                 TaskRunner* runner) const;
  int attention_tasks(TaskRunner* runner, int p0, int n) const {
    const int64_t work = static_cast<int64_t>(n) * (p0 + n) * config.n_embd * 2;
    return std::min(kernels::task_count(runner, work), config.n_head * n);
  }
};

void Gpt2Model::Impl::attention(const Workspace& ws, KvCache& cache, int layer, int p0, int n,
                                int score_tasks, TaskRunner* runner) const {
  const int e = config.n_embd;
  const int head_dim = e / config.n_head;
  const float scale = 1.0f / std::sqrt(static_cast<float>(head_dim));
  const size_t layer_offset = static_cast<size_t>(layer) * cache.capacity_tokens * e;
  const float* k = cache.k.data() + layer_offset;
  const float* v = cache.v.data() + layer_offset;
  // Items are (token, head) pairs; each task takes a contiguous range and its own score row.
  const int items = n * config.n_head;
  const int per_task = (items + score_tasks - 1) / score_tasks;
  kernels::parallel_for(runner, score_tasks, [&](int task) {
    float* scores = ws.scores + static_cast<size_t>(task) * cache.capacity_tokens;
    const int end = std::min(items, (task + 1) * per_task);
    for (int item = task * per_task; item < end; ++item) {
      const int t = item / config.n_head;
      const int hd = (item % config.n_head) * head_dim;
      kernels::attend(ws.att + static_cast<size_t>(t) * e + hd,
                      ws.qkv + static_cast<size_t>(t) * 3 * e + hd, k + hd, v + hd,
                      static_cast<size_t>(e), p0 + t + 1, head_dim, scale, scores);
    }
  });
}

void Gpt2Model::Impl::run_chunk(KvCache& cache, std::span<const int32_t> tokens, float* logits,
                                bool all_rows, TaskRunner* runner) const {
  const Gpt2Config& c = config;
  const int n = static_cast<int>(tokens.size());
  const int e = c.n_embd;
  const int p0 = cache.n_tokens;
  const int score_tasks = attention_tasks(runner, p0, n);
  const Workspace ws = make_workspace(cache.scratch, c, n, score_tasks, cache.capacity_tokens);

  for (int t = 0; t < n; ++t) {
    float* x = ws.x + static_cast<size_t>(t) * e;
    w.wte.row(tokens[t], x);
    const float* pos = w.wpe.data() + static_cast<size_t>(p0 + t) * e;
    for (int i = 0; i < e; ++i) x[i] += pos[i];
  }
  for (int l = 0; l < c.n_layer; ++l) {
    const Gpt2Block& b = w.blocks[l];
    kernels::layer_norm(ws.h, ws.x, b.ln1_gamma.data(), b.ln1_beta.data(), n, e,
                        c.layer_norm_epsilon);
    b.attn_qkv.apply(ws.qkv, ws.h, n, false, ws.x_q, ws.x_scale, runner);
    const size_t layer_offset = static_cast<size_t>(l) * cache.capacity_tokens * e;
    for (int t = 0; t < n; ++t) {
      const float* row = ws.qkv + static_cast<size_t>(t) * 3 * e;
      const size_t at = layer_offset + static_cast<size_t>(p0 + t) * e;
      std::memcpy(cache.k.data() + at, row + e, sizeof(float) * e);
      std::memcpy(cache.v.data() + at, row + 2 * e, sizeof(float) * e);
    }
    attention(ws, cache, l, p0, n, score_tasks, runner);
    b.attn_proj.apply(ws.x, ws.att, n, true, ws.x_q, ws.x_scale, runner);

    kernels::layer_norm(ws.h, ws.x, b.ln2_gamma.data(), b.ln2_beta.data(), n, e,
                        c.layer_norm_epsilon);
    b.mlp_fc.apply(ws.mlp, ws.h, n, false, ws.x_q, ws.x_scale, runner);
    const size_t mlp_values = static_cast<size_t>(n) * c.n_inner;
    if (c.activation_function == "gelu") {
      kernels::gelu_erf(ws.mlp, mlp_values);
    } else {
      kernels::gelu_tanh(ws.mlp, mlp_values);
    }
    b.mlp_proj.apply(ws.x, ws.mlp, n, true, ws.x_q, ws.x_scale, runner);
  }
  cache.n_tokens = p0 + n;
  if (logits == nullptr) return;
  const int first = all_rows ? 0 : n - 1;
  const int rows = n - first;
  kernels::layer_norm(ws.h, ws.x + static_cast<size_t>(first) * e, w.lnf_gamma.data(),
                      w.lnf_beta.data(), rows, e, c.layer_norm_epsilon);
  w.logits_matrix().apply(logits, ws.h, rows, false, ws.x_q, ws.x_scale, runner);
}

Gpt2Model::Gpt2Model() = default;
Gpt2Model::~Gpt2Model() {
  delete impl_;
}
Gpt2Model::Gpt2Model(Gpt2Model&& o) noexcept : impl_(o.impl_) {
  o.impl_ = nullptr;
}
Gpt2Model& Gpt2Model::operator=(Gpt2Model&& o) noexcept {
  if (this != &o) {
    delete impl_;
    impl_ = o.impl_;
    o.impl_ = nullptr;
  }
  return *this;
}

Result<Gpt2Model> Gpt2Model::load(const Gpt2Config& config, Bytes safetensors, WeightType type) {
  auto loader = Gpt2Loader::create(config, safetensors, type);
  if (!loader.ok()) return loader.status();
  while (!loader.value().done()) {
    HYV_RETURN_IF_ERROR(loader.value().step());
  }
  return std::move(loader.value()).finish();
}

Gpt2Model Gpt2Loader::assemble(const Gpt2Config& config, WeightType type, Gpt2Weights&& weights) {
  Gpt2Model model;
  model.impl_ = new Gpt2Model::Impl{config, type, std::move(weights)};
  return model;
}

const Gpt2Config& Gpt2Model::config() const {
  return impl_->config;
}
WeightType Gpt2Model::weight_type() const {
  return impl_->type;
}
int64_t Gpt2Model::parameter_count() const {
  return impl_->w.parameter_count;
}

KvCache Gpt2Model::make_cache(int capacity_tokens) const {
  KvCache cache;
  cache.n_layer = impl_->config.n_layer;
  cache.n_embd = impl_->config.n_embd;
  cache.capacity_tokens = std::max(0, capacity_tokens);
  const size_t values = static_cast<size_t>(cache.n_layer) * cache.capacity_tokens * cache.n_embd;
  cache.k.assign(values, 0.0f);
  cache.v.assign(values, 0.0f);
  make_workspace(cache.scratch, impl_->config, 1, 1, cache.capacity_tokens);  // decode, no runner
  return cache;
}

Status Gpt2Model::forward(KvCache& cache, std::span<const int32_t> tokens, std::span<float> logits,
                          TaskRunner* runner) const {
  if (impl_ == nullptr) return Status::Error("forward on a model that was not loaded");
  const Gpt2Config& c = impl_->config;
  const size_t n = tokens.size();
  const size_t vocab = static_cast<size_t>(c.vocab_size);
  if (n == 0) return Status::Error("forward needs at least one token");
  HYV_RETURN_IF_ERROR(check_cache(cache, c));
  HYV_RETURN_IF_ERROR(check_token_ids(tokens, c.vocab_size));
  const size_t end = static_cast<size_t>(cache.n_tokens) + n;
  if (end > static_cast<size_t>(cache.capacity_tokens)) {
    return Status::Error(str_cat("the KV cache holds ", std::to_string(cache.capacity_tokens)) +
                         " tokens; " + std::to_string(cache.n_tokens) + " are filled and " +
                         std::to_string(n) + " more were given");
  }
  if (end > static_cast<size_t>(c.n_positions)) {
    return Status::Error(str_cat("the model's context is ", std::to_string(c.n_positions)) +
                         " positions (n_positions); " + std::to_string(cache.n_tokens) +
                         " are filled and " + std::to_string(n) + " more were given");
  }
  return run_in_chunks(tokens, logits, vocab, kChunkTokens,
                       [&](std::span<const int32_t> chunk, float* out, bool all_rows) {
                         impl_->run_chunk(cache, chunk, out, all_rows, runner);
                       });
}

}  // namespace hyv::engine
