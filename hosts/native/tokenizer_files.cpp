#include "tokenizer_files.h"

#include <filesystem>
#include <system_error>

#include "file_io.h"
#include "hyv/engine/added_tokens.h"

namespace hyv::native {
namespace {

// A file of the folder, or "" when it has none.
Result<std::string> read_optional(const std::string& path) {
  if (!file_exists(path)) return std::string();
  return read_text_file(path);
}

// The added and special tokens of a RoBERTa-style folder (CodeT5's); none for GPT-2's, whose
// <|endoftext|> vocab.json marks by its spelling.
Result<engine::BpeAddedTokens> read_added_tokens(const std::string& dir) {
  auto added = read_optional(dir + "/added_tokens.json");
  if (!added.ok()) return added.status();
  auto special = read_optional(dir + "/special_tokens_map.json");
  if (!special.ok()) return special.status();
  auto config = read_optional(dir + "/tokenizer_config.json");
  if (!config.ok()) return config.status();
  auto tokens = engine::parse_added_tokens({added.value(), special.value(), config.value()});
  if (!tokens.ok()) return Status::Error(dir + "/" + tokens.status().message());
  return tokens;
}

}  // namespace

Result<engine::BpeTokenizer> load_tokenizer_dir(const std::string& dir) {
  const std::string vocab = dir + "/vocab.json";
  const std::string merges = dir + "/merges.txt";
  const std::string combined = dir + "/tokenizer.json";
  bool has_vocab = file_exists(vocab);
  bool has_merges = file_exists(merges);
  // The engine's messages start with the file's name; prefixing the folder makes it a path.
  auto in_dir = [&dir](const Status& s) { return Status::Error(dir + "/" + s.message()); };
  if (has_vocab || has_merges) {
    if (!has_vocab) return Status::Error(vocab + ": missing (" + merges + " needs it)");
    if (!has_merges) return Status::Error(merges + ": missing (" + vocab + " needs it)");
    auto vocab_text = read_text_file(vocab);
    if (!vocab_text.ok()) return vocab_text.status();
    auto merges_text = read_text_file(merges);
    if (!merges_text.ok()) return merges_text.status();
    auto added = read_added_tokens(dir);
    if (!added.ok()) return added.status();
    // A GPT-2 folder's tokenizer_config.json may name no token at all: keep <|name|> specials.
    auto tok =
        added.value().tokens.empty()
            ? engine::BpeTokenizer::from_vocab_merges(vocab_text.value(), merges_text.value())
            : engine::BpeTokenizer::from_vocab_merges(vocab_text.value(), merges_text.value(),
                                                      added.value());
    if (!tok.ok()) return in_dir(tok.status());
    return tok;
  }
  if (!file_exists(combined)) {
    return Status::Error(dir + ": no tokenizer here (expected vocab.json + merges.txt, or " +
                         "tokenizer.json)");
  }
  auto text = read_text_file(combined);
  if (!text.ok()) return text.status();
  auto tok = engine::BpeTokenizer::from_tokenizer_json(text.value());
  if (!tok.ok()) return in_dir(tok.status());
  return tok;
}

Status save_tokenizer_dir(const engine::BpeTokenizer& tokenizer, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::Error(dir + ": cannot create the folder: " + ec.message());
  const std::pair<const char*, std::string> files[] = {
      {"vocab.json", tokenizer.to_vocab_json()},
      {"merges.txt", tokenizer.to_merges_txt()},
      {"tokenizer.json", tokenizer.to_tokenizer_json()},
  };
  for (const auto& [name, content] : files) {
    HYV_RETURN_IF_ERROR(write_file_atomic(dir + "/" + name, content.data(), content.size()));
  }
  return Status::Ok();
}

}  // namespace hyv::native
