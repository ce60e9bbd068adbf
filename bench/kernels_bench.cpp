// The engine's kernels one by one, at DistilGPT-2's shapes: where a forward pass spends its time.
//   build/bench/kernels_bench [--benchmark_filter=Matmul]
// Matrix products rotate over enough copies of the weights (>= 512 MiB) that every call streams
// them from memory, as a decode step does; so weight_GB/s compares with gpt2_bench's read_gb_s,
// and GFLOP/s (prefill-sized calls) with the core's FMA peak.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "hyv/engine/kernels.h"
#include "thread_pool.h"

namespace {

namespace k = hyv::engine::kernels;

constexpr size_t kStreamBytes = size_t{512} << 20;

std::vector<float> values(size_t n, uint32_t seed) {
  std::vector<float> v(n);
  for (auto& x : v) {
    seed = seed * 1664525u + 1013904223u;  // any values do; these avoid denormals and zeros
    x = static_cast<float>(static_cast<int32_t>(seed >> 8) - (1 << 23)) * (0.02f / (1 << 23));
  }
  return v;
}

size_t copies_for(size_t bytes) {
  return std::max<size_t>(1, (kStreamBytes + bytes - 1) / bytes);
}

std::unique_ptr<hyv::native::ThreadPool> pool_for(const benchmark::State& state) {
  return std::make_unique<hyv::native::ThreadPool>(static_cast<int>(state.range(3)));
}

void set_counters(benchmark::State& state, double weight_bytes, double flops) {
  const double n = static_cast<double>(state.iterations());
  state.counters["weight_GB/s"] =
      benchmark::Counter(weight_bytes * n / 1e9, benchmark::Counter::kIsRate);
  state.counters["GFLOP/s"] = benchmark::Counter(flops * n / 1e9, benchmark::Counter::kIsRate);
}

// Args: rows, cols, tokens, threads.
void BM_MatmulF32(benchmark::State& state) {
  const int rows = static_cast<int>(state.range(0)), cols = static_cast<int>(state.range(1));
  const int tokens = static_cast<int>(state.range(2));
  const size_t bytes = size_t{4} * rows * cols;
  std::vector<std::vector<float>> w(copies_for(bytes));
  for (size_t i = 0; i < w.size(); ++i) w[i] = values(size_t{1} * rows * cols, 1 + i);
  auto in = values(size_t{1} * tokens * cols, 99);
  std::vector<float> out(size_t{1} * tokens * rows), bias(rows, 0.5f);
  auto pool = pool_for(state);
  size_t i = 0;
  for (auto _ : state) {
    k::matmul_f32(out.data(), in.data(), w[i].data(), bias.data(), tokens, rows, cols, false,
                  pool.get());
    benchmark::DoNotOptimize(out.data());
    i = (i + 1) % w.size();
  }
  set_counters(state, static_cast<double>(bytes), 2.0 * rows * cols * tokens);
}

void BM_MatmulQ8(benchmark::State& state) {
  const int rows = static_cast<int>(state.range(0)), cols = static_cast<int>(state.range(1));
  const int tokens = static_cast<int>(state.range(2));
  auto w0 = values(size_t{1} * rows * cols, 1);
  std::vector<k::Q8Matrix> w(1, k::quantize_q8(w0.data(), rows, cols));
  const size_t bytes = w[0].q.size() + w[0].scales.size() * sizeof(float);
  w.resize(copies_for(bytes), w[0]);
  auto in = values(size_t{1} * tokens * cols, 99);
  std::vector<int16_t> x_q(size_t{1} * tokens * w[0].padded_cols);
  std::vector<float> x_scale(tokens), out(size_t{1} * tokens * rows), bias(rows, 0.5f);
  auto pool = pool_for(state);
  size_t i = 0;
  for (auto _ : state) {
    // As Linear::apply does it: activations rounded to int16 on every call.
    k::quantize_i16(x_q.data(), x_scale.data(), in.data(), tokens, cols, w[i].padded_cols);
    k::matmul_q8(out.data(), x_q.data(), x_scale.data(), w[i], bias.data(), tokens, false,
                 pool.get());
    benchmark::DoNotOptimize(out.data());
    i = (i + 1) % w.size();
  }
  set_counters(state, static_cast<double>(bytes), 2.0 * rows * cols * tokens);
}

// DistilGPT-2's matrices: c_attn, attn c_proj, c_fc, mlp c_proj, the tied lm_head; one token
// (decode) and a 64-token chunk (prefill).
void matmul_args(benchmark::internal::Benchmark* b) {
  const int shapes[][2] = {{2304, 768}, {768, 768}, {3072, 768}, {768, 3072}, {50257, 768}};
  for (int threads : {1, 2})
    for (int tokens : {1, 64})
      for (const auto& s : shapes) {
        if (tokens > 1 && s[0] == 50257) continue;  // prefill takes logits of one token only
        b->Args({s[0], s[1], tokens, threads});
      }
  b->ArgNames({"rows", "cols", "tokens", "threads"})->UseRealTime();
}
BENCHMARK(BM_MatmulF32)->Apply(matmul_args);
BENCHMARK(BM_MatmulQ8)->Apply(matmul_args);

// The non-matrix work of one layer for 64 tokens: two LayerNorms and GELU over the MLP width.
void BM_LayerNorm(benchmark::State& state) {
  const int tokens = static_cast<int>(state.range(0));
  auto x = values(size_t{768} * tokens, 3);
  std::vector<float> y(x.size()), g(768, 1.0f), b(768, 0.0f);
  for (auto _ : state) {
    k::layer_norm(y.data(), x.data(), g.data(), b.data(), tokens, 768, 1e-5f);
    benchmark::DoNotOptimize(y.data());
  }
  state.SetItemsProcessed(state.iterations() * tokens);
}
BENCHMARK(BM_LayerNorm)->Arg(1)->Arg(64);

void BM_GeluTanh(benchmark::State& state) {
  const auto base = values(size_t{3072} * state.range(0), 5);
  auto x = base;
  for (auto _ : state) {
    k::gelu_tanh(x.data(), x.size());
    benchmark::DoNotOptimize(x.data());
    state.PauseTiming();
    x = base;
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(x.size()));
}
BENCHMARK(BM_GeluTanh)->Arg(1)->Arg(64);

// One head, one query over `context` keys: decode's attention is 12 heads x 6 layers of this.
void BM_Attend(benchmark::State& state) {
  const int context = static_cast<int>(state.range(0));
  const auto kv = values(size_t{768} * context, 7);
  const auto q = values(64, 8);
  std::vector<float> out(64), scores(context);
  for (auto _ : state) {
    k::attend(out.data(), q.data(), kv.data(), kv.data(), 768, context, 64, 0.125f, scores.data());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * context);
}
BENCHMARK(BM_Attend)->Arg(128)->Arg(512);

}  // namespace

BENCHMARK_MAIN();
