// safetensors files: the header's JSON, dtypes, shapes and offsets, then every tensor read as f32
// (which also checks that the weights are finite).
#include "hyv/engine/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto file = hyv::engine::SafetensorsFile::parse(hyv::Bytes(data, size));
  if (!file.ok()) return 0;
  for (const auto& t : file.value().tensors()) {
    if (!hyv::engine::check_float_dtype(t).ok() || t.data.size() > (1u << 20)) continue;
    (void)hyv::engine::read_f32(t);
  }
  return 0;
}
