// UnigramTokenizer from a Hugging Face tokenizer.json: its Unigram model, Precompiled normalizer
// and Metaspace pre-tokenizer, mapped back to the SentencePiece model they were converted from.
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "hyv/engine/unigram_tokenizer.h"
#include "hyv/json_nesting.h"
#include "hyv/json_parse.h"
#include "spiece_model.h"
#include "str_cat.h"

namespace hyv::engine {
namespace {

using rapidjson::Value;

constexpr std::string_view kFile = "tokenizer.json";
constexpr std::string_view kSpaceSymbol = "\xE2\x96\x81";

std::string_view view(const Value& s) {
  return {s.GetString(), s.GetStringLength()};
}

std::string_view type_of(const Value& v) {
  return v.IsObject() && v.HasMember("type") && v["type"].IsString() ? view(v["type"]) : "";
}

Status error(std::string_view where, std::string_view what) {
  return Status::Error(str_cat(kFile, ": ", where, ": ", what));
}

// Standard base64 (RFC 4648, with or without padding), as Hugging Face writes the charsmap.
Status decode_base64(std::string_view in, std::string_view where, std::string& out) {
  uint32_t acc = 0;
  int bits = 0;
  size_t end = in.size();
  while (end > 0 && in[end - 1] == '=') --end;
  if (in.size() - end > 2) return error(where, "too much base64 padding");
  out.clear();
  out.reserve(end / 4 * 3 + 3);
  for (size_t i = 0; i < end; ++i) {
    char c = in[i];
    int v = c >= 'A' && c <= 'Z'   ? c - 'A'
            : c >= 'a' && c <= 'z' ? c - 'a' + 26
            : c >= '0' && c <= '9' ? c - '0' + 52
            : c == '+'             ? 62
            : c == '/'             ? 63
                                   : -1;
    if (v < 0) return error(where, str_cat("not base64 at character ", std::to_string(i)));
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  if (bits >= 6) return error(where, "base64 ends in the middle of a byte");
  return Status::Ok();
}

Status read_normalizer_part(const Value& n, std::string_view where, SpModel& m) {
  std::string_view type = type_of(n);
  if (type == "Precompiled") {
    if (!n.HasMember("precompiled_charsmap") || n["precompiled_charsmap"].IsNull()) {
      return Status::Ok();
    }
    if (!n["precompiled_charsmap"].IsString()) {
      return error(where, "precompiled_charsmap must be a base64 string");
    }
    return decode_base64(view(n["precompiled_charsmap"]), str_cat(where, ".precompiled_charsmap"),
                         m.normalizer.precompiled_charsmap);
  }
  // Newer converters write remove_extra_whitespaces as Strip(right) + Replace(" {2,}", "▁").
  if (type == "Strip") return Status::Ok();
  if (type == "Replace" && n.HasMember("pattern") && n["pattern"].IsObject() &&
      n["pattern"].HasMember("Regex") && n["pattern"]["Regex"].IsString() &&
      view(n["pattern"]["Regex"]) == " {2,}") {
    m.normalizer.remove_extra_whitespaces = true;
    return Status::Ok();
  }
  return error(where, str_cat("normalizer \"", type,
                              "\" is not one a SentencePiece model converts to (Precompiled)"));
}

Status read_normalizer(const Value& doc, SpModel& m) {
  if (!doc.HasMember("normalizer") || doc["normalizer"].IsNull()) return Status::Ok();
  const Value& n = doc["normalizer"];
  if (type_of(n) != "Sequence") return read_normalizer_part(n, "normalizer", m);
  if (!n.HasMember("normalizers") || !n["normalizers"].IsArray()) {
    return error("normalizer", "a Sequence needs a \"normalizers\" array");
  }
  for (rapidjson::SizeType i = 0; i < n["normalizers"].Size(); ++i) {
    HYV_RETURN_IF_ERROR(read_normalizer_part(
        n["normalizers"][i], str_cat("normalizer.normalizers[", std::to_string(i), "]"), m));
  }
  return Status::Ok();
}

Status read_pre_tokenizer_part(const Value& p, std::string_view where, SpModel& m) {
  std::string_view type = type_of(p);
  if (type == "WhitespaceSplit") {
    m.normalizer.remove_extra_whitespaces = true;
    return Status::Ok();
  }
  if (type != "Metaspace") {
    return error(where, str_cat("pre-tokenizer \"", type,
                                "\" is not one a SentencePiece model converts to (Metaspace)"));
  }
  if (p.HasMember("replacement") &&
      !(p["replacement"].IsString() && view(p["replacement"]) == kSpaceSymbol)) {
    return error(where, "Metaspace's replacement must be \"\xE2\x96\x81\" (U+2581)");
  }
  m.normalizer.escape_whitespaces = true;
  m.normalizer.add_dummy_prefix = true;
  if (p.HasMember("add_prefix_space") && p["add_prefix_space"].IsBool()) {
    m.normalizer.add_dummy_prefix = p["add_prefix_space"].GetBool();
  }
  if (p.HasMember("prepend_scheme") && p["prepend_scheme"].IsString()) {
    m.normalizer.add_dummy_prefix = view(p["prepend_scheme"]) != "never";
  }
  return Status::Ok();
}

// Without Metaspace no space becomes "▁" and none is put in front; without WhitespaceSplit (or
// the normalizer's Replace) runs of spaces stay.
Status read_pre_tokenizer(const Value& doc, SpModel& m) {
  m.normalizer.escape_whitespaces = false;
  m.normalizer.add_dummy_prefix = false;
  if (!doc.HasMember("pre_tokenizer") || doc["pre_tokenizer"].IsNull()) return Status::Ok();
  const Value& p = doc["pre_tokenizer"];
  if (type_of(p) != "Sequence") return read_pre_tokenizer_part(p, "pre_tokenizer", m);
  if (!p.HasMember("pretokenizers") || !p["pretokenizers"].IsArray()) {
    return error("pre_tokenizer", "a Sequence needs a \"pretokenizers\" array");
  }
  for (rapidjson::SizeType i = 0; i < p["pretokenizers"].Size(); ++i) {
    HYV_RETURN_IF_ERROR(read_pre_tokenizer_part(
        p["pretokenizers"][i], str_cat("pre_tokenizer.pretokenizers[", std::to_string(i), "]"), m));
  }
  return Status::Ok();
}

bool is_byte_piece(std::string_view p) {
  auto hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'); };
  return p.size() == 6 && p.starts_with("<0x") && hex(p[3]) && hex(p[4]) && p[5] == '>';
}

Status read_model(const Value& model, SpModel& m) {
  if (!model.HasMember("vocab") || !model["vocab"].IsArray()) {
    return error("model.vocab", "expected an array of [piece, score] pairs");
  }
  const Value& vocab = model["vocab"];
  m.pieces.reserve(vocab.Size());
  for (rapidjson::SizeType i = 0; i < vocab.Size(); ++i) {
    const Value& e = vocab[i];
    if (!e.IsArray() || e.Size() != 2 || !e[0].IsString() || !e[1].IsNumber()) {
      return error(str_cat("model.vocab[", std::to_string(i), "]"),
                   "expected a [piece, score] pair");
    }
    m.pieces.push_back(
        {std::string(view(e[0])), static_cast<float>(e[1].GetDouble()), SpPieceType::kNormal});
  }
  if (model.HasMember("byte_fallback") && model["byte_fallback"].IsBool()) {
    m.byte_fallback = model["byte_fallback"].GetBool();
  }
  if (m.byte_fallback) {
    for (SpPiece& p : m.pieces) {
      if (is_byte_piece(p.piece)) p.type = SpPieceType::kByte;
    }
  }
  if (!model.HasMember("unk_id") || !model["unk_id"].IsInt()) {
    return error("model.unk_id", "missing; a SentencePiece model has an unknown piece");
  }
  int unk = model["unk_id"].GetInt();
  if (unk < 0 || static_cast<size_t>(unk) >= m.pieces.size()) {
    return error("model.unk_id", str_cat(std::to_string(unk), " is not in model.vocab"));
  }
  m.pieces[unk].type = SpPieceType::kUnknown;
  m.unk_piece = m.pieces[unk].piece;
  return Status::Ok();
}

// Special added tokens are SentencePiece's control pieces, the others its user-defined ones.
// Tokens beyond the model's vocabulary (added to it by Hugging Face) have no SentencePiece form
// and are left out.
Status read_added_tokens(const Value& doc, SpModel& m) {
  if (!doc.HasMember("added_tokens") || doc["added_tokens"].IsNull()) return Status::Ok();
  const Value& added = doc["added_tokens"];
  if (!added.IsArray()) return error("added_tokens", "expected an array");
  for (rapidjson::SizeType i = 0; i < added.Size(); ++i) {
    const Value& t = added[i];
    std::string where = str_cat("added_tokens[", std::to_string(i), "]");
    if (!t.IsObject() || !t.HasMember("id") || !t["id"].IsInt() || !t.HasMember("content") ||
        !t["content"].IsString()) {
      return error(where, "expected an object with an integer \"id\" and a string \"content\"");
    }
    int id = t["id"].GetInt();
    if (id < 0 || static_cast<size_t>(id) >= m.pieces.size()) continue;
    SpPiece& p = m.pieces[id];
    if (p.piece != view(t["content"])) {
      return error(where, str_cat("content \"", view(t["content"]), "\" is not model.vocab[",
                                  std::to_string(id), "] (\"", p.piece, "\")"));
    }
    bool special = t.HasMember("special") && t["special"].IsBool() && t["special"].GetBool();
    if (p.type == SpPieceType::kUnknown || p.type == SpPieceType::kByte) continue;
    p.type = special ? SpPieceType::kControl : SpPieceType::kUserDefined;
  }
  return Status::Ok();
}

}  // namespace

Result<UnigramTokenizer> UnigramTokenizer::from_tokenizer_json(std::string_view json) {
  HYV_RETURN_IF_ERROR(check_json_nesting(json, std::string(kFile)));  // RapidJSON recurses
  rapidjson::Document doc;
  rapidjson::ParseResult parsed = parse_json(doc, json);
  if (!parsed) {
    return Status::Error(str_cat(kFile, ": not valid JSON at byte ",
                                 std::to_string(parsed.Offset()), ": ",
                                 rapidjson::GetParseError_En(parsed.Code())));
  }
  if (!doc.IsObject() || !doc.HasMember("model") || !doc["model"].IsObject()) {
    return Status::Error(
        str_cat(kFile, ": no \"model\" object; is this a Hugging Face tokenizer.json?"));
  }
  const Value& model = doc["model"];
  if (type_of(model) != "Unigram") {
    return error("model.type",
                 str_cat("is \"", type_of(model),
                         "\"; only Unigram models (SentencePiece, T5) are read here"));
  }
  SpModel m;
  m.normalizer.remove_extra_whitespaces = false;  // unless WhitespaceSplit or Replace says so
  HYV_RETURN_IF_ERROR(read_model(model, m));
  HYV_RETURN_IF_ERROR(read_added_tokens(doc, m));
  HYV_RETURN_IF_ERROR(read_normalizer(doc, m));
  HYV_RETURN_IF_ERROR(read_pre_tokenizer(doc, m));
  return from_model(std::move(m), str_cat(kFile, ": model.vocab"), str_cat(kFile, ": normalizer"));
}

}  // namespace hyv::engine
