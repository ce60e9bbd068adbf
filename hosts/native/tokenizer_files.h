// Reads the tokenizer of a Hugging Face model folder.
//
//   auto tok = hyv::native::load_tokenizer_dir("models/text-small");  // errors name the file
//
// vocab.json + merges.txt win over tokenizer.json when a folder has both, as in
// hyv::engine::load_model_folder (they are what GPT-2's own tokenizer reads), so `hyv tokenize`
// and `hyv generate` always agree on a folder; tokenizer.json alone is enough.
#pragma once

#include <string>

#include "hyv/engine/tokenizer.h"
#include "hyv/status.h"

namespace hyv::native {

Result<engine::BpeTokenizer> load_tokenizer_dir(const std::string& dir);

// Writes vocab.json, merges.txt and tokenizer.json into dir (created if missing).
Status save_tokenizer_dir(const engine::BpeTokenizer& tokenizer, const std::string& dir);

}  // namespace hyv::native
