// The state behind hyv::engine::BpeTokenizer, shared by its builders (tokenizer_io.cpp reads and
// writes files, tokenizer.cpp builds from parts) and its encoder (tokenizer.cpp).
//
// Invariants once built: byte_ids holds the id of every single-byte token; every entry of `pairs`
// names a merge whose result is a token; `index` maps each token's vocab.json spelling to its id
// (the first id given for a spelling wins); specials are sorted longest first.
#pragma once

#include <rapidjson/document.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bytes_index.h"
#include "hyv/engine/tokenizer.h"
#include "hyv/status.h"
#include "pair_map.h"

namespace hyv::engine {

struct BpeTokenizer::Impl {
  // How a token's vocab.json spelling relates to its bytes.
  enum Kind : uint8_t {
    kUnused = 0,
    kByteLevel = 1,  // spelled with GPT-2's byte <-> unicode map
    kLiteral = 2,    // spelled as its own UTF-8 (special and added tokens)
  };
  // A token matched literally in text (tokenizer.h's BpeAddedToken, once its id is known).
  struct Special {
    std::string content;
    int32_t id;
    bool lstrip = false;
    bool rstrip = false;
  };

  // Ids above this are refused: a corrupt file must not make us allocate gigabytes.
  static constexpr int32_t kMaxId = (1 << 24) - 1;

  std::vector<std::string> tokens;  // id -> raw bytes
  std::vector<Kind> kinds;          // id -> Kind
  bpe::BytesIndex index;            // vocab.json spelling -> index_ids[...]
  std::vector<int32_t> index_ids;
  std::array<int32_t, 256> byte_ids{};
  std::vector<std::pair<int32_t, int32_t>> merges;  // in rank order
  bpe::PairMap pairs;
  std::vector<Special> specials;
  std::vector<bool> skipped;  // id -> is_special(); added tokens may be matched yet shown
  std::array<bool, 256> special_first_byte{};
  int only_first_byte = -1;  // the first byte of every special token when they share one
  // tokenizer.json's model.ignore_merges: a word that is itself a token is emitted as that token.
  bool ignore_merges = false;

  // Building. `where` names the file and entry for error messages.
  Status add_token(int32_t id, std::string bytes, Kind kind, std::string_view where);
  // Refuses a second added token at one id and one content at two ids. An id that vocab.json
  // already has must hold the same bytes as the content.
  Status add_special(Special s, bool is_special, std::string_view where);
  Status add_special(std::string content, int32_t id, std::string_view where) {
    return add_special({std::move(content), id}, true, where);
  }
  Status finish_vocab(std::string_view where);
  Status add_merge(std::string_view left, std::string_view right, std::string_view where);
  void finish_specials();

  int32_t find(std::string_view spelling) const;  // -1 when absent
  std::string spelling(int32_t id) const;         // vocab.json spelling of a used id

  // File formats (tokenizer_io.cpp). `file` names the file or field for error messages.
  Status read_vocab(const rapidjson::Value& vocab, std::string_view file);
  Status read_vocab_json(std::string_view vocab_json);
  // The rest of a vocab.json + merges.txt load, once the specials are in.
  Status finish_vocab_merges(std::string_view merges_txt);
  Status read_merges_txt(std::string_view text);
  Status read_merges_json(const rapidjson::Value& merges, std::string_view file);
  Status read_added_tokens(const rapidjson::Value& added, std::string_view file);
  // tokenizer.h's BpeAddedTokens, ids by content looked up in vocab.json where not given.
  Status add_added_tokens(const BpeAddedTokens& added);

  // Encoding (tokenizer.cpp).
  void encode(std::string_view text, std::vector<int32_t>& out) const;
  // First special token at or after `from`: its offset (text.size() if none) and the token.
  size_t find_special(std::string_view text, size_t from, const Special** found) const;
};

}  // namespace hyv::engine
