// GPT-2's byte <-> unicode map: vocab.json and merges.txt spell each byte of a token as a printable
// character (the byte itself for 33..126, 161..172, 174..255; U+0100 upwards for the rest, e.g. a
// space is "Ġ"), so token strings never contain white space or control characters.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hyv::engine::bpe {

// Code point that stands for byte b.
uint32_t byte_to_code_point(uint8_t b);
// The 256 bytes in GPT-2's id order (its vocab gives byte_order()[i] the id i).
const uint8_t* byte_order();

// Raw bytes -> vocab.json spelling (UTF-8).
std::string bytes_to_token_string(std::string_view bytes);
// vocab.json spelling -> raw bytes; nullopt when a character is outside the 256-character alphabet.
std::optional<std::string> token_string_to_bytes(std::string_view token);

}  // namespace hyv::engine::bpe
