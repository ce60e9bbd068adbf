#include "heap_check.h"

#include <cstring>

#include "hyv/json_nesting.h"
#include "rapidjson/document.h"

namespace hyv::canister {

Result<uint64_t> safetensors_elements(std::span<const uint8_t> head) {
  uint64_t n = 0;
  if (head.size() < 8)
    return Status::Error("model.safetensors: shorter than its 8-byte header length");
  std::memcpy(&n, head.data(), 8);
  if (n > head.size() - 8) {
    return Status::Error("model.safetensors: the header claims " + std::to_string(n) +
                         " bytes, more than the file's first " + std::to_string(head.size() - 8));
  }
  // RapidJSON recurses per level: a deeply nested header would trap the canister.
  HYV_RETURN_IF_ERROR(check_json_nesting(
      std::string_view(reinterpret_cast<const char*>(head.data() + 8), static_cast<size_t>(n)),
      "model.safetensors: the header", 8));
  rapidjson::Document doc;
  doc.Parse(reinterpret_cast<const char*>(head.data() + 8), static_cast<size_t>(n));
  if (doc.HasParseError() || !doc.IsObject()) {
    return Status::Error("model.safetensors: the header is not a JSON object (byte " +
                         std::to_string(8 + doc.GetErrorOffset()) + ")");
  }
  uint64_t elements = 0;
  for (const auto& m : doc.GetObject()) {
    if (!m.value.IsObject() || !m.value.HasMember("shape") || !m.value["shape"].IsArray()) continue;
    uint64_t count = 1;
    for (const auto& d : m.value["shape"].GetArray()) {
      if (!d.IsUint64()) return Status::Error("model.safetensors: a shape holds a non-integer");
      const uint64_t dim = d.GetUint64();
      if (dim != 0 && count > UINT64_MAX / dim)
        return Status::Error("model.safetensors: a shape overflows");
      count *= dim;
    }
    elements += count;
  }
  return elements;
}

uint64_t load_heap_bytes(uint64_t file_bytes, uint64_t elements, bool q8) {
  return file_bytes + elements * (q8 ? 2 : 4);
}

Status check_heap(const std::string& model, uint64_t heap_in_use, uint64_t need) {
  const uint64_t mib = uint64_t{1} << 20;
  if (heap_in_use + need + kHeapSlackBytes <= kHeapLimitBytes) return Status::Ok();
  return Status::Error(
      "model '" + model + "' needs about " + std::to_string(need / mib) +
      " MiB of heap to load and " +
      std::to_string((kHeapLimitBytes - std::min(heap_in_use, kHeapLimitBytes)) / mib) +
      " MiB are left of the canister's " + std::to_string(kHeapLimitBytes / mib) +
      " MiB: load it with quantize = \"q8\", or a smaller model");
}

}  // namespace hyv::canister
