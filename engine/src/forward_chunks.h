// What the models' forward passes share (internal to the engine): the token ids' range check, and
// running a sequence in chunks with its logits as one row for the last token, one row per token,
// or none.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>

#include "hyv/status.h"
#include "str_cat.h"

namespace hyv::engine {

inline Status check_token_ids(std::span<const int32_t> tokens, int vocab_size) {
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i] < 0 || tokens[i] >= vocab_size) {
      return Status::Error(str_cat("token ", std::to_string(i)) + " has id " +
                           std::to_string(tokens[i]) + ", outside the vocabulary [0, " +
                           std::to_string(vocab_size) + ")");
    }
  }
  return Status::Ok();
}

// Checks logits.size() (vocab: the last token's row; tokens x vocab: every row; 0: none), then
// calls run_chunk(chunk tokens, its logits or nullptr, every row?) for chunks of chunk_tokens.
template <class RunChunk>
Status run_in_chunks(std::span<const int32_t> tokens, std::span<float> logits, size_t vocab,
                     size_t chunk_tokens, const RunChunk& run_chunk) {
  const size_t n = tokens.size();
  const bool all_rows = logits.size() == n * vocab;
  if (!logits.empty() && logits.size() != vocab && !all_rows) {
    return Status::Error(str_cat("logits holds ", std::to_string(logits.size())) +
                         " floats; give vocab_size (" + std::to_string(vocab) +
                         ") for the last token, tokens x vocab_size (" + std::to_string(n * vocab) +
                         ") for every token, or none");
  }
  for (size_t begin = 0; begin < n; begin += chunk_tokens) {
    const size_t count = std::min(chunk_tokens, n - begin);
    float* out = nullptr;
    if (all_rows) {
      out = logits.data() + begin * vocab;
    } else if (!logits.empty() && begin + count == n) {
      out = logits.data();
    }
    run_chunk(tokens.subspan(begin, count), out, all_rows);
  }
  return Status::Ok();
}

}  // namespace hyv::engine
