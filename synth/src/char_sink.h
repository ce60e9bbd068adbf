// Bytes gathered on the stack and handed to a std::string in a few large appends. Generators that
// build a cell from many small pieces (a phone number's dozen one-character nodes, an e-mail's
// slugs and digits) spent most of their time in per-piece std::string appends and memcpy calls.
//
//   std::string out;
//   { CharSink s(out); s.put("jane"); s.put('.'); s.put("doe"); }  // out == "jane.doe"
//
// Invariant: out + the pending bytes is everything put so far, in order; the destructor (or
// flushed()) appends the pending bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace hyv::synth {

class CharSink {
 public:
  explicit CharSink(std::string& out) : out_(out) {}
  ~CharSink() { flush(); }
  CharSink(const CharSink&) = delete;
  CharSink& operator=(const CharSink&) = delete;

  void put(char c) {
    if (n_ == sizeof buf_) flush();
    buf_[n_++] = c;
  }
  void put(std::string_view s) {
    if (s.size() > sizeof buf_ - n_) return put_long(s);
    std::memcpy(buf_ + n_, s.data(), s.size());
    n_ += s.size();
  }
  // v (>= 0) in decimal, at least `width` (<= 20) digits, zero-padded.
  void put_digits(uint64_t v, int width = 1) {
    int len = 1;
    for (uint64_t x = v; x >= 10; x /= 10) ++len;
    if (width < len) width = len;
    if (n_ + size_t(width) > sizeof buf_) flush();
    char* p = buf_ + n_;
    n_ += size_t(width);
    for (int i = width - 1; i >= 0; --i, v /= 10) p[i] = char('0' + v % 10);
  }
  // The string with every pending byte appended, for code that appends to it directly.
  std::string& flushed() {
    flush();
    return out_;
  }

 private:
  void put_long(std::string_view s) {
    flush();
    out_.append(s);
  }
  void flush() {
    out_.append(buf_, n_);
    n_ = 0;
  }
  std::string& out_;
  size_t n_ = 0;
  char buf_[128];
};

}  // namespace hyv::synth
