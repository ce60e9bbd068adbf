// config.json of a Hugging Face GPT-2 folder (GPT2Config) -> Gpt2Config.
#include <rapidjson/document.h>

#include <string>

#include "config_json.h"
#include "hyv/engine/gpt2.h"
#include "str_cat.h"

namespace hyv::engine {
namespace {

constexpr const char* kAcceptedActivations[] = {"gelu_new", "gelu_pytorch_tanh", "gelu_fast",
                                                "gelu"};

// bos/eos ids: an integer, null (none) or absent (GPT-2's 50256 when the vocabulary has it).
Status read_token_id(const rapidjson::Value& doc, const char* field, int vocab_size, int* out) {
  auto it = doc.FindMember(field);
  if (it == doc.MemberEnd()) {
    *out = vocab_size > 50256 ? 50256 : -1;
    return Status::Ok();
  }
  if (it->value.IsNull()) {
    *out = -1;
    return Status::Ok();
  }
  if (!it->value.IsInt()) return config_field_error(field, "must be an integer or null");
  *out = it->value.GetInt();
  return Status::Ok();
}

Status read_architecture_flags(const rapidjson::Value& doc) {
  auto type = doc.FindMember("model_type");
  if (type != doc.MemberEnd() &&
      (!type->value.IsString() || std::string(type->value.GetString()) != "gpt2")) {
    return config_field_error("model_type",
                              "is not \"gpt2\": this folder holds another architecture");
  }
  // Variants that change the attention arithmetic; none of the published GPT-2 checkpoints use
  // them.
  auto scale = doc.FindMember("scale_attn_weights");
  if (scale != doc.MemberEnd() && scale->value.IsBool() && !scale->value.GetBool()) {
    return config_field_error("scale_attn_weights", "= false is not supported");
  }
  auto by_layer = doc.FindMember("scale_attn_by_inverse_layer_idx");
  if (by_layer != doc.MemberEnd() && by_layer->value.IsBool() && by_layer->value.GetBool()) {
    return config_field_error("scale_attn_by_inverse_layer_idx", "= true is not supported");
  }
  auto cross = doc.FindMember("add_cross_attention");
  if (cross != doc.MemberEnd() && cross->value.IsBool() && cross->value.GetBool()) {
    return config_field_error("add_cross_attention",
                              "= true is not supported (decoder-only GPT-2)");
  }
  return Status::Ok();
}

}  // namespace

Status validate_gpt2_config(const Gpt2Config& c) {
  const struct {
    const char* field;
    int value;
  } sizes[] = {{"n_layer", c.n_layer},
               {"n_head", c.n_head},
               {"n_embd", c.n_embd},
               {"n_positions", c.n_positions},
               {"vocab_size", c.vocab_size}};
  for (const auto& s : sizes) {
    if (s.value <= 0)
      return config_field_error(s.field,
                                str_cat("must be positive, got ", std::to_string(s.value)));
  }
  if (c.n_inner < 0) return config_field_error("n_inner", "must be positive or null");
  if (c.n_embd % c.n_head != 0) {
    return config_field_error("n_embd", str_cat("(", std::to_string(c.n_embd)) +
                                            ") must be divisible by n_head (" +
                                            std::to_string(c.n_head) + ")");
  }
  if (!(c.layer_norm_epsilon > 0.0f))
    return config_field_error("layer_norm_epsilon", "must be positive");
  bool known = false;
  for (const char* a : kAcceptedActivations) known = known || c.activation_function == a;
  if (!known) {
    return config_field_error(
        "activation_function",
        str_cat("\"", c.activation_function) +
            "\" is not supported; GPT-2 models use gelu_new, gelu_pytorch_tanh, "
            "gelu_fast or gelu");
  }
  if (c.bos_token_id < -1 || c.bos_token_id >= c.vocab_size) {
    return config_field_error("bos_token_id", str_cat("(", std::to_string(c.bos_token_id)) +
                                                  ") is outside the vocabulary [0, " +
                                                  std::to_string(c.vocab_size) + ")");
  }
  if (c.eos_token_id < -1 || c.eos_token_id >= c.vocab_size) {
    return config_field_error("eos_token_id", str_cat("(", std::to_string(c.eos_token_id)) +
                                                  ") is outside the vocabulary [0, " +
                                                  std::to_string(c.vocab_size) + ")");
  }
  return Status::Ok();
}

Result<Gpt2Config> parse_gpt2_config(std::string_view config_json) {
  rapidjson::Document doc;
  HYV_RETURN_IF_ERROR(parse_config_json(config_json, doc));
  HYV_RETURN_IF_ERROR(read_architecture_flags(doc));

  Gpt2Config c;
  HYV_RETURN_IF_ERROR(read_config_int(doc, "n_layer", true, &c.n_layer));
  HYV_RETURN_IF_ERROR(read_config_int(doc, "n_head", true, &c.n_head));
  HYV_RETURN_IF_ERROR(read_config_int(doc, "n_embd", true, &c.n_embd));
  HYV_RETURN_IF_ERROR(read_config_int(doc, "vocab_size", true, &c.vocab_size));
  // Older configs carry n_ctx (equal to n_positions); either one is enough.
  const bool has_positions = doc.HasMember("n_positions");
  if (!has_positions && !doc.HasMember("n_ctx")) {
    return config_field_error("n_positions", "is missing (n_ctx is accepted too)");
  }
  HYV_RETURN_IF_ERROR(
      read_config_int(doc, has_positions ? "n_positions" : "n_ctx", true, &c.n_positions));

  auto inner = doc.FindMember("n_inner");
  if (inner != doc.MemberEnd() && !inner->value.IsNull()) {
    if (!inner->value.IsInt()) return config_field_error("n_inner", "must be an integer or null");
    c.n_inner = inner->value.GetInt();
  }
  HYV_RETURN_IF_ERROR(read_config_float(doc, "layer_norm_epsilon", &c.layer_norm_epsilon));
  HYV_RETURN_IF_ERROR(read_config_string(doc, "activation_function", &c.activation_function));
  HYV_RETURN_IF_ERROR(read_token_id(doc, "bos_token_id", c.vocab_size, &c.bos_token_id));
  HYV_RETURN_IF_ERROR(read_token_id(doc, "eos_token_id", c.vocab_size, &c.eos_token_id));
  HYV_RETURN_IF_ERROR(validate_gpt2_config(c));
  if (c.n_inner == 0) c.n_inner = 4 * c.n_embd;
  return c;
}

}  // namespace hyv::engine
