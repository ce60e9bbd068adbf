// The walk every matrix product kernel makes over its output: rows [r_begin, r_end) by tokens
// [0, tokens), in blocks of kTileTokenBlock tokens so each weight row is read from memory once per
// block. One token (decode) runs tiles of DecodeRows rows; several (prefill) run tiles of
// PrefillRows rows x PrefillTokens tokens, with 1-row and 1-token tiles for the remainders.
// tile(std::integral_constant<int, R>{}, std::integral_constant<int, T>{}, r, t) computes one tile,
// so each kernel instantiates exactly the tile shapes it is specialised for.
#pragma once

#include <algorithm>
#include <type_traits>

namespace hyv::engine::kernels {

constexpr int kTileTokenBlock = 64;

template <int DecodeRows, int PrefillRows, int PrefillTokens, typename Tile>
inline void for_each_tile(int tokens, int r_begin, int r_end, Tile&& tile) {
  using I1 = std::integral_constant<int, 1>;
  using IDecode = std::integral_constant<int, DecodeRows>;
  using IRows = std::integral_constant<int, PrefillRows>;
  using ITokens = std::integral_constant<int, PrefillTokens>;
  for (int tb = 0; tb < tokens; tb += kTileTokenBlock) {
    const int te = std::min(tokens, tb + kTileTokenBlock);
    if (te - tb == 1) {
      int r = r_begin;
      for (; r + DecodeRows <= r_end; r += DecodeRows) tile(IDecode{}, I1{}, r, tb);
      for (; r < r_end; ++r) tile(I1{}, I1{}, r, tb);
      continue;
    }
    int r = r_begin;
    for (; r + PrefillRows <= r_end; r += PrefillRows) {
      int t = tb;
      for (; t + PrefillTokens <= te; t += PrefillTokens) tile(IRows{}, ITokens{}, r, t);
      for (; t < te; ++t) tile(IRows{}, I1{}, r, t);
    }
    for (; r < r_end; ++r) {
      int t = tb;
      for (; t + PrefillTokens <= te; t += PrefillTokens) tile(I1{}, ITokens{}, r, t);
      for (; t < te; ++t) tile(I1{}, I1{}, r, t);
    }
  }
}

}  // namespace hyv::engine::kernels
