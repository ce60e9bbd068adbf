// pytorch_model.bin files: the zip's end records, central directory and local headers, the
// restricted unpickler of data.pkl, and each tensor's storage bounds; then every view must lie
// inside the input, and every float tensor reads as f32 (which also checks it is finite).
#include <cstdlib>

#include "hyv/engine/torch_checkpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const hyv::Bytes file(data, size);
  auto ckpt = hyv::engine::TorchCheckpoint::parse(file);
  if (!ckpt.ok()) return 0;
  for (const auto& t : ckpt.value().tensors()) {
    const size_t bytes = static_cast<size_t>(t.element_count()) * hyv::engine::dtype_bytes(t.dtype);
    if (t.file_offset > size || t.data.data() != data + t.file_offset || t.data.size() != bytes ||
        t.data.size() > size - t.file_offset) {
      std::abort();  // a view outside the input, or of the wrong size
    }
    if (!hyv::engine::check_float_dtype(t).ok() || t.data.size() > (1u << 20)) continue;
    (void)hyv::engine::read_f32(t);
  }
  return 0;
}
