#include "saved_sessions.h"

#include <cstring>

namespace hyv::canister {
namespace {

constexpr char kMagic[8] = {'H', 'Y', 'V', 'S', 'E', 'S', 'S', '1'};

class Writer {
 public:
  template <typename T>
  void fixed(T v) {
    const auto* p = reinterpret_cast<const uint8_t*>(&v);
    out_.insert(out_.end(), p, p + sizeof v);
  }
  void bytes(std::span<const uint8_t> b) {
    fixed<uint64_t>(b.size());
    out_.insert(out_.end(), b.begin(), b.end());
  }
  void text(const std::string& s) { bytes({reinterpret_cast<const uint8_t*>(s.data()), s.size()}); }
  std::vector<uint8_t> take() { return std::move(out_); }

 private:
  std::vector<uint8_t> out_;
};

// Reads fields in order; the first read past the end makes ok() false and every later read empty.
class Reader {
 public:
  explicit Reader(std::span<const uint8_t> in) : in_(in) {}
  template <typename T>
  T fixed() {
    T v{};
    if (!take(sizeof v)) return v;
    std::memcpy(&v, in_.data() + at_ - sizeof v, sizeof v);
    return v;
  }
  std::vector<uint8_t> bytes() {
    const auto n = fixed<uint64_t>();
    if (n > in_.size() - at_ || !take(static_cast<size_t>(n))) {
      ok_ = false;
      return {};
    }
    return {in_.begin() + static_cast<ptrdiff_t>(at_ - n),
            in_.begin() + static_cast<ptrdiff_t>(at_)};
  }
  std::string text() {
    std::vector<uint8_t> b = bytes();
    return {b.begin(), b.end()};
  }
  bool ok() const { return ok_; }
  size_t offset() const { return at_; }

 private:
  bool take(size_t n) {
    if (!ok_ || n > in_.size() - at_) {
      ok_ = false;
      return false;
    }
    at_ += n;
    return true;
  }
  std::span<const uint8_t> in_;
  size_t at_ = 0;
  bool ok_ = true;
};

void write_params(Writer& w, const GenerateParams& p) {
  w.text(p.model);
  w.text(p.prompt);
  w.fixed(p.max_tokens);
  w.fixed(p.temperature);
  w.fixed(p.top_k);
  w.fixed(p.top_p);
  w.fixed(p.min_p);
  w.fixed(p.repetition_penalty);
  w.fixed(p.seed);
  w.fixed(static_cast<uint32_t>(p.stop.size()));
  for (const std::string& s : p.stop) w.text(s);
}

GenerateParams read_params(Reader& r) {
  GenerateParams p;
  p.model = r.text();
  p.prompt = r.text();
  p.max_tokens = r.fixed<uint32_t>();
  p.temperature = r.fixed<float>();
  p.top_k = r.fixed<uint32_t>();
  p.top_p = r.fixed<float>();
  p.min_p = r.fixed<float>();
  p.repetition_penalty = r.fixed<float>();
  p.seed = r.fixed<uint64_t>();
  const auto stops = r.fixed<uint32_t>();
  for (uint32_t i = 0; i < stops && r.ok(); ++i) p.stop.push_back(r.text());
  return p;
}

}  // namespace

std::vector<uint8_t> encode_saved_sessions(const SavedSessions& s) {
  Writer w;
  for (char c : kMagic) w.fixed(c);
  w.fixed(s.next_id);
  w.fixed(static_cast<uint32_t>(s.sessions.size()));
  for (const SavedSession& x : s.sessions) {
    w.fixed(x.id);
    w.bytes(x.owner);
    w.text(x.model_sha256);
    w.text(x.weights);
    write_params(w, x.params);
    w.fixed(x.prompt_tokens);
    w.fixed(x.last_used_ns);
    w.bytes(x.state);
  }
  return w.take();
}

Result<SavedSessions> decode_saved_sessions(std::span<const uint8_t> bytes) {
  Reader r(bytes);
  char magic[8];
  for (char& c : magic) c = r.fixed<char>();
  if (!r.ok() || std::memcmp(magic, kMagic, sizeof magic) != 0) {
    return Status::Error("saved sessions: not a HYVSESS1 blob");
  }
  SavedSessions s;
  s.next_id = r.fixed<uint64_t>();
  const auto count = r.fixed<uint32_t>();
  for (uint32_t i = 0; i < count && r.ok(); ++i) {
    SavedSession x;
    x.id = r.fixed<uint64_t>();
    x.owner = r.bytes();
    x.model_sha256 = r.text();
    x.weights = r.text();
    x.params = read_params(r);
    x.prompt_tokens = r.fixed<uint32_t>();
    x.last_used_ns = r.fixed<uint64_t>();
    x.state = r.bytes();
    s.sessions.push_back(std::move(x));
  }
  if (!r.ok()) {
    return Status::Error("saved sessions: truncated at byte " + std::to_string(r.offset()));
  }
  return s;
}

}  // namespace hyv::canister
