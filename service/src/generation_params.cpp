#include "hyv/service/generation_params.h"

#include "json_util.h"
#include "param_reader.h"

namespace hyv::service {
namespace {

using namespace fields;

Status read_prompts(const ParamReader& r, TextParams& p) {
  if (r.find("prompt") && r.find("prompts")) {
    return ParamReader::error("prompt", "give either prompt or prompts, not both");
  }
  if (!r.find("prompt")) return r.read_strings(kPrompts, p.prompts);
  std::string prompt;
  HYV_RETURN_IF_ERROR(r.read_string("prompt", kPrompts.max_bytes, prompt));
  p.prompts = {prompt};
  return Status::Ok();
}

template <typename T>
Status read_int_as(const ParamReader& r, const IntField& field, T& out) {
  int64_t value = static_cast<int64_t>(out);
  HYV_RETURN_IF_ERROR(r.read_int(field, value));
  out = static_cast<T>(value);  // in range, so it fits T
  return Status::Ok();
}

Status read_sampling(const ParamReader& r, TextParams& p) {
  HYV_RETURN_IF_ERROR(r.read_double(kTemperature, p.temperature));
  HYV_RETURN_IF_ERROR(read_int_as(r, kTopK, p.top_k));
  HYV_RETURN_IF_ERROR(r.read_double(kTopP, p.top_p));
  HYV_RETURN_IF_ERROR(r.read_double(kMinP, p.min_p));
  HYV_RETURN_IF_ERROR(r.read_double(kRepetitionPenalty, p.repetition_penalty));
  return r.read_strings(kStop, p.stop);
}

Status read_text(const rapidjson::Value& o, TextParams& p) {
  ParamReader r(o);
  HYV_RETURN_IF_ERROR(
      r.check_known({"model", "prompt", "prompts", "samples", "max_tokens", "temperature", "top_k",
                     "top_p", "min_p", "repetition_penalty", "stop", "seed"}));
  HYV_RETURN_IF_ERROR(r.read_string("model", kMaxModelIdBytes, p.model));
  HYV_RETURN_IF_ERROR(read_prompts(r, p));
  HYV_RETURN_IF_ERROR(read_int_as(r, kSamples, p.samples));
  HYV_RETURN_IF_ERROR(read_int_as(r, kMaxTokens, p.max_tokens));
  HYV_RETURN_IF_ERROR(read_sampling(r, p));
  HYV_RETURN_IF_ERROR(r.read_seed(p.seed));
  // What the reader checked field by field, and anything the request model adds, in one place.
  return check_text_params(p);
}

void write_strings(JsonWriter& w, const std::vector<std::string>& values) {
  w.StartArray();
  for (const std::string& v : values) write_json_string(w, v);
  w.EndArray();
}

}  // namespace

uint64_t derive_seed(uint64_t seed, uint64_t i) {
  // splitmix64 of the seed, then of the mix with the index: neighbouring (seed, i) pairs land far
  // apart, and derive_seed(s, i) != derive_seed(s, j) for i != j (splitmix64 is a bijection).
  auto mix = [](uint64_t z) {
    z += 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  };
  return mix(mix(seed) ^ i);
}

Result<TextParams> parse_text_params(DataType type, std::string_view params_json,
                                     uint64_t fallback_seed) {
  rapidjson::Document d;
  HYV_RETURN_IF_ERROR(parse_json_object(params_json, d, "params"));
  TextParams p = text_params(type);
  p.seed = fallback_seed;
  HYV_RETURN_IF_ERROR(read_text(d, p));
  return p;
}

std::string text_params_json(const TextParams& p) {
  rapidjson::StringBuffer b;
  JsonWriter w(b);
  w.StartObject();
  w.Key("model");
  write_json_string(w, p.model);
  w.Key("prompts");
  write_strings(w, p.prompts);
  w.Key("samples");
  w.Uint(p.samples);
  w.Key("max_tokens");
  w.Int(p.max_tokens);
  w.Key("temperature");
  w.Double(p.temperature);
  w.Key("top_k");
  w.Int(p.top_k);
  w.Key("top_p");
  w.Double(p.top_p);
  w.Key("min_p");
  w.Double(p.min_p);
  w.Key("repetition_penalty");
  w.Double(p.repetition_penalty);
  w.Key("stop");
  write_strings(w, p.stop);
  w.Key("seed");
  write_json_string(w, std::to_string(p.seed));
  w.EndObject();
  return buffer_text(b);
}

}  // namespace hyv::service
