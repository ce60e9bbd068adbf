// Reading added_tokens.json, special_tokens_map.json and tokenizer_config.json (added_tokens.h).
#include "hyv/engine/added_tokens.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <charconv>
#include <map>
#include <optional>
#include <string>

#include "hyv/json_nesting.h"

namespace hyv::engine {
namespace {

// The fields of special_tokens_map.json (and tokenizer_config.json) that name one special token.
constexpr const char* kSpecialFields[] = {"bos_token", "eos_token", "unk_token", "sep_token",
                                          "pad_token", "cls_token", "mask_token"};

std::string quoted(std::string_view s) {
  constexpr size_t kMax = 60;  // a malformed file must not flood the terminal
  std::string out(1, '"');
  out.append(s.substr(0, kMax));
  out.append(s.size() > kMax ? "...\"" : "\"");
  return out;
}

Status parse_file(std::string_view text, const char* file, rapidjson::Document* doc) {
  HYV_RETURN_IF_ERROR(check_json_nesting(text, file));  // RapidJSON recurses
  doc->Parse<rapidjson::kParseValidateEncodingFlag>(text.data(), text.size());
  if (doc->HasParseError()) {
    return Status::Error(std::string(file) + ": not valid JSON at byte " +
                         std::to_string(doc->GetErrorOffset()) + ": " +
                         rapidjson::GetParseError_En(doc->GetParseError()));
  }
  if (!doc->IsObject()) return Status::Error(std::string(file) + ": expected a JSON object");
  return Status::Ok();
}

// One mention of a token in one of the files; absent flags leave earlier mentions' values.
struct Mention {
  std::string content;
  int32_t id = -1;
  std::optional<bool> special, lstrip, rstrip;
  std::string where;
};

// Merges the mentions by content, refusing one content with two ids or one id with two contents.
class Collector {
 public:
  Status add(Mention m) {
    auto it = by_content_.find(m.content);
    if (it == by_content_.end()) {
      HYV_RETURN_IF_ERROR(claim_id(m.id, m.content, m.where));
      by_content_.emplace(m.content, out_.tokens.size());
      BpeAddedToken t;
      t.content = m.content;
      t.id = m.id;
      t.special = false;
      t.where = m.where;
      out_.tokens.push_back(std::move(t));
      apply(out_.tokens.back(), m);
      return Status::Ok();
    }
    BpeAddedToken& t = out_.tokens[it->second];
    if (m.id >= 0 && t.id >= 0 && m.id != t.id) {
      return Status::Error(m.where + ": " + quoted(m.content) + " has the id " +
                           std::to_string(m.id) + ", but " + t.where + " gives it " +
                           std::to_string(t.id));
    }
    if (m.id >= 0 && t.id < 0) {
      HYV_RETURN_IF_ERROR(claim_id(m.id, m.content, m.where));
      t.id = m.id;
    }
    apply(t, m);
    return Status::Ok();
  }

  BpeAddedTokens take() { return std::move(out_); }

 private:
  Status claim_id(int32_t id, const std::string& content, const std::string& where) {
    if (id < 0) return Status::Ok();
    auto [it, fresh] = by_id_.emplace(id, out_.tokens.size());
    if (fresh) return Status::Ok();
    const BpeAddedToken& other = out_.tokens[it->second];
    if (other.content == content) return Status::Ok();
    return Status::Error(where + ": the id " + std::to_string(id) + " of " + quoted(content) +
                         " is already " + quoted(other.content) + " (" + other.where + ")");
  }

  static void apply(BpeAddedToken& t, const Mention& m) {
    if (m.special) t.special = *m.special;
    if (m.lstrip) t.lstrip = *m.lstrip;
    if (m.rstrip) t.rstrip = *m.rstrip;
  }

  BpeAddedTokens out_;
  std::map<std::string, size_t> by_content_;
  std::map<int32_t, size_t> by_id_;  // only ids given explicitly
};

Status read_flag(const rapidjson::Value& obj, const char* name, const std::string& where,
                 std::optional<bool>* out) {
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd() || it->value.IsNull()) return Status::Ok();
  if (!it->value.IsBool()) {
    return Status::Error(where + ": \"" + name + "\" must be true or false");
  }
  *out = it->value.GetBool();
  return Status::Ok();
}

// A token written as a string or as an AddedToken object {"content": ..., "lstrip": ...}.
Status read_token(const rapidjson::Value& v, const std::string& where, Mention* m) {
  m->where = where;
  if (v.IsString()) {
    m->content.assign(v.GetString(), v.GetStringLength());
  } else if (v.IsObject()) {
    auto it = v.FindMember("content");
    if (it == v.MemberEnd() || !it->value.IsString()) {
      return Status::Error(where + ": \"content\" must be a string");
    }
    m->content.assign(it->value.GetString(), it->value.GetStringLength());
    HYV_RETURN_IF_ERROR(read_flag(v, "lstrip", where, &m->lstrip));
    HYV_RETURN_IF_ERROR(read_flag(v, "rstrip", where, &m->rstrip));
    HYV_RETURN_IF_ERROR(read_flag(v, "special", where, &m->special));
  } else {
    return Status::Error(where + ": expected a string or an object with a string \"content\"");
  }
  if (m->content.empty()) return Status::Error(where + ": the token is empty");
  return Status::Ok();
}

Status read_added_tokens_json(std::string_view text, Collector& c) {
  const char* file = "added_tokens.json";
  rapidjson::Document doc;
  HYV_RETURN_IF_ERROR(parse_file(text, file, &doc));
  for (const auto& entry : doc.GetObject()) {
    Mention m;
    m.content.assign(entry.name.GetString(), entry.name.GetStringLength());
    m.where = std::string(file) + ": entry " + quoted(m.content);
    if (!entry.value.IsInt() || entry.value.GetInt() < 0) {
      return Status::Error(m.where + ": the id must be a non-negative integer");
    }
    if (m.content.empty()) return Status::Error(m.where + ": the token is empty");
    m.id = entry.value.GetInt();
    HYV_RETURN_IF_ERROR(c.add(std::move(m)));
  }
  return Status::Ok();
}

// tokenizer_config.json's {"32000": {"content": "<extra_id_99>", "special": true, ...}, ...}.
Status read_added_tokens_decoder(const rapidjson::Value& decoder, const std::string& file,
                                 Collector& c) {
  const std::string field = file + ": \"added_tokens_decoder\"";
  if (!decoder.IsObject()) return Status::Error(field + " must be an object");
  for (const auto& entry : decoder.GetObject()) {
    std::string_view key(entry.name.GetString(), entry.name.GetStringLength());
    std::string where = field + " entry " + quoted(key);
    int32_t id = -1;
    auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), id);
    if (ec != std::errc() || end != key.data() + key.size() || id < 0) {
      return Status::Error(where + ": the key must be a token id");
    }
    if (!entry.value.IsObject()) return Status::Error(where + ": expected an object");
    Mention m;
    HYV_RETURN_IF_ERROR(read_token(entry.value, where, &m));
    m.id = id;
    HYV_RETURN_IF_ERROR(c.add(std::move(m)));
  }
  return Status::Ok();
}

// bos_token ... mask_token and additional_special_tokens, in special_tokens_map.json or
// tokenizer_config.json.
Status read_special_fields(const rapidjson::Value& doc, const std::string& file, Collector& c) {
  for (const char* field : kSpecialFields) {
    auto it = doc.FindMember(field);
    if (it == doc.MemberEnd() || it->value.IsNull()) continue;
    Mention m;
    HYV_RETURN_IF_ERROR(read_token(it->value, file + ": \"" + field + "\"", &m));
    m.special = true;
    HYV_RETURN_IF_ERROR(c.add(std::move(m)));
  }
  auto it = doc.FindMember("additional_special_tokens");
  if (it == doc.MemberEnd() || it->value.IsNull()) return Status::Ok();
  const std::string field = file + ": \"additional_special_tokens\"";
  if (!it->value.IsArray()) return Status::Error(field + " must be an array");
  for (rapidjson::SizeType i = 0; i < it->value.Size(); ++i) {
    Mention m;
    HYV_RETURN_IF_ERROR(read_token(it->value[i], field + "[" + std::to_string(i) + "]", &m));
    m.special = true;
    HYV_RETURN_IF_ERROR(c.add(std::move(m)));
  }
  return Status::Ok();
}

Status read_tokenizer_config(std::string_view text, Collector& c) {
  const std::string file = "tokenizer_config.json";
  rapidjson::Document doc;
  HYV_RETURN_IF_ERROR(parse_file(text, file.c_str(), &doc));
  auto it = doc.FindMember("added_tokens_decoder");
  if (it != doc.MemberEnd() && !it->value.IsNull()) {
    HYV_RETURN_IF_ERROR(read_added_tokens_decoder(it->value, file, c));
  }
  return read_special_fields(doc, file, c);
}

Status read_special_tokens_map(std::string_view text, Collector& c) {
  const std::string file = "special_tokens_map.json";
  rapidjson::Document doc;
  HYV_RETURN_IF_ERROR(parse_file(text, file.c_str(), &doc));
  return read_special_fields(doc, file, c);
}

}  // namespace

Result<BpeAddedTokens> parse_added_tokens(const AddedTokenFiles& files) {
  Collector c;
  if (!files.added_tokens_json.empty()) {
    HYV_RETURN_IF_ERROR(read_added_tokens_json(files.added_tokens_json, c));
  }
  if (!files.tokenizer_config_json.empty()) {
    HYV_RETURN_IF_ERROR(read_tokenizer_config(files.tokenizer_config_json, c));
  }
  if (!files.special_tokens_map_json.empty()) {
    HYV_RETURN_IF_ERROR(read_special_tokens_map(files.special_tokens_map_json, c));
  }
  return c.take();
}

}  // namespace hyv::engine
