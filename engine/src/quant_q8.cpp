// int8 weight quantisation (one scale per block of kQ8Block inputs) and its matrix product.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <type_traits>

#include "hyv/engine/kernels.h"
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

// Decode tiles are a whole group (one contiguous stream; in wasm, where the Internet Computer
// counts wasm instructions, 8 rows also share each activation load). Prefill tiles are rows (a
// divisor of kQ8Rows, so a tile stays in one group) x tokens; 4 x 3 was the fastest AVX2 shape
// of those tried on DistilGPT-2 shapes. In wasm, where loads and locals count as instructions too,
// 4 x 4 (each widened weight block serves 4 tokens, each activation load 4 rows) was the fewest
// counted instructions per prompt token of 1x4, 2x4, 2x6, 4x4, 4x8, 8x4 and 8x8 (~75M -> ~60M at
// DistilGPT-2 shape).
constexpr int kDecodeRows = kQ8Rows;
#if HYV_AVX2
constexpr int kPrefillRows = 4, kPrefillTokens = 3;
#else
constexpr int kPrefillRows = 4, kPrefillTokens = 4;
#endif
// Decode streams every weight once; prefetching this far ahead in the group-interleaved stream
// was best of 1-8 KiB on DistilGPT-2-sized decode (AVX2 path only).
[[maybe_unused]] constexpr int kPrefetchBytes = 4096;

inline float finish(float dot_value, float x_scale, const float* bias, int r, float* out,
                    bool accumulate) {
  float v = dot_value * x_scale;
  if (bias != nullptr) v += bias[r];
  if (accumulate) v += *out;
  return v;
}

struct Q8Args {
  float* out;
  const int16_t* in_q;
  const float* in_scale;
  const Q8Matrix* w;
  const float* bias;
  bool accumulate;
};

// Every path (AVX2, SIMD128, scalar) computes one output element the same way, so q8 results are
// bit-identical natively and in wasm: per block of 32 inputs, lane l (0..7) sums w * x over the
// positions {2l, 2l+1, 16+2l, 16+2l+1} exactly in int32 (the lanes of vpmaddwd); then
// acc[l] = acc[l] + float(sum_l) * scale, a multiply and an add (wasm has no FMA); finally
// ((a0+a4) + (a2+a6)) + ((a1+a5) + (a3+a7)), times the activation scale, plus bias and output.
#if HYV_AVX2
inline float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

// R rows (consecutive in one group, r0 % R == 0) x T tokens. Per block: weights widened to int16
// once and shared by the T tokens.
template <int R, int T>
void tile_q8(const Q8Args& a, int r0, int t0) {
  const Q8Matrix& m = *a.w;
  const int pc = m.padded_cols;
  __m256 acc[R][T];
  for (int r = 0; r < R; ++r)
    for (int t = 0; t < T; ++t) acc[r][t] = _mm256_setzero_ps();
  const int16_t* xq = a.in_q + static_cast<size_t>(t0) * pc;
  const size_t stride = static_cast<size_t>(kQ8Rows) * kQ8Block;  // from one block to the next
  const int8_t* wq = m.block(r0, 0);
  const float* ws = m.scales.data() + m.slot(r0, 0);
  for (int b = 0; b < m.blocks(); ++b, wq += stride, ws += kQ8Rows) {
    if constexpr (T == 1) {
      for (int line = 0; line < R * kQ8Block; line += 64) {
        _mm_prefetch(reinterpret_cast<const char*>(wq) + kPrefetchBytes + line, _MM_HINT_T0);
      }
    }
    for (int r = 0; r < R; ++r) {
      const int8_t* wp = wq + r * kQ8Block;
      const __m256i w0 =
          _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(wp)));
      const __m256i w1 =
          _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(wp + 16)));
      const __m256 scale = _mm256_set1_ps(ws[r]);
      for (int t = 0; t < T; ++t) {
        const int16_t* xp = xq + static_cast<size_t>(t) * pc + b * kQ8Block;
        const __m256i x0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(xp));
        const __m256i x1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(xp + 16));
        const __m256i s = _mm256_add_epi32(_mm256_madd_epi16(w0, x0), _mm256_madd_epi16(w1, x1));
        acc[r][t] = _mm256_add_ps(acc[r][t], _mm256_mul_ps(_mm256_cvtepi32_ps(s), scale));
      }
    }
  }
  for (int r = 0; r < R; ++r) {
    for (int t = 0; t < T; ++t) {
      float* o = a.out + static_cast<size_t>(t0 + t) * m.rows + r0 + r;
      *o = finish(hsum(acc[r][t]), a.in_scale[t0 + t], a.bias, r0 + r, o, a.accumulate);
    }
  }
}
#elif HYV_SIMD128
// Lanes 0..3 and 4..7 of the AVX2 accumulator as two f32x4.
inline float hsum(v128_t lo, v128_t hi) {
  const v128_t s = wasm_f32x4_add(lo, hi);
  const v128_t t = wasm_f32x4_add(s, wasm_i32x4_shuffle(s, s, 2, 3, 2, 3));
  return wasm_f32x4_extract_lane(t, 0) + wasm_f32x4_extract_lane(t, 1);
}

template <int R, int T>
void tile_q8(const Q8Args& a, int r0, int t0) {
  const Q8Matrix& m = *a.w;
  const int pc = m.padded_cols;
  v128_t lo[R][T], hi[R][T];
  for (int r = 0; r < R; ++r) {
    for (int t = 0; t < T; ++t) lo[r][t] = hi[r][t] = wasm_f32x4_splat(0.0f);
  }
  const int16_t* xq = a.in_q + static_cast<size_t>(t0) * pc;
  const size_t stride = static_cast<size_t>(kQ8Rows) * kQ8Block;
  const int8_t* wq = m.block(r0, 0);
  const float* ws = m.scales.data() + m.slot(r0, 0);
  for (int b = 0; b < m.blocks(); ++b, wq += stride, ws += kQ8Rows) {
    v128_t x[T][4];
    for (int t = 0; t < T; ++t) {
      const int16_t* xp = xq + static_cast<size_t>(t) * pc + b * kQ8Block;
      for (int i = 0; i < 4; ++i) x[t][i] = wasm_v128_load(xp + 8 * i);
    }
    // Fully unrolled, so the R x T accumulators stay in wasm locals: left as a loop, clang 14
    // keeps them in memory, a load and a store per block and row (~2 instead of ~1.2 counted
    // instructions per weight in decode).
#pragma clang loop unroll(full)
    for (int r = 0; r < R; ++r) {
      const int8_t* wp = wq + r * kQ8Block;
      const v128_t v0 = wasm_v128_load(wp);
      const v128_t v1 = wasm_v128_load(wp + 16);
      const v128_t w[4] = {wasm_i16x8_extend_low_i8x16(v0), wasm_i16x8_extend_high_i8x16(v0),
                           wasm_i16x8_extend_low_i8x16(v1), wasm_i16x8_extend_high_i8x16(v1)};
      const v128_t scale = wasm_f32x4_splat(ws[r]);
      for (int t = 0; t < T; ++t) {
        const v128_t s_lo = wasm_i32x4_add(wasm_i32x4_dot_i16x8(w[0], x[t][0]),
                                           wasm_i32x4_dot_i16x8(w[2], x[t][2]));
        const v128_t s_hi = wasm_i32x4_add(wasm_i32x4_dot_i16x8(w[1], x[t][1]),
                                           wasm_i32x4_dot_i16x8(w[3], x[t][3]));
        lo[r][t] = wasm_f32x4_add(lo[r][t], wasm_f32x4_mul(wasm_f32x4_convert_i32x4(s_lo), scale));
        hi[r][t] = wasm_f32x4_add(hi[r][t], wasm_f32x4_mul(wasm_f32x4_convert_i32x4(s_hi), scale));
      }
    }
  }
  for (int r = 0; r < R; ++r) {
    for (int t = 0; t < T; ++t) {
      float* o = a.out + static_cast<size_t>(t0 + t) * m.rows + r0 + r;
      *o = finish(hsum(lo[r][t], hi[r][t]), a.in_scale[t0 + t], a.bias, r0 + r, o, a.accumulate);
    }
  }
}
#else
template <int R, int T>
void tile_q8(const Q8Args& a, int r0, int t0) {
  const Q8Matrix& m = *a.w;
  const int pc = m.padded_cols;
  for (int r = r0; r < r0 + R; ++r) {
    for (int t = t0; t < t0 + T; ++t) {
      const int16_t* xp = a.in_q + static_cast<size_t>(t) * pc;
      float acc[8] = {};
      for (int b = 0; b < m.blocks(); ++b) {
        const int8_t* wp = m.block(r, b);
        const int16_t* xb = xp + b * kQ8Block;
        const float scale = m.scale(r, b);
        for (int l = 0; l < 8; ++l) {
          int32_t s = 0;
          for (int i : {2 * l, 2 * l + 1, 16 + 2 * l, 17 + 2 * l}) s += int32_t{wp[i]} * xb[i];
          acc[l] = acc[l] + static_cast<float>(s) * scale;
        }
      }
      const float sum =
          ((acc[0] + acc[4]) + (acc[2] + acc[6])) + ((acc[1] + acc[5]) + (acc[3] + acc[7]));
      float* o = a.out + static_cast<size_t>(t) * m.rows + r;
      *o = finish(sum, a.in_scale[t], a.bias, r, o, a.accumulate);
    }
  }
}
#endif

// Rows [r_begin, r_end), r_begin a multiple of kQ8Rows. One token: tiles of kDecodeRows rows
// (a whole group natively: one contiguous stream); several tokens: 1 row x 4 tokens, so a
// widened weight block serves 4 tokens while the group's rows stay in L1.
void matmul_rows_q8(const Q8Args& a, int tokens, int r_begin, int r_end) {
  auto tile = [&](auto rt, auto tt, int r, int t) {
    tile_q8<decltype(rt)::value, decltype(tt)::value>(a, r, t);
  };
  for_each_tile<kDecodeRows, kPrefillRows, kPrefillTokens>(tokens, r_begin, r_end, tile);
}

// q = round-half-even(w / scale), clamped; a plain loop so the compiler vectorises it. Division
// (not a multiply by 1 / scale) keeps the values exact to IEEE on every platform.
void quantize_block(const float* w, int n, float scale, int8_t* q) {
  for (int k = 0; k < n; ++k) {
    float v = std::nearbyint(w[k] / scale);
    v = v < -127.0f ? -127.0f : (v > 127.0f ? 127.0f : v);
    q[k] = static_cast<int8_t>(static_cast<int32_t>(v));
  }
}

// Eight running maxima (the compiler vectorises them; a single one is a serial chain of max
// latencies). A maximum does not depend on the order it is taken in.
float abs_max(const float* w, int n) {
  float lane[8] = {};
  int k = 0;
  for (; k + 8 <= n; k += 8) {
    for (int i = 0; i < 8; ++i) {
      const float a = std::fabs(w[k + i]);
      lane[i] = a > lane[i] ? a : lane[i];
    }
  }
  for (; k < n; ++k) lane[0] = std::fabs(w[k]) > lane[0] ? std::fabs(w[k]) : lane[0];
  float amax = 0.0f;
  for (float v : lane) amax = v > amax ? v : amax;
  return amax;
}

}  // namespace

Q8Matrix quantize_q8(const float* w, int rows, int cols) {
  Q8Matrix m;
  m.rows = rows;
  m.cols = cols;
  m.padded_cols = (cols + kQ8Block - 1) / kQ8Block * kQ8Block;
  m.padded_rows = (rows + kQ8Rows - 1) / kQ8Rows * kQ8Rows;
  const size_t slots = static_cast<size_t>(m.padded_rows) * m.blocks();
  m.q.assign(slots * kQ8Block, 0);
  m.scales.assign(slots, 0.0f);
  for (int r = 0; r < rows; ++r) {
    const float* row = w + static_cast<size_t>(r) * cols;
    for (int b = 0; b < m.blocks(); ++b) {
      const int k0 = b * kQ8Block;
      const int n = std::min(cols - k0, kQ8Block);
      const float scale = abs_max(row + k0, n) / 127.0f;
      m.scales[m.slot(r, b)] = scale;
      if (scale > 0.0f) quantize_block(row + k0, n, scale, m.q.data() + m.slot(r, b) * kQ8Block);
    }
  }
  return m;
}

void dequantize_row_q8(const Q8Matrix& m, int row, float* out) {
  for (int k = 0; k < m.cols; ++k) {
    const int b = k / kQ8Block;
    out[k] = static_cast<float>(m.block(row, b)[k % kQ8Block]) * m.scale(row, b);
  }
}

void quantize_i16(int16_t* x_q, float* x_scale, const float* in, int tokens, int cols,
                  int padded_cols) {
  for (int t = 0; t < tokens; ++t) {
    const float* x = in + static_cast<size_t>(t) * cols;
    int16_t* q = x_q + static_cast<size_t>(t) * padded_cols;
    const float scale = abs_max(x, cols) / 32767.0f;
    x_scale[t] = scale;
    const float inv = scale > 0.0f ? 1.0f / scale : 0.0f;
    for (int k = 0; k < cols; ++k) {
      q[k] = static_cast<int16_t>(std::clamp(std::nearbyint(x[k] * inv), -32767.0f, 32767.0f));
    }
    std::fill(q + cols, q + padded_cols, int16_t{0});
  }
}

void matmul_q8(float* out, const int16_t* in_q, const float* in_scale, const Q8Matrix& w,
               const float* bias, int tokens, bool accumulate, TaskRunner* runner) {
  const Q8Args args{out, in_q, in_scale, &w, bias, accumulate};
  const int n_tasks = task_count(runner, static_cast<int64_t>(tokens) * w.rows * w.cols);
  const int per_task = (w.rows + n_tasks - 1) / n_tasks;
  const int chunk = (per_task + kQ8Rows - 1) / kQ8Rows * kQ8Rows;  // tasks start on a group
  parallel_for(runner, n_tasks, [&](int i) {
    const int r0 = std::min(w.rows, i * chunk);
    const int r1 = std::min(w.rows, r0 + chunk);
    if (r0 < r1) matmul_rows_q8(args, tokens, r0, r1);
  });
}

}  // namespace hyv::engine::kernels
