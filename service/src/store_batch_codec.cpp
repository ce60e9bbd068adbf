#include "store_batch_codec.h"

#include <cstdint>

#include "little_endian.h"

namespace hyv::service {
namespace {

constexpr uint8_t kPut = 1;
constexpr uint8_t kRemove = 2;

// Reads fields front to back; any read past the end leaves it failed.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}

  template <typename T>
  T number() {
    if (failed_ || bytes_.size() < sizeof(T)) return fail<T>();
    T v = get_le<T>(reinterpret_cast<const uint8_t*>(bytes_.data()));
    bytes_.remove_prefix(sizeof(T));
    return v;
  }
  std::string text() {
    uint32_t n = number<uint32_t>();
    if (failed_ || bytes_.size() < n) return fail<std::string>();
    std::string s(bytes_.substr(0, n));
    bytes_.remove_prefix(n);
    return s;
  }
  bool done() const { return !failed_ && bytes_.empty(); }
  bool failed() const { return failed_; }

 private:
  template <typename T>
  T fail() {
    failed_ = true;
    return T();
  }
  std::string_view bytes_;
  bool failed_ = false;
};

}  // namespace

std::string encode_store_batch(const std::vector<StoreOp>& batch) {
  std::string out;
  append_le<uint32_t>(out, static_cast<uint32_t>(batch.size()));
  for (const StoreOp& op : batch) {
    bool put = op.kind == StoreOp::Kind::kPut;
    out.push_back(static_cast<char>(put ? kPut : kRemove));
    append_le<uint32_t>(out, static_cast<uint32_t>(op.key.size()));
    out += op.key;
    if (!put) continue;
    append_le<uint32_t>(out, static_cast<uint32_t>(op.value.size()));
    out += op.value;
  }
  return out;
}

Result<std::vector<StoreOp>> decode_store_batch(std::string_view bytes) {
  Reader in(bytes);
  uint32_t count = in.number<uint32_t>();
  std::vector<StoreOp> batch;
  for (uint32_t i = 0; i < count && !in.failed(); ++i) {
    uint8_t kind = in.number<uint8_t>();
    std::string key = in.text();
    if (kind == kPut) {
      batch.push_back(StoreOp::Put(std::move(key), in.text()));
    } else if (kind == kRemove) {
      batch.push_back(StoreOp::Remove(std::move(key)));
    } else {
      return Status::Error(StatusCode::kInternal, "unknown op kind " + std::to_string(kind));
    }
  }
  if (!in.done()) return Status::Error(StatusCode::kInternal, "malformed store batch");
  return batch;
}

}  // namespace hyv::service
