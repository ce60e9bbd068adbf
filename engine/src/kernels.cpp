// Float kernels: matrix products, LayerNorm, GELU, attention of one head.
#include "hyv/engine/kernels.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <type_traits>

#include "tile_loop.h"

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define HYV_AVX2 1
#elif defined(__wasm_simd128__)
#include <wasm_simd128.h>
#define HYV_SIMD128 1
#endif

namespace hyv::engine::kernels {
namespace {

// Below this many multiply-adds a split costs more in hand-off than it saves.
constexpr int64_t kMinWorkPerTask = 1 << 16;
// Tokens whose activations stay in cache (L2: 64 x 3072 floats = 768 KiB at most for GPT-2
// small) while a weight row is used for all of them; 64 read weights half as often as 32 (f32
// prefill of 128 tokens: 300 -> 235 ms with the chunk of 128 in gpt2.cpp).
// Decode streams every weight once; prefetching this far ahead (into the following rows, which are
// contiguous) gave a few percent on DistilGPT-2-sized decode on our machines.
[[maybe_unused]] constexpr int kPrefetchBytes = 1024;  // AVX2 path only

// Final value of one output element; the same expression in every path keeps results identical.
inline float finish(float dot_value, const float* bias, int r, float* out, bool accumulate) {
  float v = dot_value;
  if (bias != nullptr) v += bias[r];
  if (accumulate) v += *out;
  return v;
}

// Eight partial sums, each lane[i] = lane[i] + a * b (a multiply and an add, no FMA), combined
// as ((l0+l4) + (l2+l6)) + ((l1+l5) + (l3+l7)). The SIMD128 path and `dot` on AVX2 compute exactly
// this, so their results are bit-identical to it; the AVX2 matrix product uses FMA for speed.
[[maybe_unused]] float dot_lanes(const float* a, const float* b, int n) {
  float lane[8] = {};
  int k = 0;
  for (; k + 8 <= n; k += 8)
    for (int i = 0; i < 8; ++i) lane[i] = lane[i] + a[k + i] * b[k + i];
  float s =
      ((lane[0] + lane[4]) + (lane[2] + lane[6])) + ((lane[1] + lane[5]) + (lane[3] + lane[7]));
  for (; k < n; ++k) s += a[k] * b[k];
  return s;
}

#if HYV_AVX2
inline float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

// R rows x T tokens of dot products, one 8-lane accumulator each (so each element's arithmetic
// does not depend on R and T), then a scalar tail for cols % 8.
template <int R, int T>
void tile_f32(float* out, int out_stride, const float* in, const float* w, int cols,
              const float* bias, int r0, bool accumulate) {
  __m256 acc[R][T];
  for (int r = 0; r < R; ++r)
    for (int t = 0; t < T; ++t) acc[r][t] = _mm256_setzero_ps();
  int k = 0;
  for (; k + 8 <= cols; k += 8) {
    __m256 x[T];
    for (int t = 0; t < T; ++t) x[t] = _mm256_loadu_ps(in + static_cast<size_t>(t) * cols + k);
    for (int r = 0; r < R; ++r) {
      if constexpr (T == 1) {
        if ((k & 15) == 0) {  // once per 64-byte line
          _mm_prefetch(
              reinterpret_cast<const char*>(w + static_cast<size_t>(r) * cols + k) + kPrefetchBytes,
              _MM_HINT_T0);
        }
      }
      const __m256 wv = _mm256_loadu_ps(w + static_cast<size_t>(r) * cols + k);
      for (int t = 0; t < T; ++t) acc[r][t] = _mm256_fmadd_ps(wv, x[t], acc[r][t]);
    }
  }
  for (int r = 0; r < R; ++r) {
    for (int t = 0; t < T; ++t) {
      float s = hsum(acc[r][t]);
      for (int kk = k; kk < cols; ++kk) {
        s += w[static_cast<size_t>(r) * cols + kk] * in[static_cast<size_t>(t) * cols + kk];
      }
      float* o = out + static_cast<size_t>(t) * out_stride + r;
      *o = finish(s, bias, r0 + r, o, accumulate);
    }
  }
}

float dot_simd(const float* a, const float* b, int n) {
  __m256 acc = _mm256_setzero_ps();
  int k = 0;
  for (; k + 8 <= n; k += 8) {
    acc = _mm256_add_ps(acc, _mm256_mul_ps(_mm256_loadu_ps(a + k), _mm256_loadu_ps(b + k)));
  }
  float s = hsum(acc);
  for (; k < n; ++k) s += a[k] * b[k];
  return s;
}
#elif HYV_SIMD128
// The 8 lanes of dot_lanes as two f32x4 (lanes 0..3 and 4..7).
inline float hsum(v128_t lo, v128_t hi) {
  const v128_t s = wasm_f32x4_add(lo, hi);
  const v128_t t = wasm_f32x4_add(s, wasm_i32x4_shuffle(s, s, 2, 3, 2, 3));
  return wasm_f32x4_extract_lane(t, 0) + wasm_f32x4_extract_lane(t, 1);
}

template <int R, int T>
void tile_f32(float* out, int out_stride, const float* in, const float* w, int cols,
              const float* bias, int r0, bool accumulate) {
  v128_t lo[R][T], hi[R][T];
  for (int r = 0; r < R; ++r) {
    for (int t = 0; t < T; ++t) lo[r][t] = hi[r][t] = wasm_f32x4_splat(0.0f);
  }
  int k = 0;
  for (; k + 8 <= cols; k += 8) {
    v128_t x_lo[T], x_hi[T];
    for (int t = 0; t < T; ++t) {
      x_lo[t] = wasm_v128_load(in + static_cast<size_t>(t) * cols + k);
      x_hi[t] = wasm_v128_load(in + static_cast<size_t>(t) * cols + k + 4);
    }
    for (int r = 0; r < R; ++r) {
      const v128_t w_lo = wasm_v128_load(w + static_cast<size_t>(r) * cols + k);
      const v128_t w_hi = wasm_v128_load(w + static_cast<size_t>(r) * cols + k + 4);
      for (int t = 0; t < T; ++t) {
        lo[r][t] = wasm_f32x4_add(lo[r][t], wasm_f32x4_mul(w_lo, x_lo[t]));
        hi[r][t] = wasm_f32x4_add(hi[r][t], wasm_f32x4_mul(w_hi, x_hi[t]));
      }
    }
  }
  for (int r = 0; r < R; ++r) {
    for (int t = 0; t < T; ++t) {
      float s = hsum(lo[r][t], hi[r][t]);
      for (int kk = k; kk < cols; ++kk) {
        s += w[static_cast<size_t>(r) * cols + kk] * in[static_cast<size_t>(t) * cols + kk];
      }
      float* o = out + static_cast<size_t>(t) * out_stride + r;
      *o = finish(s, bias, r0 + r, o, accumulate);
    }
  }
}

float dot_simd(const float* a, const float* b, int n) {
  v128_t lo = wasm_f32x4_splat(0.0f), hi = lo;
  int k = 0;
  for (; k + 8 <= n; k += 8) {
    lo = wasm_f32x4_add(lo, wasm_f32x4_mul(wasm_v128_load(a + k), wasm_v128_load(b + k)));
    hi = wasm_f32x4_add(hi, wasm_f32x4_mul(wasm_v128_load(a + k + 4), wasm_v128_load(b + k + 4)));
  }
  float s = hsum(lo, hi);
  for (; k < n; ++k) s += a[k] * b[k];
  return s;
}
#else
template <int R, int T>
void tile_f32(float* out, int out_stride, const float* in, const float* w, int cols,
              const float* bias, int r0, bool accumulate) {
  for (int r = 0; r < R; ++r) {
    for (int t = 0; t < T; ++t) {
      const float s =
          dot_lanes(w + static_cast<size_t>(r) * cols, in + static_cast<size_t>(t) * cols, cols);
      float* o = out + static_cast<size_t>(t) * out_stride + r;
      *o = finish(s, bias, r0 + r, o, accumulate);
    }
  }
}

float dot_simd(const float* a, const float* b, int n) {
  return dot_lanes(a, b, n);
}
#endif

// Tile shapes: registers hold the accumulators (R x T of them) plus T inputs and a weight vector.
#if HYV_AVX2
constexpr int kDecodeRows = 8;  // 8 independent FMA chains cover the FMA latency
// 12 accumulators + 3 inputs + 1 weight vector = the 16 ymm registers; 4 x 3 beat 2 x 4, 3 x 4,
// 4 x 2, 5 x 2 and 6 x 2 on DistilGPT-2-shaped prefill (25% over 2 x 4).
constexpr int kPrefillRows = 4, kPrefillTokens = 3;
#else
// In wasm the IC counts every instruction, loads and local.get/set included: 8 rows share each
// activation load in decode, and 4 x 4 prefill tiles share both; at DistilGPT-2 shape these were
// the fewest counted instructions of the shapes tried (decode 4, 8 rows; prefill 2x2, 2x4, 4x4,
// 4x8, 8x4): ~238M -> ~210M per generated token, ~131M -> ~100M per prompt token.
constexpr int kDecodeRows = 8;
constexpr int kPrefillRows = 4, kPrefillTokens = 4;
#endif

// Rows [r_begin, r_end) for tokens [0, tokens), tiled as tile_loop.h says.
void matmul_rows_f32(float* out, const float* in, const float* w, const float* bias, int tokens,
                     int rows, int cols, bool accumulate, int r_begin, int r_end) {
  auto tile = [&](auto rt, auto tt, int r, int t) {
    constexpr int R = decltype(rt)::value;
    constexpr int T = decltype(tt)::value;
    tile_f32<R, T>(out + static_cast<size_t>(t) * rows + r, rows,
                   in + static_cast<size_t>(t) * cols, w + static_cast<size_t>(r) * cols, cols,
                   bias, r, accumulate);
  };
  for_each_tile<kDecodeRows, kPrefillRows, kPrefillTokens>(tokens, r_begin, r_end, tile);
}

}  // namespace

int task_count(TaskRunner* runner, int64_t work) {
  if (runner == nullptr) return 1;
  const int64_t by_work = std::max<int64_t>(1, work / kMinWorkPerTask);
  return static_cast<int>(std::min<int64_t>(runner->concurrency(), by_work));
}

void matmul_f32(float* out, const float* in, const float* w, const float* bias, int tokens,
                int rows, int cols, bool accumulate, TaskRunner* runner) {
  const int n_tasks = task_count(runner, static_cast<int64_t>(tokens) * rows * cols);
  // Task boundaries on multiples of 8 rows keep the tiles whole (results do not depend on them).
  const int per_task = (rows + n_tasks - 1) / n_tasks;
  const int chunk = (per_task + 7) / 8 * 8;
  parallel_for(runner, n_tasks, [&](int i) {
    const int r0 = std::min(rows, i * chunk);
    const int r1 = std::min(rows, r0 + chunk);
    if (r0 < r1) matmul_rows_f32(out, in, w, bias, tokens, rows, cols, accumulate, r0, r1);
  });
}

void layer_norm(float* out, const float* in, const float* gamma, const float* beta, int tokens,
                int cols, float eps) {
  for (int t = 0; t < tokens; ++t) {
    const float* x = in + static_cast<size_t>(t) * cols;
    float* y = out + static_cast<size_t>(t) * cols;
    float sum = 0.0f;
    for (int k = 0; k < cols; ++k) sum += x[k];
    const float mean = sum / static_cast<float>(cols);
    float sq = 0.0f;
    for (int k = 0; k < cols; ++k) sq += (x[k] - mean) * (x[k] - mean);
    const float rstd = 1.0f / std::sqrt(sq / static_cast<float>(cols) + eps);
    for (int k = 0; k < cols; ++k) y[k] = (x[k] - mean) * rstd * gamma[k] + beta[k];
  }
}

void rms_norm(float* out, const float* in, const float* gamma, int tokens, int cols, float eps) {
  for (int t = 0; t < tokens; ++t) {
    const float* x = in + static_cast<size_t>(t) * cols;
    float* y = out + static_cast<size_t>(t) * cols;
    float sq = 0.0f;
    for (int k = 0; k < cols; ++k) sq += x[k] * x[k];
    const float rstd = 1.0f / std::sqrt(sq / static_cast<float>(cols) + eps);
    for (int k = 0; k < cols; ++k) y[k] = x[k] * rstd * gamma[k];
  }
}

void relu(float* x, size_t n) {
  for (size_t i = 0; i < n; ++i) x[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

void silu(float* x, size_t n) {
  for (size_t i = 0; i < n; ++i) x[i] = x[i] / (1.0f + exp_f32(-x[i]));
}

void gelu_tanh(float* x, size_t n) {
  constexpr float kSqrt2OverPi = 0.7978845608028654f;
  for (size_t i = 0; i < n; ++i) {
    const float v = x[i];
    x[i] = 0.5f * v * (1.0f + tanh_f32(kSqrt2OverPi * (v + 0.044715f * v * v * v)));
  }
}

void gelu_erf(float* x, size_t n) {
  constexpr float kInvSqrt2 = 0.7071067811865476f;
  for (size_t i = 0; i < n; ++i) x[i] = 0.5f * x[i] * (1.0f + std::erf(x[i] * kInvSqrt2));
}

float dot(const float* a, const float* b, int n) {
  return dot_simd(a, b, n);
}

namespace {

// softmax_j(scores[j]) applied to the v_j rows; scores hold the raw scores on entry.
void softmax_values(float* out, const float* v, size_t stride, int n_keys, int head_dim,
                    float max_score, float* scores) {
  float sum = 0.0f;
  for (int j = 0; j < n_keys; ++j) {
    scores[j] = exp_f32(scores[j] - max_score);
    sum += scores[j];
  }
  const float inv_sum = 1.0f / sum;
  std::fill(out, out + head_dim, 0.0f);
  for (int j = 0; j < n_keys; ++j) {
    const float p = scores[j] * inv_sum;
    const float* vj = v + j * stride;
    for (int d = 0; d < head_dim; ++d) out[d] += p * vj[d];
  }
}

}  // namespace

void attend(float* out, const float* q, const float* k, const float* v, size_t stride, int n_keys,
            int head_dim, float scale, float* scores) {
  float max_score = -INFINITY;
  for (int j = 0; j < n_keys; ++j) {
    scores[j] = scale * dot(q, k + j * stride, head_dim);
    max_score = std::max(max_score, scores[j]);
  }
  softmax_values(out, v, stride, n_keys, head_dim, max_score, scores);
}

void attend_biased(float* out, const float* q, const float* k, const float* v, size_t stride,
                   int n_keys, int head_dim, const float* bias, float* scores) {
  float max_score = -INFINITY;
  for (int j = 0; j < n_keys; ++j) {
    scores[j] = dot(q, k + j * stride, head_dim) + (bias != nullptr ? bias[j] : 0.0f);
    max_score = std::max(max_score, scores[j]);
  }
  softmax_values(out, v, stride, n_keys, head_dim, max_score, scores);
}

}  // namespace hyv::engine::kernels
