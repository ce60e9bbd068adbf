// Gpt2Model::load in steps, so a host whose calls have an instruction limit (an IC canister) can
// spread the conversion and quantisation of the weights over several calls:
//
//   auto loader = hyv::engine::Gpt2Loader::create(config, safetensors_bytes, WeightType::q8);
//   while (!loader.value().done()) {
//     if (Status st = loader.value().step(); !st.ok()) return st;  // one tensor (or a few vectors)
//   }
//   auto model = std::move(loader.value()).finish();
//
// Gpt2Model::load is exactly this loop, so the weights are the same whatever the steps per call.
// The safetensors bytes must outlive the loader.
#pragma once

#include <cstdint>
#include <memory>

#include "hyv/bytes.h"
#include "hyv/engine/gpt2.h"
#include "hyv/status.h"

namespace hyv::engine {

struct Gpt2Weights;

class Gpt2Loader {
 public:
  // Checks the config and the safetensors header (tensors, layer count); converts nothing.
  static Result<Gpt2Loader> create(const Gpt2Config& config, Bytes safetensors, WeightType type);

  bool done() const { return steps_done() == steps_total(); }
  int steps_done() const;
  int steps_total() const;  // 2 + 4 * n_layer: embeddings, each block's 4 matrices, ln_f
  // Weights the next step converts (0 when done): what its cost grows with.
  int64_t next_step_elements() const;

  // Converts (and for q8 quantises) the next tensor; an error names the tensor and the config
  // fields it contradicts, and leaves the loader unusable.
  Status step();
  // The model, once done().
  Result<Gpt2Model> finish() &&;

  Gpt2Loader(Gpt2Loader&&) noexcept;
  Gpt2Loader& operator=(Gpt2Loader&&) noexcept;
  ~Gpt2Loader();

 private:
  struct State;
  explicit Gpt2Loader(std::unique_ptr<State> state);
  // Defined next to Gpt2Model's internals.
  static Gpt2Model assemble(const Gpt2Config& config, WeightType type, Gpt2Weights&& weights);
  std::unique_ptr<State> s_;
};

}  // namespace hyv::engine
