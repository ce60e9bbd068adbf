// T5Model::load in steps, so a host whose calls have an instruction limit (an IC canister) can
// spread the conversion and quantisation of the weights over several calls:
//
//   auto loader = hyv::engine::T5Loader::create(config, safetensors_bytes, WeightType::q8);
//   while (!loader.value().done()) {
//     if (Status st = loader.value().step(); !st.ok()) return st;  // the embeddings, or one block
//   }
//   auto model = std::move(loader.value()).finish();
//
// T5Model::load is exactly this loop, so the weights are the same whatever the steps per call.
// The weight bytes must outlive the loader.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "hyv/bytes.h"
#include "hyv/engine/safetensors.h"
#include "hyv/engine/t5.h"
#include "hyv/status.h"

namespace hyv::engine {

class T5Loader {
 public:
  // Checks the config and the tensors' layer counts; converts nothing.
  static Result<T5Loader> create(const T5Config& config, Bytes safetensors, WeightType type);
  // tensors: sorted by name (SafetensorsFile::tensors(), TorchCheckpoint::tensors()); copied.
  static Result<T5Loader> create(const T5Config& config, std::span<const TensorView> tensors,
                                 WeightType type);

  bool done() const { return steps_done() == steps_total(); }
  int steps_done() const;
  // 2 + num_layers + num_decoder_layers: the embeddings (and an untied head), each block, then
  // the position bias tables and final norms.
  int steps_total() const;
  // Weights the next step converts (0 when done): what its cost grows with.
  int64_t next_step_elements() const;

  // Converts (and for q8 quantises) the next part; an error names the tensor and the config
  // fields it contradicts, and leaves the loader unusable.
  Status step();
  Result<T5Model> finish() &&;

  T5Loader(T5Loader&&) noexcept;
  T5Loader& operator=(T5Loader&&) noexcept;
  ~T5Loader();

 private:
  struct State;
  explicit T5Loader(std::unique_ptr<State> state);
  std::unique_ptr<State> s_;
};

}  // namespace hyv::engine
