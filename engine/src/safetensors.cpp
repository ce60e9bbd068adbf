#include "hyv/engine/safetensors.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>

#include "hyv/json_nesting.h"
#include "str_cat.h"

namespace hyv::engine {
namespace {

static_assert(std::endian::native == std::endian::little,
              "safetensors data is little-endian; a big-endian host would need byte swaps");

// The reference implementation refuses headers above 100 MB; a larger one is a corrupt length.
constexpr uint64_t kMaxHeaderBytes = 100'000'000;

struct DtypeInfo {
  const char* name;
  Dtype dtype;
  size_t bytes;
};

constexpr DtypeInfo kDtypes[] = {
    {"F64", Dtype::f64, 8},      {"F32", Dtype::f32, 4},         {"F16", Dtype::f16, 2},
    {"BF16", Dtype::bf16, 2},    {"I64", Dtype::i64, 8},         {"I32", Dtype::i32, 4},
    {"I16", Dtype::i16, 2},      {"I8", Dtype::i8, 1},           {"U64", Dtype::u64, 8},
    {"U32", Dtype::u32, 4},      {"U16", Dtype::u16, 2},         {"U8", Dtype::u8, 1},
    {"BOOL", Dtype::boolean, 1}, {"F8_E4M3", Dtype::f8_e4m3, 1}, {"F8_E5M2", Dtype::f8_e5m2, 1},
};

const DtypeInfo* dtype_by_name(std::string_view name) {
  for (const auto& d : kDtypes) {
    if (name == d.name) return &d;
  }
  return nullptr;
}

std::string quoted(std::string_view name) {
  return "tensor '" + std::string(name) + "'";
}

Result<std::vector<int64_t>> parse_shape(const rapidjson::Value& v, std::string_view name) {
  if (!v.IsArray()) return Status::Error(quoted(name) + ": \"shape\" must be an array");
  std::vector<int64_t> shape;
  for (const auto& d : v.GetArray()) {
    if (!d.IsUint64() ||
        d.GetUint64() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return Status::Error(quoted(name) + ": \"shape\" must hold non-negative integers");
    }
    shape.push_back(static_cast<int64_t>(d.GetUint64()));
  }
  return shape;
}

// Bytes needed for shape x dtype, or an error when the product overflows 64 bits.
Result<uint64_t> byte_size(std::span<const int64_t> shape, size_t dtype_bytes,
                           std::string_view name) {
  uint64_t bytes = dtype_bytes;
  for (int64_t d : shape) {
    const auto dim = static_cast<uint64_t>(d);
    if (dim != 0 && bytes > std::numeric_limits<uint64_t>::max() / dim) {
      return Status::Error(quoted(name) + ": shape " + shape_string(shape) + " is too large");
    }
    bytes *= dim;
  }
  return bytes;
}

Result<TensorView> parse_entry(std::string_view name, const rapidjson::Value& v, Bytes data,
                               uint64_t data_start) {
  if (!v.IsObject()) return Status::Error(quoted(name) + ": header entry must be an object");
  auto dtype_it = v.FindMember("dtype");
  auto shape_it = v.FindMember("shape");
  auto offsets_it = v.FindMember("data_offsets");
  if (dtype_it == v.MemberEnd() || !dtype_it->value.IsString()) {
    return Status::Error(quoted(name) + ": missing \"dtype\" string");
  }
  if (shape_it == v.MemberEnd()) return Status::Error(quoted(name) + ": missing \"shape\"");
  if (offsets_it == v.MemberEnd() || !offsets_it->value.IsArray() ||
      offsets_it->value.Size() != 2 || !offsets_it->value[0].IsUint64() ||
      !offsets_it->value[1].IsUint64()) {
    return Status::Error(quoted(name) + ": \"data_offsets\" must be [begin, end]");
  }
  const std::string_view dtype_text(dtype_it->value.GetString(), dtype_it->value.GetStringLength());
  const DtypeInfo* dtype = dtype_by_name(dtype_text);
  if (dtype == nullptr) {
    return Status::Error(quoted(name) + ": unknown dtype '" + std::string(dtype_text) +
                         "' (safetensors dtypes are F64, F32, F16, BF16, I64..I8, U64..U8, BOOL, "
                         "F8_E4M3, F8_E5M2)");
  }
  auto shape = parse_shape(shape_it->value, name);
  if (!shape.ok()) return shape.status();
  auto bytes = byte_size(shape.value(), dtype->bytes, name);
  if (!bytes.ok()) return bytes.status();

  const uint64_t begin = offsets_it->value[0].GetUint64();
  const uint64_t end = offsets_it->value[1].GetUint64();
  const std::string where = str_cat("data_offsets [", std::to_string(begin)) + ", " +
                            std::to_string(end) + "] (file bytes " +
                            std::to_string(data_start + begin) + ".." +
                            std::to_string(data_start + end) + ")";
  if (begin > end) return Status::Error(quoted(name) + ": " + where + " end before they begin");
  if (end > data.size()) {
    return Status::Error(quoted(name) + ": " + where + " run past the end of the file (" +
                         std::to_string(data_start + data.size()) +
                         " bytes); the file is truncated or corrupt");
  }
  if (end - begin != bytes.value()) {
    return Status::Error(quoted(name) + ": shape " + shape_string(shape.value()) + " of " +
                         dtype->name + " needs " + std::to_string(bytes.value()) + " bytes but " +
                         where + " span " + std::to_string(end - begin));
  }
  TensorView t;
  t.name = std::string(name);
  t.dtype = dtype->dtype;
  t.shape = std::move(shape).value();
  t.data = data.subspan(begin, end - begin);
  t.file_offset = data_start + begin;
  return t;
}

Status check_no_overlap(std::vector<TensorView> tensors) {
  std::sort(tensors.begin(), tensors.end(),
            [](const TensorView& a, const TensorView& b) { return a.file_offset < b.file_offset; });
  for (size_t i = 1; i < tensors.size(); ++i) {
    const TensorView& a = tensors[i - 1];
    const TensorView& b = tensors[i];
    if (!a.data.empty() && b.file_offset < a.file_offset + a.data.size()) {
      return Status::Error(quoted(a.name) + " (file bytes " + std::to_string(a.file_offset) + ".." +
                           std::to_string(a.file_offset + a.data.size()) + ") and " +
                           quoted(b.name) + " (from byte " + std::to_string(b.file_offset) +
                           ") overlap; the header is corrupt");
    }
  }
  return Status::Ok();
}

}  // namespace

const char* dtype_name(Dtype dtype) {
  for (const auto& d : kDtypes) {
    if (d.dtype == dtype) return d.name;
  }
  return "?";
}

size_t dtype_bytes(Dtype dtype) {
  for (const auto& d : kDtypes) {
    if (d.dtype == dtype) return d.bytes;
  }
  return 0;
}

int64_t TensorView::element_count() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;  // cannot overflow: parse() checked the byte size
  return n;
}

std::string shape_string(std::span<const int64_t> shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

Result<SafetensorsFile> SafetensorsFile::parse(Bytes file) {
  if (file.size() < 8) {
    return Status::Error(str_cat("the file is ", std::to_string(file.size())) +
                         " bytes; a safetensors file starts with an 8-byte header length");
  }
  uint64_t header_bytes = 0;
  std::memcpy(&header_bytes, file.data(), 8);
  if (header_bytes > kMaxHeaderBytes) {
    return Status::Error(str_cat("header length ", std::to_string(header_bytes)) +
                         " (bytes 0..8) exceeds 100 MB: not a safetensors file, or corrupt");
  }
  if (header_bytes > file.size() - 8) {
    return Status::Error(str_cat("header of ", std::to_string(header_bytes)) +
                         " bytes (from byte 8) runs " + "past the end of the file (" +
                         std::to_string(file.size()) + " bytes); the file is truncated");
  }
  // RapidJSON recurses per level: a hostile header of a million '[' would overflow the stack.
  HYV_RETURN_IF_ERROR(check_json_nesting(
      std::string_view(reinterpret_cast<const char*>(file.data() + 8), header_bytes), "header", 8));
  rapidjson::Document doc;
  doc.Parse(reinterpret_cast<const char*>(file.data() + 8), header_bytes);
  if (doc.HasParseError()) {
    return Status::Error("header JSON is invalid at byte " +
                         std::to_string(8 + doc.GetErrorOffset()) + ": " +
                         rapidjson::GetParseError_En(doc.GetParseError()));
  }
  if (!doc.IsObject()) return Status::Error("header JSON (from byte 8) must be an object");

  const uint64_t data_start = 8 + header_bytes;
  const Bytes data = file.subspan(data_start);
  SafetensorsFile out;
  for (const auto& m : doc.GetObject()) {
    const std::string_view name(m.name.GetString(), m.name.GetStringLength());
    if (name == "__metadata__") continue;
    auto t = parse_entry(name, m.value, data, data_start);
    if (!t.ok()) return t.status();
    out.tensors_.push_back(std::move(t).value());
  }
  std::sort(out.tensors_.begin(), out.tensors_.end(),
            [](const TensorView& a, const TensorView& b) { return a.name < b.name; });
  for (size_t i = 1; i < out.tensors_.size(); ++i) {
    if (out.tensors_[i].name == out.tensors_[i - 1].name) {
      return Status::Error(quoted(out.tensors_[i].name) + " appears twice in the header");
    }
  }
  HYV_RETURN_IF_ERROR(check_no_overlap(out.tensors_));
  return out;
}

const TensorView* SafetensorsFile::find(std::string_view name) const {
  auto it = std::lower_bound(tensors_.begin(), tensors_.end(), name,
                             [](const TensorView& t, std::string_view n) { return t.name < n; });
  return it != tensors_.end() && it->name == name ? &*it : nullptr;
}

float f16_to_f32(uint16_t half) {
  const uint32_t sign = static_cast<uint32_t>(half & 0x8000u) << 16;
  const uint32_t exponent = (half >> 10) & 0x1fu;
  uint32_t mantissa = half & 0x3ffu;
  uint32_t bits = 0;
  if (exponent == 0x1f) {
    bits = sign | 0x7f800000u | (mantissa << 13);  // inf or NaN (payload kept)
  } else if (exponent != 0) {
    bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
  } else if (mantissa != 0) {
    // Subnormal half: normalise it, since every half subnormal is a float normal.
    int e = 113;
    while ((mantissa & 0x400u) == 0) {
      mantissa <<= 1;
      --e;
    }
    bits = sign | (static_cast<uint32_t>(e) << 23) | ((mantissa & 0x3ffu) << 13);
  } else {
    bits = sign;
  }
  return std::bit_cast<float>(bits);
}

float bf16_to_f32(uint16_t bf16) {
  return std::bit_cast<float>(static_cast<uint32_t>(bf16) << 16);
}

Status check_float_dtype(const TensorView& t) {
  if (t.dtype == Dtype::f32 || t.dtype == Dtype::f16 || t.dtype == Dtype::bf16) return Status::Ok();
  return Status::Error(quoted(t.name) + " has dtype " + dtype_name(t.dtype) +
                       "; Hyv reads weights stored as F32, F16 or BF16");
}

Status check_finite(const TensorView& t) {
  HYV_RETURN_IF_ERROR(check_float_dtype(t));
  const auto n = static_cast<size_t>(t.element_count());
  const size_t width = dtype_bytes(t.dtype);
  for (size_t i = 0; i < n; ++i) {
    uint32_t bits = 0;
    uint16_t h = 0;
    if (width == 4) {
      std::memcpy(&bits, t.data.data() + 4 * i, 4);
    } else {
      std::memcpy(&h, t.data.data() + 2 * i, 2);
      bits = std::bit_cast<uint32_t>(t.dtype == Dtype::f16 ? f16_to_f32(h) : bf16_to_f32(h));
    }
    if (!non_finite_bits(bits)) continue;
    // Row-major index per dimension, e.g. [3, 17], to find the value in PyTorch.
    std::vector<int64_t> index(t.shape.size());
    size_t rest = i;
    for (size_t d = t.shape.size(); d-- > 0;) {
      const auto dim = static_cast<size_t>(t.shape[d]);
      index[d] = static_cast<int64_t>(rest % dim);
      rest /= dim;
    }
    const char* what = (bits & 0x007fffffu) != 0 ? "NaN" : (bits >> 31) ? "-inf" : "+inf";
    return Status::Error(quoted(t.name) + " (" + dtype_name(t.dtype) + ", shape " +
                         shape_string(t.shape) + "): element " + std::to_string(i) + " " +
                         shape_string(index) + " is " + what +
                         "; weights must be finite numbers (a corrupt file, or a model whose "
                         "training diverged)");
  }
  return Status::Ok();
}

Status read_f32(const TensorView& t, std::span<float> out) {
  const auto n = static_cast<size_t>(t.element_count());
  if (out.size() != n) {
    return Status::Error(quoted(t.name) + ": has " + std::to_string(n) +
                         " elements, output holds " + std::to_string(out.size()));
  }
  const uint8_t* p = t.data.data();
  // The largest magnitude's bits, folded in while the data is in cache: >= the exponent mask
  // means some element is NaN or infinite (check_finite then finds which, on that rare path).
  uint32_t max_bits = 0;
  switch (t.dtype) {
    case Dtype::f32:
      // One loop that copies and folds: as fast as memcpy (it vectorises), where a memcpy and
      // a scan after it read the data twice.
      for (size_t i = 0; i < n; ++i) {
        uint32_t bits = 0;
        std::memcpy(&bits, p + 4 * i, 4);
        out[i] = std::bit_cast<float>(bits);
        max_bits = std::max(max_bits, bits & 0x7fffffffu);
      }
      break;
    case Dtype::f16:
    case Dtype::bf16:
      for (size_t i = 0; i < n; ++i) {
        uint16_t h = 0;
        std::memcpy(&h, p + 2 * i, 2);
        out[i] = t.dtype == Dtype::f16 ? f16_to_f32(h) : bf16_to_f32(h);
        max_bits = std::max(max_bits, std::bit_cast<uint32_t>(out[i]) & 0x7fffffffu);
      }
      break;
    default:
      return check_float_dtype(t);
  }
  return non_finite_bits(max_bits) ? check_finite(t) : Status::Ok();
}

Result<std::vector<float>> read_f32(const TensorView& t) {
  std::vector<float> out(static_cast<size_t>(t.element_count()));
  HYV_RETURN_IF_ERROR(read_f32(t, out));
  return out;
}

}  // namespace hyv::engine
