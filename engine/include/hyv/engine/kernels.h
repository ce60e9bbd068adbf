// Kernels: the arithmetic of the engine's models as plain functions over row-major arrays.
//
//   // out[t][r] = bias[r] + sum_k in[t][k] * w[r][k]   for t < tokens, r < rows
//   kernels::matmul_f32(out, in, w, bias, tokens, rows, cols, /*accumulate=*/false, runner);
//
// Paths: AVX2/FMA natively (the core is compiled for x86-64-v3), SIMD128 in wasm (-msimd128), and
// a scalar fallback elsewhere. A kernel given a TaskRunner splits its output rows across
// runner->concurrency() tasks. Each output element is computed by the same instructions in the
// same order whatever the split or tile, so results are bit-identical with and without a runner.
//
// Across platforms: the q8 product, `dot`, softmax, GELU (tanh form) and LayerNorm compute every
// value with the same IEEE operations in the same order on all paths (no FMA: wasm has none), so a
// q8 model gives bit-identical logits natively and in wasm. The f32 product uses FMA natively for
// speed, so f32 logits agree across platforms to rounding, not to the bit.
//
// Matrix layout: a weight matrix is [rows][cols] with row r holding output r's weights, so one
// output reads one contiguous row (Hugging Face Conv1D's (in, out) layout is transposed at load).
#pragma once

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "hyv/task_runner.h"

namespace hyv::engine::kernels {

// Runs f(i) for i in [0, n_tasks) on runner (inline without one). f is passed by pointer, so the
// std::function that TaskRunner takes stays in its inline buffer: no allocation per call.
template <class F>
void parallel_for(TaskRunner* runner, int n_tasks, const F& f) {
  if (runner == nullptr || n_tasks <= 1) {
    for (int i = 0; i < n_tasks; ++i) f(i);
    return;
  }
  const F* fp = &f;
  runner->run(n_tasks, [fp](int i) { (*fp)(i); });
}

// Number of tasks worth splitting `work` multiply-adds into (1 without a runner or for small work).
int task_count(TaskRunner* runner, int64_t work);

// out: [tokens][rows], in: [tokens][cols], w: [rows][cols], bias: [rows] or nullptr.
// out[t][r] = (accumulate ? out[t][r] : 0) + bias[r] + dot(in[t], w[r]).
// Tokens are taken in blocks so that each weight row is read from memory once per block.
void matmul_f32(float* out, const float* in, const float* w, const float* bias, int tokens,
                int rows, int cols, bool accumulate, TaskRunner* runner);

// int8 weights, one float scale per block of kQ8Block consecutive inputs of a row:
// w[r][k] ~= q * scale, with |error| <= max|w in the block| / 254.
inline constexpr int kQ8Block = 32;
// Rows are stored in groups of kQ8Rows, interleaved block by block: a decode pass over 8 rows then
// reads one contiguous stream instead of 8 (measured 20-40% faster decode than row-major).
inline constexpr int kQ8Rows = 8;

struct Q8Matrix {
  int rows = 0, cols = 0;
  int padded_cols = 0;  // cols rounded up to kQ8Block
  int padded_rows = 0;  // rows rounded up to kQ8Rows
  // Group g holds rows [8g, 8g + 8): for each block b, the 8 rows' 32 values one after another.
  // Values beyond cols or rows are zero.
  std::vector<int8_t> q;      // [padded_rows / 8][padded_cols / 32][8][32]
  std::vector<float> scales;  // [padded_rows / 8][padded_cols / 32][8]

  int blocks() const { return padded_cols / kQ8Block; }
  size_t slot(int row, int block) const {
    return (static_cast<size_t>(row / kQ8Rows) * blocks() + block) * kQ8Rows + row % kQ8Rows;
  }
  const int8_t* block(int row, int b) const { return q.data() + slot(row, b) * kQ8Block; }
  float scale(int row, int b) const { return scales[slot(row, b)]; }
};

Q8Matrix quantize_q8(const float* w, int rows, int cols);        // w: [rows][cols]
void dequantize_row_q8(const Q8Matrix& m, int row, float* out);  // out: [cols]

// Activations entering a q8 matmul: x[t][k] ~= x_q[t][k] * x_scale[t] with x_scale[t] =
// max_k |x[t][k]| / 32767 (error half a step, x_scale / 2, plus float rounding). x_q:
// [tokens][padded_cols], zero-padded.
void quantize_i16(int16_t* x_q, float* x_scale, const float* in, int tokens, int cols,
                  int padded_cols);

// As matmul_f32, with w in q8 and the input from quantize_i16. Within a block, int8 x int16
// products sum exactly in int32; blocks are scaled and summed in float.
void matmul_q8(float* out, const int16_t* in_q, const float* in_scale, const Q8Matrix& w,
               const float* bias, int tokens, bool accumulate, TaskRunner* runner);

// out, in: [tokens][cols]; gamma, beta: [cols]. out may equal in.
void layer_norm(float* out, const float* in, const float* gamma, const float* beta, int tokens,
                int cols, float eps);

// In place over n values: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), GPT-2's "gelu_new".
void gelu_tanh(float* x, size_t n);
// In place: 0.5 x (1 + erf(x / sqrt(2))), Hugging Face's "gelu".
void gelu_erf(float* x, size_t n);

// Eight lanes of multiply-then-add, summed in a fixed tree: bit-identical on every path.
float dot(const float* a, const float* b, int n);

// e^x for x <= 88 (above: +inf; below -87.3: 0; NaN: NaN), within 2 ulp. Our own rather than
// libm's, so softmax and GELU give the same bits natively and in wasm: only +, -, *, one rounding
// to an integer and bit operations, all exactly specified by IEEE 754. Inline so loops vectorise.
inline float exp_f32(float x) {
  // Written so NaN takes this branch too: converting it to an integer below is undefined.
  if (!(x <= 88.0f)) return x + INFINITY;
  if (x < -87.3f) return 0.0f;
  // x = n ln2 + r with |r| <= ln2 / 2; ln2 in two parts (Cody-Waite) so n * hi is exact.
  const float n = std::nearbyint(x * 1.44269504088896341f);
  const float r = (x - n * 0.693359375f) + n * 2.12194440e-4f;
  // e^r by its Taylor series to r^7: the remainder is below 6e-9 relative for |r| <= 0.35.
  float p = 1.0f / 5040.0f;
  p = p * r + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  const uint32_t bits = static_cast<uint32_t>(static_cast<int32_t>(n) + 127) << 23;  // 2^n
  return p * std::bit_cast<float>(bits);
}

// tanh from exp_f32: 1 - 2 / (e^2|x| + 1), sign restored; absolute error below 2e-7.
inline float tanh_f32(float x) {
  const float a = std::fabs(x);
  const float t = a > 9.0f ? 1.0f : 1.0f - 2.0f / (exp_f32(2.0f * a) + 1.0f);
  return std::copysign(t, x);
}

// out, in: [tokens][cols]; gamma: [cols]. T5's norm: y = x / sqrt(mean(x^2) + eps) * gamma (no
// mean subtracted, no bias). out may equal in.
void rms_norm(float* out, const float* in, const float* gamma, int tokens, int cols, float eps);

// In place over n values: max(x, 0).
void relu(float* x, size_t n);
// In place over n values: x / (1 + e^-x) (SiLU), from exp_f32 so it is the same on every path.
void silu(float* x, size_t n);

// One head, one query. out[d] = sum_j p_j v_j[d] with p = softmax_j(scale * dot(q, k_j)) over
// j < n_keys, k_j = k + j * stride and v_j = v + j * stride. Softmax in float, max-subtracted.
// scores: [n_keys] working memory. out, q: [head_dim].
void attend(float* out, const float* q, const float* k, const float* v, size_t stride, int n_keys,
            int head_dim, float scale, float* scores);

// As attend with scale 1 and an additive bias per key (T5: scores are q.k + position bias, not
// scaled by 1/sqrt(d)): p = softmax_j(dot(q, k_j) + bias[j]). bias: [n_keys], or nullptr for none.
void attend_biased(float* out, const float* q, const float* k, const float* v, size_t stride,
                   int n_keys, int head_dim, const float* bias, float* scores);

}  // namespace hyv::engine::kernels
