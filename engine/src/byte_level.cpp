#include "byte_level.h"

#include <array>

namespace hyv::engine::bpe {
namespace {

constexpr bool is_printable_byte(int b) {
  return (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
}

struct Tables {
  std::array<uint32_t, 256> code_point{};
  std::array<uint8_t, 256> order{};
  // Indexed by code point < 324; -1 for code points that stand for no byte.
  std::array<int16_t, 324> byte{};
};

constexpr Tables make_tables() {
  Tables t;
  for (auto& b : t.byte) b = -1;
  int next = 0;
  for (int b = 0; b < 256; ++b) {
    if (!is_printable_byte(b)) continue;
    t.code_point[b] = static_cast<uint32_t>(b);
    t.order[next++] = static_cast<uint8_t>(b);
  }
  int extra = 0;
  for (int b = 0; b < 256; ++b) {
    if (is_printable_byte(b)) continue;
    t.code_point[b] = static_cast<uint32_t>(256 + extra++);
    t.order[next++] = static_cast<uint8_t>(b);
  }
  for (int b = 0; b < 256; ++b) t.byte[t.code_point[b]] = static_cast<int16_t>(b);
  return t;
}

constexpr Tables kTables = make_tables();

}  // namespace

uint32_t byte_to_code_point(uint8_t b) {
  return kTables.code_point[b];
}

const uint8_t* byte_order() {
  return kTables.order.data();
}

std::string bytes_to_token_string(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) {
    uint32_t cp = kTables.code_point[b];
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else {  // all code points of the map are < 0x800: two UTF-8 bytes
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }
  return out;
}

std::optional<std::string> token_string_to_bytes(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  for (size_t i = 0; i < token.size();) {
    auto b0 = static_cast<unsigned char>(token[i]);
    uint32_t cp;
    if (b0 < 0x80) {
      cp = b0;
      i += 1;
    } else if (b0 >= 0xC2 && b0 <= 0xDF && i + 1 < token.size() &&
               (static_cast<unsigned char>(token[i + 1]) & 0xC0) == 0x80) {
      cp = ((b0 & 0x1Fu) << 6) | (static_cast<unsigned char>(token[i + 1]) & 0x3Fu);
      i += 2;
    } else {
      return std::nullopt;
    }
    if (cp >= kTables.byte.size() || kTables.byte[cp] < 0) return std::nullopt;
    out.push_back(static_cast<char>(kTables.byte[cp]));
  }
  return out;
}

}  // namespace hyv::engine::bpe
