// BpeTokenizer's file formats: GPT-2's vocab.json + merges.txt, and Hugging Face's tokenizer.json.
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <memory>
#include <string>

#include "byte_level.h"
#include "hyv/engine/tokenizer.h"
#include "hyv/json_nesting.h"
#include "tokenizer_impl.h"

namespace hyv::engine {
namespace {

// Shows a piece of a malformed input in an error message without flooding the terminal.
std::string excerpt(std::string_view s) {
  constexpr size_t kMax = 60;
  return s.size() <= kMax ? std::string(s) : std::string(s.substr(0, kMax)) + "...";
}

Status parse_json(std::string_view text, std::string_view file, rapidjson::Document* doc) {
  HYV_RETURN_IF_ERROR(check_json_nesting(text, std::string(file)));  // RapidJSON recurses
  doc->Parse<rapidjson::kParseValidateEncodingFlag>(text.data(), text.size());
  if (doc->HasParseError()) {
    return Status::Error(std::string(file) + ": not valid JSON at byte " +
                         std::to_string(doc->GetErrorOffset()) + ": " +
                         rapidjson::GetParseError_En(doc->GetParseError()));
  }
  return Status::Ok();
}

std::string_view view(const rapidjson::Value& s) {
  return {s.GetString(), s.GetStringLength()};
}

// GPT-2 marks its control tokens as <|name|>; vocab.json carries no other sign of which are
// special.
bool looks_special(std::string_view spelled) {
  return spelled.size() > 4 && spelled.starts_with("<|") && spelled.ends_with("|>");
}

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void write_string(Writer& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

}  // namespace

Status BpeTokenizer::Impl::read_vocab(const rapidjson::Value& vocab, std::string_view file) {
  if (!vocab.IsObject()) {
    return Status::Error(std::string(file) + ": expected a JSON object mapping token -> id");
  }
  for (const auto& m : vocab.GetObject()) {
    std::string_view spelled = view(m.name);
    std::string where = std::string(file) + ": entry \"" + excerpt(spelled) + "\"";
    if (!m.value.IsInt()) return Status::Error(where + ": the id must be an integer");
    // A spelling outside GPT-2's byte alphabet can only be an added token: keep it as it is.
    std::optional<std::string> bytes = bpe::token_string_to_bytes(spelled);
    Kind kind = bytes ? kByteLevel : kLiteral;
    HYV_RETURN_IF_ERROR(
        add_token(m.value.GetInt(), bytes ? std::move(*bytes) : std::string(spelled), kind, where));
  }
  return Status::Ok();
}

Status BpeTokenizer::Impl::read_merges_txt(std::string_view text) {
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.starts_with("#version")) continue;
    std::string where = "merges.txt line " + std::to_string(line_no);
    size_t space = line.find(' ');
    if (space == 0 || space == std::string_view::npos || space + 1 == line.size() ||
        line.find(' ', space + 1) != std::string_view::npos) {
      return Status::Error(where + ": expected two tokens separated by one space, got \"" +
                           excerpt(line) + "\"");
    }
    HYV_RETURN_IF_ERROR(add_merge(line.substr(0, space), line.substr(space + 1), where));
  }
  return Status::Ok();
}

Status BpeTokenizer::Impl::read_merges_json(const rapidjson::Value& list, std::string_view file) {
  if (!list.IsArray()) return Status::Error(std::string(file) + ": expected an array of merges");
  for (rapidjson::SizeType i = 0; i < list.Size(); ++i) {
    const rapidjson::Value& m = list[i];
    std::string where = std::string(file) + "[" + std::to_string(i) + "]";
    // Older files write "left right"; newer ones ["left", "right"], which allows spaces in tokens.
    if (m.IsString()) {
      std::string_view s = view(m);
      size_t space = s.find(' ');
      if (space == std::string_view::npos || s.find(' ', space + 1) != std::string_view::npos) {
        return Status::Error(where + ": expected \"left right\", got \"" + excerpt(s) + "\"");
      }
      HYV_RETURN_IF_ERROR(add_merge(s.substr(0, space), s.substr(space + 1), where));
    } else if (m.IsArray() && m.Size() == 2 && m[0].IsString() && m[1].IsString()) {
      HYV_RETURN_IF_ERROR(add_merge(view(m[0]), view(m[1]), where));
    } else {
      return Status::Error(where + ": expected \"left right\" or [\"left\", \"right\"]");
    }
  }
  return Status::Ok();
}

Status BpeTokenizer::Impl::read_added_tokens(const rapidjson::Value& added, std::string_view file) {
  if (!added.IsArray()) return Status::Error(std::string(file) + ": expected an array");
  for (rapidjson::SizeType i = 0; i < added.Size(); ++i) {
    const rapidjson::Value& t = added[i];
    std::string where = std::string(file) + "[" + std::to_string(i) + "]";
    if (!t.IsObject() || !t.HasMember("id") || !t["id"].IsInt() || !t.HasMember("content") ||
        !t["content"].IsString()) {
      return Status::Error(where +
                           ": expected an object with an integer \"id\" and a string "
                           "\"content\"");
    }
    auto flag = [&t](const char* name, bool absent) {
      auto it = t.FindMember(name);
      return it == t.MemberEnd() || !it->value.IsBool() ? absent : it->value.GetBool();
    };
    Special s{std::string(view(t["content"])), t["id"].GetInt(), flag("lstrip", false),
              flag("rstrip", false)};
    HYV_RETURN_IF_ERROR(add_special(std::move(s), flag("special", true), where));
  }
  return Status::Ok();
}

Status BpeTokenizer::Impl::add_added_tokens(const BpeAddedTokens& added) {
  for (const BpeAddedToken& t : added.tokens) {
    const std::string& where = t.where.empty() ? "added token \"" + t.content + "\"" : t.where;
    int32_t id = t.id;
    if (id < 0) {
      id = find(bpe::bytes_to_token_string(t.content));
      if (id < 0) id = find(t.content);
      if (id < 0) {
        return Status::Error(where + ": \"" + excerpt(t.content) +
                             "\" has no id: it is not in vocab.json or added_tokens.json");
      }
    }
    HYV_RETURN_IF_ERROR(add_special({t.content, id, t.lstrip, t.rstrip}, t.special, where));
  }
  return Status::Ok();
}

Result<BpeTokenizer> BpeTokenizer::from_vocab_merges(std::string_view vocab_json,
                                                     std::string_view merges_txt) {
  auto impl = std::make_unique<Impl>();
  HYV_RETURN_IF_ERROR(impl->read_vocab_json(vocab_json));
  for (size_t id = 0; id < impl->tokens.size(); ++id) {
    if (impl->kinds[id] == Impl::kUnused) continue;
    std::string spelled = impl->spelling(static_cast<int32_t>(id));
    if (looks_special(spelled)) {
      HYV_RETURN_IF_ERROR(impl->add_special(spelled, static_cast<int32_t>(id), "vocab.json"));
    }
  }
  HYV_RETURN_IF_ERROR(impl->finish_vocab_merges(merges_txt));
  BpeTokenizer tok;
  tok.impl_ = impl.release();
  return tok;
}

Result<BpeTokenizer> BpeTokenizer::from_vocab_merges(std::string_view vocab_json,
                                                     std::string_view merges_txt,
                                                     const BpeAddedTokens& added) {
  auto impl = std::make_unique<Impl>();
  HYV_RETURN_IF_ERROR(impl->read_vocab_json(vocab_json));
  HYV_RETURN_IF_ERROR(impl->add_added_tokens(added));
  HYV_RETURN_IF_ERROR(impl->finish_vocab_merges(merges_txt));
  BpeTokenizer tok;
  tok.impl_ = impl.release();
  return tok;
}

Status BpeTokenizer::Impl::read_vocab_json(std::string_view vocab_json) {
  rapidjson::Document doc;
  HYV_RETURN_IF_ERROR(parse_json(vocab_json, "vocab.json", &doc));
  return read_vocab(doc, "vocab.json");
}

Status BpeTokenizer::Impl::finish_vocab_merges(std::string_view merges_txt) {
  HYV_RETURN_IF_ERROR(finish_vocab("vocab.json"));
  HYV_RETURN_IF_ERROR(read_merges_txt(merges_txt));
  finish_specials();
  return Status::Ok();
}

Result<BpeTokenizer> BpeTokenizer::from_tokenizer_json(std::string_view tokenizer_json) {
  const std::string file = "tokenizer.json";
  rapidjson::Document doc;
  HYV_RETURN_IF_ERROR(parse_json(tokenizer_json, file, &doc));
  if (!doc.IsObject() || !doc.HasMember("model") || !doc["model"].IsObject()) {
    return Status::Error(file + ": no \"model\" object; is this a Hugging Face tokenizer.json?");
  }
  const rapidjson::Value& model = doc["model"];
  if (model.HasMember("type") && model["type"].IsString() && view(model["type"]) != "BPE") {
    return Status::Error(file + ": model.type is \"" + std::string(view(model["type"])) +
                         "\"; only byte-level BPE models (GPT-2 style) are supported");
  }
  if (doc.HasMember("pre_tokenizer") && doc["pre_tokenizer"].IsObject()) {
    const rapidjson::Value& pre = doc["pre_tokenizer"];
    std::string type =
        pre.HasMember("type") && pre["type"].IsString() ? pre["type"].GetString() : "";
    bool byte_level = type == "ByteLevel";
    if (type == "Sequence" && pre.HasMember("pretokenizers") && pre["pretokenizers"].IsArray()) {
      for (const auto& p : pre["pretokenizers"].GetArray()) {
        if (p.IsObject() && p.HasMember("type") && p["type"].IsString() &&
            view(p["type"]) == "ByteLevel") {
          byte_level = true;
        }
      }
    }
    if (!byte_level) {
      return Status::Error(file + ": pre_tokenizer.type is \"" + type +
                           "\"; only the ByteLevel pre-tokenizer (GPT-2 style) is supported");
    }
  }
  if (!model.HasMember("vocab") || !model.HasMember("merges")) {
    return Status::Error(file + ": model needs \"vocab\" and \"merges\"");
  }
  auto impl = std::make_unique<Impl>();
  HYV_RETURN_IF_ERROR(impl->read_vocab(model["vocab"], file + ": model.vocab"));
  if (doc.HasMember("added_tokens") && !doc["added_tokens"].IsNull()) {
    HYV_RETURN_IF_ERROR(impl->read_added_tokens(doc["added_tokens"], file + ": added_tokens"));
  }
  HYV_RETURN_IF_ERROR(impl->finish_vocab(file + ": model.vocab"));
  HYV_RETURN_IF_ERROR(impl->read_merges_json(model["merges"], file + ": model.merges"));
  if (model.HasMember("ignore_merges") && model["ignore_merges"].IsBool()) {
    impl->ignore_merges = model["ignore_merges"].GetBool();
  }
  impl->finish_specials();
  BpeTokenizer tok;
  tok.impl_ = impl.release();
  return tok;
}

std::string BpeTokenizer::to_vocab_json() const {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  if (impl_ != nullptr) {
    for (size_t id = 0; id < impl_->tokens.size(); ++id) {
      if (impl_->kinds[id] == Impl::kUnused) continue;
      write_string(w, impl_->spelling(static_cast<int32_t>(id)));
      w.Int(static_cast<int>(id));
    }
  }
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::string BpeTokenizer::to_merges_txt() const {
  std::string out = "#version: 0.2\n";
  if (impl_ == nullptr) return out;
  for (auto [l, r] : impl_->merges) {
    out += impl_->spelling(l);
    out += ' ';
    out += impl_->spelling(r);
    out += '\n';
  }
  return out;
}

std::string BpeTokenizer::to_tokenizer_json() const {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  auto byte_level = [&w](bool add_prefix_space, bool trim_offsets) {
    w.StartObject();
    w.Key("type");
    w.String("ByteLevel");
    w.Key("add_prefix_space");
    w.Bool(add_prefix_space);
    w.Key("trim_offsets");
    w.Bool(trim_offsets);
    w.Key("use_regex");
    w.Bool(true);
    w.EndObject();
  };
  w.StartObject();
  w.Key("version");
  w.String("1.0");
  w.Key("truncation");
  w.Null();
  w.Key("padding");
  w.Null();
  w.Key("added_tokens");
  w.StartArray();
  if (impl_ != nullptr) {
    std::vector<Impl::Special> by_id = impl_->specials;
    std::sort(by_id.begin(), by_id.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    for (const Impl::Special& s : by_id) {
      w.StartObject();
      w.Key("id");
      w.Int(s.id);
      w.Key("content");
      write_string(w, s.content);
      w.Key("single_word");
      w.Bool(false);
      w.Key("lstrip");
      w.Bool(false);
      w.Key("rstrip");
      w.Bool(false);
      w.Key("normalized");
      w.Bool(true);
      w.Key("special");
      w.Bool(true);
      w.EndObject();
    }
  }
  w.EndArray();
  w.Key("normalizer");
  w.Null();
  w.Key("pre_tokenizer");
  byte_level(false, true);
  w.Key("post_processor");
  byte_level(true, false);
  w.Key("decoder");
  byte_level(true, true);
  w.Key("model");
  w.StartObject();
  w.Key("type");
  w.String("BPE");
  w.Key("dropout");
  w.Null();
  w.Key("unk_token");
  w.Null();
  w.Key("continuing_subword_prefix");
  w.String("");
  w.Key("end_of_word_suffix");
  w.String("");
  w.Key("fuse_unk");
  w.Bool(false);
  w.Key("byte_fallback");
  w.Bool(false);
  w.Key("vocab");
  std::string vocab = to_vocab_json();
  w.RawValue(vocab.data(), vocab.size(), rapidjson::kObjectType);
  w.Key("merges");
  w.StartArray();
  if (impl_ != nullptr) {
    for (auto [l, r] : impl_->merges)
      write_string(w, impl_->spelling(l) + " " + impl_->spelling(r));
  }
  w.EndArray();
  w.EndObject();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace hyv::engine
