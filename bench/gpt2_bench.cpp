// GPT-2 engine benchmark on a DistilGPT-2-shaped checkpoint, measured the way bench/ort_gpt2.mjs
// measures ONNX Runtime, and the memory-bandwidth bound that decode cannot beat. JSON lines out;
// bench/engine.sh runs both and prints them side by side.
//
//   gpt2_bench [--model DIR] [--weights f32,q8] [--threads 1,2] [--steps 32] [--prompt 128]
//              [--bandwidth-mb 1024] [--only model|bandwidth]
//
// DIR defaults to $HYV_BENCH_MODEL, else build/bench-models/distilgpt2-random (written by
// bench/models/make_distilgpt2_random.py); when it is absent the model part is skipped with a note.
// A plain program rather than Google Benchmark fixtures: load time is one-shot, decode at a fixed
// context needs the cache rewound before every step, and peak RSS is per process, so engine.sh
// runs one process per weight type and thread count, as it does for ONNX Runtime.
#include <rapidjson/document.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "file_io.h"
#include "hyv/engine/gpt2.h"
#include "model_dir.h"
#include "thread_pool.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

double median(std::vector<double> xs) {
  std::sort(xs.begin(), xs.end());
  size_t n = xs.size();
  return n % 2 ? xs[n / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2;
}

double peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

struct Options {
  std::string model;
  std::vector<std::string> weights = {"f32", "q8"};
  std::vector<int> threads = {1, 2};
  int steps = 32, prompt = 128;
  size_t bandwidth_mb = 1024;
  bool run_model = true, run_bandwidth = true;
};

// One JSON line; `extra` is appended verbatim (already JSON, starting with a comma).
void emit(const char* weights, int threads, const char* metric, double value,
          const std::string& extra = "") {
  std::printf(
      "{\"engine\":\"hyv\",\"weights\":\"%s\",\"threads\":%d,\"metric\":\"%s\",\"value\":%.6g%s}\n",
      weights, threads, metric, value, extra.c_str());
  std::fflush(stdout);
}

// ---- memory bandwidth --------------------------------------------------------------------------

// Sums floats with 8 independent accumulators so the loop is limited by loads, not add latency.
#if defined(__x86_64__)
__attribute__((target("avx2"))) float sum_floats(const float* p, size_t n) {
  __m256 a[8];
  for (auto& x : a) x = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 64 <= n; i += 64)
    for (int j = 0; j < 8; ++j) a[j] = _mm256_add_ps(a[j], _mm256_loadu_ps(p + i + 8 * j));
  for (int j = 1; j < 8; ++j) a[0] = _mm256_add_ps(a[0], a[j]);
  alignas(32) float lanes[8];
  _mm256_store_ps(lanes, a[0]);
  float s = 0;
  for (float x : lanes) s += x;
  for (; i < n; ++i) s += p[i];
  return s;
}
// The engine is built for x86-64-v3 (AVX2); a 512-bit read shows what wider loads would add.
__attribute__((target("avx512f"))) float sum_floats_avx512(const float* p, size_t n) {
  __m512 a[8];
  for (auto& x : a) x = _mm512_setzero_ps();
  size_t i = 0;
  for (; i + 128 <= n; i += 128)
    for (int j = 0; j < 8; ++j) a[j] = _mm512_add_ps(a[j], _mm512_loadu_ps(p + i + 16 * j));
  for (int j = 1; j < 8; ++j) a[0] = _mm512_add_ps(a[0], a[j]);
  alignas(64) float lanes[16];
  _mm512_store_ps(lanes, a[0]);
  float s = 0;
  for (float x : lanes) s += x;
  for (; i < n; ++i) s += p[i];
  return s;
}
bool has_avx512() {
  return __builtin_cpu_supports("avx512f");
}
#else
float sum_floats(const float* p, size_t n) {
  float a[8] = {};
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; ++j) a[j] += p[i + j];
  float s = 0;
  for (float x : a) s += x;
  for (; i < n; ++i) s += p[i];
  return s;
}
float sum_floats_avx512(const float* p, size_t n) {
  return sum_floats(p, n);
}
bool has_avx512() {
  return false;
}
#endif

// Best of `reps` passes (as STREAM reports): GB/s of bytes touched, each thread on its own slice.
double best_gb_s(hyv::TaskRunner& pool, size_t bytes, int reps,
                 const std::function<void(int, int)>& pass) {
  int n = pool.concurrency();
  double best = 0;
  for (int r = 0; r < reps; ++r) {
    auto t0 = Clock::now();
    pool.run(n, [&](int t) { pass(t, n); });
    best = std::max(best, static_cast<double>(bytes) / (ms_since(t0) * 1e6));
  }
  return best;
}

void bench_bandwidth(const Options& o) {
  size_t n = o.bandwidth_mb * (1 << 20) / sizeof(float);
  std::vector<float> src(n, 1.0f), dst(n / 2, 0.0f);  // filled, so every page is really mapped
  volatile float sink = 0;
  for (int threads : o.threads) {
    hyv::native::ThreadPool pool(threads);
    double read = best_gb_s(pool, n * sizeof(float), 5, [&](int t, int parts) {
      size_t b = n * t / parts, e = n * (t + 1) / parts;
      sink = sink + sum_floats(src.data() + b, e - b);
    });
    std::string buf = ",\"buffer_mb\":" + std::to_string(o.bandwidth_mb);
    emit("-", threads, "read_gb_s", read, buf);
    if (has_avx512()) {
      double wide = best_gb_s(pool, n * sizeof(float), 5, [&](int t, int parts) {
        size_t b = n * t / parts, e = n * (t + 1) / parts;
        sink = sink + sum_floats_avx512(src.data() + b, e - b);
      });
      emit("-", threads, "read_avx512_gb_s", wide, buf);
    }
    // Copy half the buffer into dst: bytes read + bytes written, as STREAM's Copy counts them.
    size_t m = n / 2;
    double copy = best_gb_s(pool, 2 * m * sizeof(float), 5, [&](int t, int parts) {
      size_t b = m * t / parts, e = m * (t + 1) / parts;
      std::memcpy(dst.data() + b, src.data() + b, (e - b) * sizeof(float));
    });
    emit("-", threads, "copy_gb_s", copy, buf);
  }
}

// ---- the model ---------------------------------------------------------------------------------

// Weight bytes one decoded token reads: every matrix once (the tied lm_head too). Embedding rows,
// biases and LayerNorm gains are a few KB and left out.
int64_t matrix_params(const hyv::engine::Gpt2Config& c) {
  int64_t d = c.n_embd;
  return c.n_layer * (d * 3 * d + d * d + d * 4 * d + 4 * d * d) + int64_t{c.vocab_size} * d;
}

// Any ids do for timing; these are the ones bench/ort_gpt2.mjs uses too.
std::vector<int32_t> prompt_ids(int n) {
  std::vector<int32_t> ids(n);
  for (int i = 0; i < n; ++i) ids[i] = static_cast<int32_t>((i * 7919 + 13) % 50257);
  return ids;
}

bool check(const hyv::Status& s, const char* what) {
  if (s.ok()) return true;
  std::fprintf(stderr, "gpt2_bench: %s: %s\n", what, s.message().c_str());
  return false;
}

struct Loaded {
  hyv::engine::Gpt2Model model;
  double load_ms = 0;
};

std::unique_ptr<Loaded> load(const std::string& dir, hyv::engine::WeightType type) {
  auto t0 = Clock::now();
  auto config_json = hyv::native::read_text_file(dir + "/config.json");
  if (!check(config_json.status(), "config.json")) return nullptr;
  auto config = hyv::engine::parse_gpt2_config(config_json.value());
  if (!check(config.status(), "config.json")) return nullptr;
  // Mapped, as `hyv generate` does (hosts/native/model_dir.h), and unmapped once loaded.
  auto file = hyv::native::MappedFile::open(dir + "/model.safetensors");
  if (!check(file.status(), "model.safetensors")) return nullptr;
  auto model = hyv::engine::Gpt2Model::load(config.value(), file.value()->bytes(), type);
  if (!check(model.status(), "model.safetensors")) return nullptr;
  auto out = std::make_unique<Loaded>();
  out->model = std::move(model).value();
  out->load_ms = ms_since(t0);
  return out;
}

double time_forward(const hyv::engine::Gpt2Model& m, hyv::engine::KvCache& cache, int start,
                    const std::vector<int32_t>& ids, std::vector<float>& logits, hyv::TaskRunner* r,
                    bool* ok) {
  cache.n_tokens =
      start;  // rewind: the cache is plain data, so a step can be re-run at one context
  auto t0 = Clock::now();
  *ok = check(m.forward(cache, ids, logits, r), "forward") && *ok;
  return ms_since(t0);
}

// Before timing anything: does the engine compute the same function as the torch module on these
// weights? onnx/reference.json (bench/models/export_onnx.py) holds torch's logits after a prefill
// and after each decode step that follows it.
bool check_reference(const Options& o, const hyv::engine::Gpt2Model& m, const char* wname,
                     int threads) {
  auto text = hyv::native::read_text_file(o.model + "/onnx/reference.json");
  if (!text.ok()) return true;  // no export yet: nothing to compare with
  rapidjson::Document doc;
  doc.Parse(text.value().data(), text.value().size());
  if (doc.HasParseError() || !doc.IsObject()) {
    std::fprintf(stderr, "gpt2_bench: %s/onnx/reference.json: not JSON\n", o.model.c_str());
    return false;
  }
  std::vector<int32_t> tokens;
  for (const auto& t : doc["tokens"].GetArray()) tokens.push_back(t.GetInt());
  const int prefill = doc["prefill_tokens"].GetInt();
  const int vocab = m.config().vocab_size;
  auto cache = m.make_cache(static_cast<int>(tokens.size()));
  std::vector<float> logits(vocab);
  double max_diff = 0;
  double min_gap = INFINITY;  // torch's top-1 minus top-2 logit: random weights make near-ties
  int same_argmax = 0, rows = 0;
  for (int pos = prefill; pos <= static_cast<int>(tokens.size()); ++pos, ++rows) {
    int begin = rows == 0 ? 0 : pos - 1;
    std::span<const int32_t> step(tokens.data() + begin, static_cast<size_t>(pos - begin));
    if (!check(m.forward(cache, step, logits, nullptr), "forward")) return false;
    const auto& want = doc["logits"][rows].GetArray();
    int best_want = 0, best_got = 0;
    float top2 = -INFINITY;
    for (int i = 0; i < vocab; ++i) {
      float w = want[i].GetFloat();
      max_diff = std::max(max_diff, static_cast<double>(std::fabs(w - logits[i])));
      if (w > want[best_want].GetFloat()) {
        top2 = want[best_want].GetFloat();
        best_want = i;
      } else if (i != best_want) {
        top2 = std::max(top2, w);
      }
      if (logits[i] > logits[best_got]) best_got = i;
    }
    min_gap = std::min(min_gap, static_cast<double>(want[best_want].GetFloat() - top2));
    same_argmax += best_want == best_got;
  }
  char extra[128];
  std::snprintf(extra, sizeof extra, ",\"same_argmax\":%d,\"steps\":%d,\"min_top2_gap\":%.3g",
                same_argmax, rows, min_gap);
  emit(wname, threads, "torch_max_abs_diff", max_diff, extra);
  return true;
}

bool bench_model(const Options& o, const char* wname, int threads) {
  auto type =
      std::string(wname) == "q8" ? hyv::engine::WeightType::q8 : hyv::engine::WeightType::f32;
  auto loaded = load(o.model, type);
  if (!loaded) return false;
  const auto& m = loaded->model;
  emit(wname, threads, "load_ms", loaded->load_ms);
  if (!check_reference(o, m, wname, threads)) return false;

  hyv::native::ThreadPool pool(threads);
  auto cache = m.make_cache(512 + 1);
  std::vector<float> logits(m.config().vocab_size);
  bool ok = true;

  auto prompt = prompt_ids(o.prompt);
  std::vector<double> ms;
  for (int r = 0; r < 6; ++r) ms.push_back(time_forward(m, cache, 0, prompt, logits, &pool, &ok));
  ms.erase(ms.begin());  // warm-up
  emit(wname, threads, "prefill_tok_s", o.prompt * 1000.0 / median(ms),
       ",\"tokens\":" + std::to_string(o.prompt));

  // What one decode step must read, for the bandwidth bound: every matrix once (q8: int8 plus one
  // f32 scale per block of 32, as engine/src stores them) and the keys and values of every layer.
  const auto& c = m.config();
  double bytes_per_weight = type == hyv::engine::WeightType::q8 ? 1.0 + 4.0 / 32.0 : 4.0;
  emit(wname, threads, "weight_mb_per_token", matrix_params(c) * bytes_per_weight / 1e6);

  for (int ctx : {128, 512}) {
    time_forward(m, cache, 0, prompt_ids(ctx), logits, &pool, &ok);
    std::vector<double> step_ms;
    for (int s = -3; s < o.steps; ++s) {  // 3 warm-up steps
      std::vector<int32_t> id = {static_cast<int32_t>((ctx + s * 31 + 3 + 50257) % 50257)};
      double t = time_forward(m, cache, ctx, id, logits, &pool, &ok);
      if (s >= 0) step_ms.push_back(t);
    }
    std::string suffix = "_ctx" + std::to_string(ctx);
    emit(wname, threads, ("decode_ms" + suffix).c_str(), median(step_ms),
         ",\"steps\":" + std::to_string(o.steps));
    emit(wname, threads, ("kv_mb" + suffix).c_str(),
         2.0 * c.n_layer * (ctx + 1) * c.n_embd * sizeof(float) / 1e6);
  }
  emit(wname, threads, "peak_rss_mb", peak_rss_mb());
  return ok;
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  size_t b = 0;
  for (size_t e; (e = s.find(',', b)) != std::string::npos; b = e + 1)
    out.push_back(s.substr(b, e - b));
  out.push_back(s.substr(b));
  return out;
}

bool parse(int argc, char** argv, Options& o) {
  const char* env = std::getenv("HYV_BENCH_MODEL");
  o.model = env ? env : "build/bench-models/distilgpt2-random";
  for (int i = 1; i < argc; i += 2) {
    std::string k = argv[i];
    if (i + 1 >= argc) return false;
    std::string v = argv[i + 1];
    if (k == "--model")
      o.model = v;
    else if (k == "--weights")
      o.weights = split(v);
    else if (k == "--threads") {
      o.threads.clear();
      for (auto& t : split(v)) o.threads.push_back(std::atoi(t.c_str()));
    } else if (k == "--steps")
      o.steps = std::atoi(v.c_str());
    else if (k == "--prompt")
      o.prompt = std::atoi(v.c_str());
    else if (k == "--bandwidth-mb")
      o.bandwidth_mb = std::strtoull(v.c_str(), nullptr, 10);
    else if (k == "--only") {
      o.run_model = v == "model";
      o.run_bandwidth = v == "bandwidth";
    } else
      return false;
  }
  for (auto& w : o.weights)
    if (w != "f32" && w != "q8") return false;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse(argc, argv, o)) {
    std::fprintf(stderr,
                 "usage: gpt2_bench [--model DIR] [--weights f32,q8] [--threads 1,2] [--steps 32] "
                 "[--prompt 128] [--bandwidth-mb 1024] [--only model|bandwidth]\n");
    return 2;
  }
  if (o.run_bandwidth) bench_bandwidth(o);
  if (!o.run_model) return 0;
  if (!hyv::native::file_exists(o.model + "/model.safetensors")) {
    std::printf(
        "{\"engine\":\"hyv\",\"skipped\":\"%s/model.safetensors not found; run "
        "bench/engine.sh\"}\n",
        o.model.c_str());
    return 0;
  }
  bool ok = true;
  for (auto& w : o.weights)
    for (int t : o.threads) ok = bench_model(o, w.c_str(), t) && ok;
  return ok ? 0 : 1;
}
