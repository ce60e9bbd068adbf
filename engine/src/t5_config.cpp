// config.json of a Hugging Face T5 folder (T5Config) -> T5Config.
#include <rapidjson/document.h>

#include <string>

#include "config_json.h"
#include "hyv/engine/t5.h"
#include "str_cat.h"

namespace hyv::engine {
namespace {

bool is_t5_type(std::string_view type) {
  return type == "t5" || type == "mt5";  // mT5 is T5 v1.1's architecture with another vocabulary
}

// feed_forward_proj: "[gated-]ACT"; Hugging Face reads "gated-gelu" as the tanh GELU.
Status read_feed_forward(const rapidjson::Value& doc, T5Config& c) {
  std::string proj = "relu";
  HYV_RETURN_IF_ERROR(read_config_string(doc, "feed_forward_proj", &proj));
  std::string_view act = proj;
  c.gated = act.starts_with("gated-");
  if (c.gated) act.remove_prefix(6);
  if (proj == "gated-gelu") act = "gelu_new";
  if (act != "relu" && act != "gelu" && act != "gelu_new" && act != "silu") {
    return config_field_error("feed_forward_proj",
                              str_cat("\"", proj) +
                                  "\" is not supported; T5 models use relu, gated-gelu, "
                                  "gated-silu (or gelu, silu, gelu_new, gated-relu)");
  }
  c.activation = std::string(act);
  return Status::Ok();
}

// A token id field: an integer, null (none, -1) or absent (unchanged).
Status read_token_id(const rapidjson::Value& doc, const char* field, int* out) {
  auto it = doc.FindMember(field);
  if (it == doc.MemberEnd()) return Status::Ok();
  if (it->value.IsNull()) {
    *out = -1;
    return Status::Ok();
  }
  return read_config_int(doc, field, true, out);
}

Status check_id(const char* field, int id, int vocab_size, bool may_be_none) {
  if ((may_be_none && id == -1) || (id >= 0 && id < vocab_size)) return Status::Ok();
  return config_field_error(field, str_cat("(", std::to_string(id)) +
                                       ") is outside the vocabulary [0, " +
                                       std::to_string(vocab_size) + ")");
}

}  // namespace

Status validate_t5_config(const T5Config& c) {
  const struct {
    const char* field;
    int value;
  } sizes[] = {{"d_model", c.d_model},
               {"d_kv", c.d_kv},
               {"d_ff", c.d_ff},
               {"num_layers", c.num_layers},
               {"num_decoder_layers", c.num_decoder_layers},
               {"num_heads", c.num_heads},
               {"relative_attention_num_buckets", c.relative_attention_num_buckets},
               {"relative_attention_max_distance", c.relative_attention_max_distance},
               {"vocab_size", c.vocab_size}};
  for (const auto& s : sizes) {
    if (s.value <= 0 || s.value > (1 << 24)) {
      return config_field_error(s.field,
                                str_cat("must be in [1, 2^24], got ", std::to_string(s.value)));
    }
  }
  if (c.relative_attention_num_buckets % 2 != 0 || c.relative_attention_num_buckets < 4) {
    return config_field_error("relative_attention_num_buckets",
                              "must be even and at least 4 (half of them per direction)");
  }
  if (c.relative_attention_max_distance <= c.relative_attention_num_buckets / 4) {
    return config_field_error("relative_attention_max_distance",
                              "must exceed a quarter of relative_attention_num_buckets");
  }
  if (!(c.layer_norm_epsilon > 0.0f)) {
    return config_field_error("layer_norm_epsilon", "must be positive");
  }
  HYV_RETURN_IF_ERROR(
      check_id("decoder_start_token_id", c.decoder_start_token_id, c.vocab_size, false));
  HYV_RETURN_IF_ERROR(check_id("pad_token_id", c.pad_token_id, c.vocab_size, true));
  HYV_RETURN_IF_ERROR(check_id("eos_token_id", c.eos_token_id, c.vocab_size, true));
  return check_id("bos_token_id", c.bos_token_id, c.vocab_size, true);
}

Result<T5Config> parse_t5_config(std::string_view config_json) {
  rapidjson::Document doc;
  HYV_RETURN_IF_ERROR(parse_config_json(config_json, doc));
  std::string type;
  HYV_RETURN_IF_ERROR(read_config_string(doc, "model_type", &type));
  if (!type.empty() && !is_t5_type(type)) {
    return config_field_error("model_type", str_cat("is \"", type) +
                                                "\", not \"t5\": this folder holds another "
                                                "architecture");
  }
  T5Config c;
  HYV_RETURN_IF_ERROR(read_config_int(doc, "d_model", true, &c.d_model));
  HYV_RETURN_IF_ERROR(read_config_int(doc, "d_kv", true, &c.d_kv));
  HYV_RETURN_IF_ERROR(read_config_int(doc, "d_ff", true, &c.d_ff));
  HYV_RETURN_IF_ERROR(read_config_int(doc, "num_layers", true, &c.num_layers));
  c.num_decoder_layers = c.num_layers;
  HYV_RETURN_IF_ERROR(read_token_id(doc, "num_decoder_layers", &c.num_decoder_layers));
  if (c.num_decoder_layers == -1) c.num_decoder_layers = c.num_layers;  // null: same as encoder
  HYV_RETURN_IF_ERROR(read_config_int(doc, "num_heads", true, &c.num_heads));
  HYV_RETURN_IF_ERROR(read_config_int(doc, "vocab_size", true, &c.vocab_size));
  HYV_RETURN_IF_ERROR(read_config_int(doc, "relative_attention_num_buckets", false,
                                      &c.relative_attention_num_buckets));
  HYV_RETURN_IF_ERROR(read_config_int(doc, "relative_attention_max_distance", false,
                                      &c.relative_attention_max_distance));
  HYV_RETURN_IF_ERROR(read_feed_forward(doc, c));
  HYV_RETURN_IF_ERROR(read_config_float(doc, "layer_norm_epsilon", &c.layer_norm_epsilon));
  HYV_RETURN_IF_ERROR(read_config_bool(doc, "tie_word_embeddings", &c.tie_word_embeddings));
  HYV_RETURN_IF_ERROR(read_token_id(doc, "decoder_start_token_id", &c.decoder_start_token_id));
  HYV_RETURN_IF_ERROR(read_token_id(doc, "pad_token_id", &c.pad_token_id));
  HYV_RETURN_IF_ERROR(read_token_id(doc, "eos_token_id", &c.eos_token_id));
  HYV_RETURN_IF_ERROR(read_token_id(doc, "bos_token_id", &c.bos_token_id));
  HYV_RETURN_IF_ERROR(validate_t5_config(c));
  return c;
}

bool is_t5_config(std::string_view config_json) {
  rapidjson::Document doc;
  if (!parse_config_json(config_json, doc).ok()) return false;
  std::string type;
  if (read_config_string(doc, "model_type", &type).ok() && is_t5_type(type)) return true;
  auto arch = doc.FindMember("architectures");
  if (arch == doc.MemberEnd() || !arch->value.IsArray()) return false;
  for (const auto& a : arch->value.GetArray()) {
    if (a.IsString() && std::string_view(a.GetString()).starts_with("T5")) return true;
  }
  return false;
}

}  // namespace hyv::engine
