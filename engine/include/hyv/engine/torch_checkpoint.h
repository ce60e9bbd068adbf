// PyTorch checkpoints (`pytorch_model.bin`), parsed from bytes into the same TensorViews that
// SafetensorsFile gives, executing nothing. Since torch 1.6, torch.save writes a zip archive of
// stored (uncompressed) entries under one top-level folder of any name:
//
//   <dir>/data.pkl     the state dict, pickled (protocol 2 by default)
//   <dir>/data/<key>   each storage's raw bytes, which the pickle names by key
//   <dir>/byteorder    "little" or "big" (torch >= 2.1; older files are little-endian)
//   <dir>/version      the format version
//
//   auto ckpt = hyv::engine::TorchCheckpoint::parse(bytes);
//   if (!ckpt.ok()) return ckpt.status();
//   const hyv::engine::TensorView* w = ckpt.value().find("shared.weight");
//   auto values = hyv::engine::read_f32(*w);
//
// data.pkl is read by a restricted unpickler that knows only the classes and functions a state
// dict is pickled with (collections.OrderedDict, torch._utils._rebuild_tensor_v2,
// _rebuild_parameter, the torch.*Storage types); any other global (e.g. `os system`) or opcode
// is refused with its byte offset in data.pkl, never imported or called.
//
// Which dict: the tensors of the top-level dict; when it holds none (a training checkpoint such
// as {"epoch": 3, "state_dict": {...}}), those of its "state_dict" entry, else of its "model"
// entry. Values that are not tensors (ints, strings, nested dicts such as an optimizer's state)
// are skipped. Tensors must be row-major contiguous (any storage_offset; several may share one
// storage, as T5's tied embeddings do); others are refused naming the tensor. Dtypes: F32, F16,
// BF16, F64, I64, I32, I16, I8, U8, BOOL. The views point into the caller's bytes, which must
// outlive the checkpoint object. Refused with a message saying what to do: the legacy (pre-1.6,
// non-zip) format, compressed entries, big-endian files.
#pragma once

#include <string_view>
#include <vector>

#include "hyv/bytes.h"
#include "hyv/engine/safetensors.h"
#include "hyv/status.h"

namespace hyv::engine {

// True when the bytes start like a zip archive (torch.save's format since torch 1.6).
bool is_torch_zip(Bytes file);

class TorchCheckpoint {
 public:
  // Errors name the tensor or zip entry and the byte offset involved.
  static Result<TorchCheckpoint> parse(Bytes file);  // views point into `file`

  const std::vector<TensorView>& tensors() const { return tensors_; }  // sorted by name
  const TensorView* find(std::string_view name) const;                 // nullptr when absent

 private:
  std::vector<TensorView> tensors_;
};

}  // namespace hyv::engine
