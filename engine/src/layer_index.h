// The layer number a checkpoint's tensor name continues with ("12.attn..." after "h." or
// "encoder.block."), so loaders can refuse weights with more layers than config.json says.
// Internal to the engine.
#pragma once

#include <string_view>

namespace hyv::engine {

// The decimal number at the start of rest, or -1 when there is none. Capped at a million: no
// model has that many layers, and the cap keeps the value from overflowing.
inline int leading_layer_index(std::string_view rest) {
  int layer = 0;
  size_t digits = 0;
  while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9' && layer < 1000000) {
    layer = layer * 10 + (rest[digits++] - '0');
  }
  return digits > 0 ? layer : -1;
}

}  // namespace hyv::engine
