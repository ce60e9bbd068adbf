// JSON text -> rapidjson::Document with every number read exactly, in place of
// doc.Parse<kParseFullPrecisionFlag>(): RapidJSON 1.1.0 (Debian 12)'s full-precision reader gives
// wrong values, different per CPU, for numbers near the ends of the double range and for zeros
// with exponents ("0.000e-100" is -3.7e19, "1.2345678901234e-330" is -3.4e302, "12277e307" is a
// tiny negative number instead of out of range), and crashes on some ("5.7555847890922e-338").
// Fixed upstream after 1.1.0. Found by fuzzing (docs/fuzzing.md).
//
//   rapidjson::Document doc;
//   rapidjson::ParseResult ok = hyv::parse_json(doc, text);
//   if (!ok) ... ok.Offset(), rapidjson::GetParseError_En(ok.Code()) ...
//
// RapidJSON still checks the grammar and keeps integers as it does (int, unsigned, int64,
// uint64); every other number is converted by strtod, which glibc and wasi-libc (musl) both round
// correctly, so the value is the same on every platform (in the "C" numeric locale, which hosts
// keep). A number whose value is not finite is refused as too big, at its first byte.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/reader.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace hyv {
namespace json_parse_detail {

// Forwards SAX events to a Document; numbers arrive as text (kParseNumbersAsStringsFlag).
template <typename Stream>
struct ExactNumbers {
  rapidjson::Document& doc;
  const Stream& stream;
  size_t too_big_at = SIZE_MAX;

  bool Null() { return doc.Null(); }
  bool Bool(bool b) { return doc.Bool(b); }
  bool Int(int i) { return doc.Int(i); }
  bool Uint(unsigned u) { return doc.Uint(u); }
  bool Int64(int64_t i) { return doc.Int64(i); }
  bool Uint64(uint64_t u) { return doc.Uint64(u); }
  bool Double(double d) { return doc.Double(d); }
  bool String(const char* s, rapidjson::SizeType n, bool copy) { return doc.String(s, n, copy); }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) { return doc.Key(s, n, copy); }
  bool StartObject() { return doc.StartObject(); }
  bool EndObject(rapidjson::SizeType n) { return doc.EndObject(n); }
  bool StartArray() { return doc.StartArray(); }
  bool EndArray(rapidjson::SizeType n) { return doc.EndArray(n); }

  // `s` is NUL-terminated (the reader copies it) and matches JSON's number grammar.
  bool RawNumber(const char* s, rapidjson::SizeType n, bool) {
    std::string_view text(s, n);
    if (text.find_first_of(".eE") == std::string_view::npos) {
      // The integer types RapidJSON gives: int / unsigned when 32 bits hold the value, else
      // int64 / uint64, else a double.
      bool minus = text[0] == '-';
      uint64_t magnitude = 0;
      auto [end, ec] = std::from_chars(text.data() + minus, text.data() + n, magnitude);
      if (ec == std::errc() && end == text.data() + n) {
        if (!minus && magnitude <= UINT32_MAX) return doc.Uint(static_cast<unsigned>(magnitude));
        if (!minus) return doc.Uint64(magnitude);
        if (magnitude <= uint64_t{1} << 31) return doc.Int(static_cast<int>(-int64_t(magnitude)));
        if (magnitude <= uint64_t{1} << 63) return doc.Int64(static_cast<int64_t>(0 - magnitude));
      }
    }
    double v = std::strtod(s, nullptr);
    if (!std::isfinite(v)) {
      too_big_at = stream.Tell() - n;
      return false;
    }
    return doc.Double(v);
  }
};

}  // namespace json_parse_detail

inline rapidjson::ParseResult parse_json(rapidjson::Document& doc, std::string_view json) {
  rapidjson::MemoryStream memory(json.data(), json.size());
  rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> stream(memory);
  rapidjson::ParseResult result;
  auto generate = [&](rapidjson::Document& d) {
    json_parse_detail::ExactNumbers<decltype(stream)> handler{d, stream};
    rapidjson::Reader reader;
    result = reader.Parse<rapidjson::kParseNumbersAsStringsFlag>(stream, handler);
    if (handler.too_big_at != SIZE_MAX)
      result.Set(rapidjson::kParseErrorNumberTooBig, handler.too_big_at);
    return !result.IsError();
  };
  doc.Populate(generate);
  return result;
}

}  // namespace hyv
