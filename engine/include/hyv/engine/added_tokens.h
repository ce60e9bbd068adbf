// The added and special tokens of a RoBERTa-style Hugging Face tokenizer folder (the layout of
// Salesforce/codet5-small: vocab.json + merges.txt beside these files), for
// BpeTokenizer::from_vocab_merges:
//
//   hyv::engine::AddedTokenFiles files;  // each "" when the folder lacks it
//   files.added_tokens_json = ...;       // {"<extra_id_99>": 32000, ...}
//   files.special_tokens_map_json = ...; // {"eos_token": "</s>", "mask_token": {...}, ...}
//   files.tokenizer_config_json = ...;   // its "added_tokens_decoder" and special token fields
//   auto added = hyv::engine::parse_added_tokens(files);
//   auto tok = hyv::engine::BpeTokenizer::from_vocab_merges(vocab, merges, added.value());
//
// A token is special (BpeTokenizer::is_special) when a special-token field names it (bos_token,
// eos_token, unk_token, sep_token, pad_token, cls_token, mask_token, additional_special_tokens) or
// added_tokens_decoder says "special": true; the other entries of added_tokens.json are matched in
// text but kept in output, as in transformers. A field is a string or an AddedToken object
// {"content": ..., "lstrip": ..., "rstrip": ...}; an object's flags win over earlier mentions.
// Files are read in the order added_tokens.json, tokenizer_config.json, special_tokens_map.json.
// Tokens named only by content get their id from vocab.json when the tokenizer is built.
//
// Errors name the file and the entry, e.g. `special_tokens_map.json: "mask_token": "content"
// must be a string`, and refuse one content under two ids or two contents under one id.
#pragma once

#include <string_view>

#include "hyv/engine/tokenizer.h"
#include "hyv/status.h"

namespace hyv::engine {

struct AddedTokenFiles {
  std::string_view added_tokens_json;
  std::string_view special_tokens_map_json;
  std::string_view tokenizer_config_json;
};

Result<BpeAddedTokens> parse_added_tokens(const AddedTokenFiles& files);

}  // namespace hyv::engine
