// A T5-family Hugging Face folder -> T5Model + T5Tokenizer (t5_folder.h).
#include "hyv/engine/t5_folder.h"

#include <rapidjson/document.h>

#include <optional>
#include <string>

#include "hyv/engine/added_tokens.h"
#include "hyv/engine/safetensors.h"
#include "hyv/engine/torch_checkpoint.h"
#include "str_cat.h"

namespace hyv::engine {
namespace {

constexpr int kDefaultExtraIds = 100;  // Hugging Face T5Tokenizer's extra_ids default

// An integer field of a JSON object file, if the file is an object that has it.
std::optional<int> json_int_field(Bytes file, const char* field) {
  if (file.empty()) return std::nullopt;
  rapidjson::Document doc;
  std::string_view text = as_string_view(file);
  doc.Parse(text.data(), text.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  auto it = doc.FindMember(field);
  if (it == doc.MemberEnd() || !it->value.IsInt()) return std::nullopt;
  return it->value.GetInt();
}

bool tokenizer_json_is_unigram(std::string_view text) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  if (doc.HasParseError() || !doc.IsObject()) return false;
  auto model = doc.FindMember("model");
  if (model == doc.MemberEnd() || !model->value.IsObject()) return false;
  auto type = model->value.FindMember("type");
  return type != model->value.MemberEnd() && type->value.IsString() &&
         std::string_view(type->value.GetString()) == "Unigram";
}

Result<T5Tokenizer> bpe_from_files(const ModelFolderFiles& f, const T5Config& c) {
  if (f.vocab_json.empty()) return Status::Error("vocab.json: missing (merges.txt needs it)");
  if (f.merges_txt.empty()) return Status::Error("merges.txt: missing (vocab.json needs it)");
  auto added = parse_added_tokens({as_string_view(f.added_tokens_json),
                                   as_string_view(f.special_tokens_map_json),
                                   as_string_view(f.tokenizer_config_json)});
  if (!added.ok()) return added.status();
  auto bpe = added.value().tokens.empty()
                 ? BpeTokenizer::from_vocab_merges(as_string_view(f.vocab_json),
                                                   as_string_view(f.merges_txt))
                 : BpeTokenizer::from_vocab_merges(as_string_view(f.vocab_json),
                                                   as_string_view(f.merges_txt), added.value());
  if (!bpe.ok()) return bpe.status().with_context("vocab.json + merges.txt");
  return T5Tokenizer::from_bpe(std::move(bpe).value(), c.bos_token_id, c.eos_token_id);
}

Result<T5Tokenizer> unigram_from_spiece(const ModelFolderFiles& f) {
  auto unigram = UnigramTokenizer::from_spiece_model(f.spiece_model);
  if (!unigram.ok()) return unigram.status();
  int extra = json_int_field(f.tokenizer_config_json, "extra_ids").value_or(kDefaultExtraIds);
  if (unigram.value().piece_id("<extra_id_0>")) extra = 0;  // the model holds its sentinels
  if (extra < 0 || extra > 10000)
    return Status::Error(str_cat("tokenizer_config.json: extra_ids is ", std::to_string(extra),
                                 "; expected 0 to 10000"));
  return T5Tokenizer::from_unigram(std::move(unigram).value(), extra);
}

Result<T5Tokenizer> from_tokenizer_json(const ModelFolderFiles& f, const T5Config& c) {
  std::string_view text = as_string_view(f.tokenizer_json);
  if (tokenizer_json_is_unigram(text)) {
    auto unigram = UnigramTokenizer::from_tokenizer_json(text);
    if (!unigram.ok()) return unigram.status();
    return T5Tokenizer::from_unigram(std::move(unigram).value());
  }
  auto bpe = BpeTokenizer::from_tokenizer_json(text);
  if (!bpe.ok()) return bpe.status().with_context("tokenizer.json");
  return T5Tokenizer::from_bpe(std::move(bpe).value(), c.bos_token_id, c.eos_token_id);
}

Status check_fits(const T5Tokenizer& tok, const T5Config& c) {
  if (tok.vocab_size() > c.vocab_size) {
    return Status::Error(str_cat("the tokenizer has ", std::to_string(tok.vocab_size()),
                                 " tokens but config.json's vocab_size is ",
                                 std::to_string(c.vocab_size),
                                 ": the tokenizer does not belong to this model"));
  }
  if (c.eos_token_id < 0 || !tok.is_special(c.eos_token_id)) {
    return Status::Error(str_cat("config.json: eos_token_id ", std::to_string(c.eos_token_id),
                                 " is not a special token of the tokenizer"));
  }
  return Status::Ok();
}

}  // namespace

Result<T5Tokenizer> load_t5_tokenizer(const ModelFolderFiles& f, const T5Config& c) {
  Result<T5Tokenizer> tok = Status::Error(
      "no tokenizer: a T5 folder needs vocab.json + merges.txt, spiece.model or tokenizer.json");
  if (!f.vocab_json.empty() || !f.merges_txt.empty()) {
    tok = bpe_from_files(f, c);
  } else if (!f.spiece_model.empty()) {
    tok = unigram_from_spiece(f);
  } else if (!f.tokenizer_json.empty()) {
    tok = from_tokenizer_json(f, c);
  }
  if (!tok.ok()) return tok.status();
  HYV_RETURN_IF_ERROR(check_fits(tok.value(), c));
  return tok;
}

struct T5FolderLoader::State {
  // The checkpoint's views point into the folder's bytes, which outlive the loader.
  std::optional<TorchCheckpoint> checkpoint;
  std::optional<T5Loader> weights;
  std::optional<T5Tokenizer> tokenizer;
  const char* weights_file = "model.safetensors";
};

T5FolderLoader::T5FolderLoader(std::unique_ptr<State> state) : s_(std::move(state)) {}
T5FolderLoader::T5FolderLoader(T5FolderLoader&&) noexcept = default;
T5FolderLoader& T5FolderLoader::operator=(T5FolderLoader&&) noexcept = default;
T5FolderLoader::~T5FolderLoader() = default;

Result<T5FolderLoader> T5FolderLoader::create(const ModelFolderFiles& f, WeightType type) {
  if (f.config_json.empty()) return Status::Error("config.json: missing or empty");
  auto config = parse_t5_config(as_string_view(f.config_json));
  if (!config.ok()) return config.status().with_context("config.json");
  auto state = std::make_unique<State>();
  auto tokenizer = load_t5_tokenizer(f, config.value());
  if (!tokenizer.ok()) return tokenizer.status();
  state->tokenizer.emplace(std::move(tokenizer).value());
  if (!f.safetensors.empty()) {
    auto weights = T5Loader::create(config.value(), f.safetensors, type);
    if (!weights.ok()) return weights.status().with_context("model.safetensors");
    state->weights.emplace(std::move(weights).value());
  } else if (!f.pytorch_model_bin.empty()) {
    state->weights_file = "pytorch_model.bin";
    auto ckpt = TorchCheckpoint::parse(f.pytorch_model_bin);
    if (!ckpt.ok()) return ckpt.status().with_context("pytorch_model.bin");
    state->checkpoint.emplace(std::move(ckpt).value());
    auto weights = T5Loader::create(config.value(), state->checkpoint->tensors(), type);
    if (!weights.ok()) return weights.status().with_context("pytorch_model.bin");
    state->weights.emplace(std::move(weights).value());
  } else {
    return Status::Error("no weights: the folder needs model.safetensors or pytorch_model.bin");
  }
  return T5FolderLoader(std::move(state));
}

bool T5FolderLoader::done() const {
  return s_->weights->done();
}
int T5FolderLoader::steps_done() const {
  return s_->weights->steps_done();
}
int T5FolderLoader::steps_total() const {
  return s_->weights->steps_total();
}
int64_t T5FolderLoader::next_step_elements() const {
  return s_->weights->next_step_elements();
}
const char* T5FolderLoader::weights_file() const {
  return s_->weights_file;
}

Status T5FolderLoader::step() {
  Status st = s_->weights->step();
  return st.ok() ? st : st.with_context(s_->weights_file);
}

Result<LoadedT5> T5FolderLoader::finish() && {
  auto model = std::move(*s_->weights).finish();
  if (!model.ok()) return model.status().with_context(s_->weights_file);
  return LoadedT5{std::move(model).value(), std::move(*s_->tokenizer)};
}

Result<LoadedT5> load_t5_folder(const ModelFolderFiles& f, WeightType type) {
  auto loader = T5FolderLoader::create(f, type);
  if (!loader.ok()) return loader.status();
  while (!loader.value().done()) {
    HYV_RETURN_IF_ERROR(loader.value().step());
  }
  return std::move(loader.value()).finish();
}

}  // namespace hyv::engine
