// Safetensors files, parsed from bytes: an 8-byte little-endian header length, a JSON header that
// maps each tensor name to {dtype, shape, data_offsets}, then the tensors' raw little-endian bytes.
//
//   auto file = hyv::engine::SafetensorsFile::parse(bytes);  // checks header, bounds, overlaps
//   if (!file.ok()) return file.status();
//   const hyv::engine::TensorView* wte = file.value().find("wte.weight");
//   auto values = hyv::engine::read_f32(*wte);  // F32, F16 or BF16 as float
//
// parse() validates everything that can be checked without converting data, so later reads cannot
// run out of bounds. The views point into the caller's bytes, which must outlive the file object.
// "__metadata__" is ignored. Data offsets may leave gaps between tensors, but never overlap.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hyv/bytes.h"
#include "hyv/status.h"

namespace hyv::engine {

enum class Dtype {
  f64,
  f32,
  f16,
  bf16,
  i64,
  i32,
  i16,
  i8,
  u64,
  u32,
  u16,
  u8,
  boolean,
  f8_e4m3,
  f8_e5m2
};

const char* dtype_name(Dtype dtype);  // as spelled in the header, e.g. "BF16"
size_t dtype_bytes(Dtype dtype);

struct TensorView {
  std::string name;
  Dtype dtype = Dtype::f32;
  std::vector<int64_t> shape;
  Bytes data;                // element bytes (little-endian; not necessarily aligned)
  uint64_t file_offset = 0;  // of data's first byte in the file, for messages

  int64_t element_count() const;
};

class SafetensorsFile {
 public:
  // Errors name the tensor and the byte offsets involved (e.g. a truncated file).
  static Result<SafetensorsFile> parse(Bytes file);

  const std::vector<TensorView>& tensors() const { return tensors_; }  // sorted by name
  const TensorView* find(std::string_view name) const;                 // nullptr when absent

 private:
  std::vector<TensorView> tensors_;
};

// Ok for F32, F16 and BF16; otherwise an error naming the tensor and its dtype.
Status check_float_dtype(const TensorView& t);

// F32, F16 and BF16 elements as float; any other dtype is an error naming the tensor and dtype.
// A NaN or infinite element is an error too (check_finite's message): every float tensor Hyv
// reads is a weight, and one such weight turns every logit into NaN. The check rides on the copy
// the read makes anyway. out.size() must equal t.element_count().
Status read_f32(const TensorView& t, std::span<float> out);
Result<std::vector<float>> read_f32(const TensorView& t);

// Ok when every element of an F32, F16 or BF16 tensor is finite; otherwise an error naming the
// tensor, its first NaN or infinite element (flat index, index per dimension) and the dtype.
Status check_finite(const TensorView& t);

// True when a float's bits (F32, or F16/BF16 widened by the functions below) are NaN or +-inf.
inline bool non_finite_bits(uint32_t bits) {
  return (bits & 0x7f800000u) == 0x7f800000u;
}

float f16_to_f32(uint16_t half);
float bf16_to_f32(uint16_t bf16);

std::string shape_string(std::span<const int64_t> shape);  // "[768, 2304]"

}  // namespace hyv::engine
