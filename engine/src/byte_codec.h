// The engine's binary state formats (generation sessions of GPT-2 and T5): little-endian writes,
// bounds-checked reads whose error names the field and byte offset, and a frame of
//   8-byte magic, u32 version, u64 total bytes (header and checksum included), body,
//   u64 FNV-1a of every byte before it.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "hyv/bytes.h"
#include "hyv/engine/sampler.h"
#include "hyv/status.h"

namespace hyv::engine {

inline uint64_t fnv1a(const uint8_t* data, size_t n) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (size_t i = 0; i < n; ++i) h = (h ^ data[i]) * 0x100000001b3ULL;
  return h;
}

class StateWriter {
 public:
  std::vector<uint8_t> bytes;
  void u8(uint8_t v) { bytes.push_back(v); }
  void u32(uint32_t v) {
    for (int i = 0; i < 4; ++i) bytes.push_back(uint8_t(v >> (8 * i)));
  }
  void u64(uint64_t v) {
    for (int i = 0; i < 8; ++i) bytes.push_back(uint8_t(v >> (8 * i)));
  }
  void i32(int32_t v) { u32(uint32_t(v)); }
  void f32(float v) { u32(std::bit_cast<uint32_t>(v)); }
  void f64(double v) { u64(std::bit_cast<uint64_t>(v)); }
  void str(const std::string& s) {
    u32(uint32_t(s.size()));
    bytes.insert(bytes.end(), s.begin(), s.end());
  }
  void ids(const std::vector<int32_t>& v) {
    u32(uint32_t(v.size()));
    for (int32_t id : v) i32(id);
  }
  void floats(const float* p, size_t n) {
    if constexpr (std::endian::native == std::endian::little) {
      const auto* b = reinterpret_cast<const uint8_t*>(p);
      bytes.insert(bytes.end(), b, b + n * sizeof(float));
    } else {
      for (size_t i = 0; i < n; ++i) f32(p[i]);
    }
  }
};

// After the first failure every read returns zeros and error() says where.
class StateReader {
 public:
  explicit StateReader(Bytes b) : b_(b) {}
  size_t offset() const { return pos_; }
  size_t remaining() const { return b_.size() - pos_; }
  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }

  uint8_t u8(const char* what) { return take(1, what) ? b_[pos_ - 1] : 0; }
  uint32_t u32(const char* what) {
    if (!take(4, what)) return 0;
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= uint32_t(b_[pos_ - 4 + i]) << (8 * i);
    return v;
  }
  uint64_t u64(const char* what) {
    if (!take(8, what)) return 0;
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= uint64_t(b_[pos_ - 8 + i]) << (8 * i);
    return v;
  }
  int32_t i32(const char* what) { return int32_t(u32(what)); }
  float f32(const char* what) { return std::bit_cast<float>(u32(what)); }
  double f64(const char* what) { return std::bit_cast<double>(u64(what)); }
  std::string str(const char* what) {
    uint32_t n = u32(what);
    if (!take(n, what)) return {};
    return std::string(reinterpret_cast<const char*>(b_.data() + pos_ - n), n);
  }
  std::vector<int32_t> ids(const char* what) {
    uint32_t n = u32(what);
    if (failed() || size_t(n) > remaining() / 4) {
      fail(what, size_t(n) * 4);
      return {};
    }
    std::vector<int32_t> v(n);
    for (auto& id : v) id = i32(what);
    return v;
  }
  void floats(float* p, size_t n, const char* what) {
    if (!take(n * sizeof(float), what)) return;
    const uint8_t* src = b_.data() + pos_ - n * sizeof(float);
    if constexpr (std::endian::native == std::endian::little) {
      std::memcpy(p, src, n * sizeof(float));
    } else {
      for (size_t i = 0; i < n; ++i) {
        uint32_t v = 0;
        for (int k = 0; k < 4; ++k) v |= uint32_t(src[4 * i + k]) << (8 * k);
        p[i] = std::bit_cast<float>(v);
      }
    }
  }
  // Fails (naming what) unless n items of item_bytes each can still be read.
  bool fits(uint64_t n, size_t item_bytes, const char* what) {
    if (failed()) return false;
    if (n > remaining() / item_bytes) {
      fail(what, size_t(n) * item_bytes);
      return false;
    }
    return true;
  }

 private:
  bool take(size_t n, const char* what) {
    if (failed()) return false;
    if (n > b_.size() - pos_) {
      fail(what, n);
      return false;
    }
    pos_ += n;
    return true;
  }
  void fail(const char* what, size_t n) {
    if (failed()) return;
    error_ = "session state is truncated: " + std::string(what) + " needs " + std::to_string(n) +
             " bytes at byte " + std::to_string(pos_) + " but only " +
             std::to_string(b_.size() - pos_) + " remain";
  }
  Bytes b_;
  size_t pos_ = 0;
  std::string error_;
};

// SamplingParams in the sessions' order: f32 temperature, i32 top_k, f32 top_p, f32 min_p,
// f32 repeat_penalty, f32 frequency_penalty, f32 presence_penalty, i32 repeat_last_n, u64 seed.
inline void write_sampling(StateWriter& w, const SamplingParams& p) {
  w.f32(p.temperature);
  w.i32(p.top_k);
  w.f32(p.top_p);
  w.f32(p.min_p);
  w.f32(p.repeat_penalty);
  w.f32(p.frequency_penalty);
  w.f32(p.presence_penalty);
  w.i32(p.repeat_last_n);
  w.u64(p.seed);
}

inline SamplingParams read_sampling(StateReader& r) {
  SamplingParams p;
  p.temperature = r.f32("temperature");
  p.top_k = r.i32("top_k");
  p.top_p = r.f32("top_p");
  p.min_p = r.f32("min_p");
  p.repeat_penalty = r.f32("repeat_penalty");
  p.frequency_penalty = r.f32("frequency_penalty");
  p.presence_penalty = r.f32("presence_penalty");
  p.repeat_last_n = r.i32("repeat_last_n");
  p.seed = r.u64("seed");
  return p;
}

// A frame's header; end_frame() patches its size and appends the checksum.
inline StateWriter begin_frame(const char (&magic)[8], uint32_t version) {
  StateWriter w;
  w.bytes.assign(magic, magic + 8);
  w.u32(version);
  w.u64(0);
  return w;
}

inline std::vector<uint8_t> end_frame(StateWriter&& w) {
  uint64_t total = w.bytes.size() + 8;
  for (int i = 0; i < 8; ++i) w.bytes[8 + 4 + i] = uint8_t(total >> (8 * i));
  w.u64(fnv1a(w.bytes.data(), w.bytes.size()));
  return std::move(w.bytes);
}

// The body of a frame (between header and checksum), after checking magic, version, size and
// checksum. `what` names the format in errors ("a Hyv generation session").
inline Result<Bytes> open_frame(Bytes state, const char (&magic)[8], uint32_t version,
                                std::string_view what) {
  const std::string printable(magic, strnlen(magic, 8));
  if (state.size() < 8 || std::memcmp(state.data(), magic, 8) != 0)
    return Status::Error("not " + std::string(what) + " (the first 8 bytes are not \"" +
                         printable + "\")");
  StateReader r(state.subspan(8));
  uint32_t got = r.u32("version");
  uint64_t total = r.u64("total size");
  if (r.failed()) return Status::Error(r.error());
  if (got != version)
    return Status::Error("session format version " + std::to_string(got) +
                         " is not supported (this build reads version " + std::to_string(version) +
                         ")");
  if (state.size() < total)
    return Status::Error("session state is truncated: it should be " + std::to_string(total) +
                         " bytes but is " + std::to_string(state.size()));
  const size_t header = 8 + r.offset();
  if (state.size() > total || total < header + 8)
    return Status::Error("session state has " + std::to_string(state.size()) +
                         " bytes but its header says " + std::to_string(total));
  size_t body = state.size() - 8;
  StateReader trailer(state.subspan(body));
  if (trailer.u64("checksum") != fnv1a(state.data(), body))
    return Status::Error("session state is corrupt: its checksum does not match its contents");
  return state.subspan(header, body - header);
}

}  // namespace hyv::engine
