// A weight matrix as the engine's forward passes apply it (internal to the engine): out = in W^T +
// bias, with W [rows][cols] (row r = output r's weights) held as float or as q8.
#pragma once

#include <cstdint>
#include <memory>
#include <new>
#include <utility>
#include <vector>

#include "hyv/engine/gpt2.h"
#include "hyv/engine/kernels.h"
#include "hyv/task_runner.h"

namespace hyv::engine {

// An allocator that leaves elements uninitialised on resize: weight buffers are written in full
// right after allocation, so zeroing hundreds of MB first would only cost load time.
template <class T>
struct UninitializedAllocator : std::allocator<T> {
  template <class U>
  struct rebind {
    using other = UninitializedAllocator<U>;
  };
  UninitializedAllocator() = default;
  template <class U>
  UninitializedAllocator(const UninitializedAllocator<U>&) noexcept {}
  template <class U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};
using WeightBuffer = std::vector<float, UninitializedAllocator<float>>;

// out = in W^T + bias, W: [rows][cols] stored as float (w) or as q8 (q); bias may be empty.
struct Linear {
  int rows = 0, cols = 0;
  bool quantized = false;
  WeightBuffer w;
  kernels::Q8Matrix q;
  std::vector<float> bias;

  // out: [tokens][rows], in: [tokens][cols]. For q8, x_q ([tokens][q.padded_cols]) and x_scale
  // ([tokens]) are working memory for the rounded activations.
  void apply(float* out, const float* in, int tokens, bool accumulate, int16_t* x_q, float* x_scale,
             TaskRunner* runner) const;
  void row(int r, float* out) const;  // W[r][0..cols) as float
  int padded_cols() const { return quantized ? q.padded_cols : cols; }
};

// A Linear of w ([rows][cols], row-major), quantised to q8 when type says so.
Linear make_linear(WeightBuffer w, int rows, int cols, std::vector<float> bias, WeightType type);

}  // namespace hyv::engine
