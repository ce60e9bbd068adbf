// Linear: the weight matrices of the engine's models, float or q8.
#include "linear.h"

#include <cstring>

namespace hyv::engine {

Linear make_linear(WeightBuffer w, int rows, int cols, std::vector<float> bias, WeightType type) {
  Linear l;
  l.rows = rows;
  l.cols = cols;
  l.bias = std::move(bias);
  if (type == WeightType::q8) {
    l.quantized = true;
    l.q = kernels::quantize_q8(w.data(), rows, cols);
  } else {
    l.w = std::move(w);
  }
  return l;
}

void Linear::apply(float* out, const float* in, int tokens, bool accumulate, int16_t* x_q,
                   float* x_scale, TaskRunner* runner) const {
  const float* b = bias.empty() ? nullptr : bias.data();
  if (quantized) {
    kernels::quantize_i16(x_q, x_scale, in, tokens, cols, q.padded_cols);
    kernels::matmul_q8(out, x_q, x_scale, q, b, tokens, accumulate, runner);
  } else {
    kernels::matmul_f32(out, in, w.data(), b, tokens, rows, cols, accumulate, runner);
  }
}

void Linear::row(int r, float* out) const {
  if (quantized) {
    kernels::dequantize_row_q8(q, r, out);
  } else {
    std::memcpy(out, w.data() + static_cast<size_t>(r) * cols, sizeof(float) * cols);
  }
}

}  // namespace hyv::engine
