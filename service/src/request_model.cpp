#include "hyv/service/request_model.h"

#include <cmath>

#include "hyv/engine/utf8_text.h"
#include "json_util.h"

namespace hyv::service {
namespace {

// Whole numbers without ".0" and others in their shortest form, so a message reads
// "must be 0..2 (got 3)" or "(got 0.05)" whatever the host typed them as.
std::string number_text(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (std::floor(v) == v && std::fabs(v) < 1e15) return std::to_string(static_cast<int64_t>(v));
  rapidjson::StringBuffer b;
  JsonWriter w(b);
  w.Double(v);
  return buffer_text(b);
}

std::string field_path(std::string_view name) {
  return "params." + std::string(name);
}

Status out_of_range(const std::string& path, const std::string& range, const std::string& got) {
  // Appended piece by piece: GCC 12's -Wrestrict misfires on long chains of + temporaries.
  std::string message = path;
  message += " must be ";
  message += range;
  message += " (got ";
  message += got;
  message += ")";
  return invalid(std::move(message));
}

std::string range_text(double lo, double hi) {
  return number_text(lo) + ".." + number_text(hi);
}

std::string int_range_text(const IntField& field) {
  return std::to_string(field.min) + ".." + std::to_string(field.max);
}

Status check_entry(const StringListField& field, size_t i, std::string_view value) {
  std::string path = field_path(field.name) + "[" + std::to_string(i) + "]";
  if (value.size() < field.min_bytes || value.size() > field.max_bytes) {
    return out_of_range(path,
                        range_text(double(field.min_bytes), double(field.max_bytes)) + " bytes",
                        std::to_string(value.size()));
  }
  if (auto bad = engine::find_invalid_utf8(value)) {
    return invalid(path + ": not valid UTF-8 (at byte " + std::to_string(*bad) + ")");
  }
  return Status::Ok();
}

Status check_model_id(std::string_view model) {
  if (model.size() > fields::kMaxModelIdBytes) {
    return out_of_range("params.model", "0.." + std::to_string(fields::kMaxModelIdBytes) + " bytes",
                        std::to_string(model.size()));
  }
  if (auto bad = engine::find_invalid_utf8(model)) {
    return invalid("params.model: not valid UTF-8 (at byte " + std::to_string(*bad) + ")");
  }
  return Status::Ok();
}

Status check_sampling(const TextParams& p) {
  HYV_RETURN_IF_ERROR(check_field(fields::kTemperature, p.temperature));
  HYV_RETURN_IF_ERROR(check_field(fields::kTopK, p.top_k));
  HYV_RETURN_IF_ERROR(check_field(fields::kTopP, p.top_p));
  HYV_RETURN_IF_ERROR(check_field(fields::kMinP, p.min_p));
  HYV_RETURN_IF_ERROR(check_field(fields::kRepetitionPenalty, p.repetition_penalty));
  return check_field(fields::kStop, p.stop);
}

}  // namespace

int64_t default_max_tokens(DataType type) {
  return type == DataType::kCode ? fields::kMaxTokensCodeDefault : fields::kMaxTokens.fallback;
}

TextParams text_params(DataType type) {
  TextParams p;
  p.max_tokens = static_cast<int>(default_max_tokens(type));
  return p;
}

Status check_field(const IntField& field, int64_t value) {
  if (value >= field.min && value <= field.max) return Status::Ok();
  return out_of_range(field_path(field.name), int_range_text(field), std::to_string(value));
}

Status check_field(const RealField& field, double value) {
  if (value >= field.min && value <= field.max) return Status::Ok();
  return out_of_range(field_path(field.name), range_text(field.min, field.max), number_text(value));
}

Status check_field(const StringListField& field, const std::vector<std::string>& values) {
  if (values.size() < field.min_count || values.size() > field.max_count) {
    return out_of_range(field_path(field.name),
                        range_text(double(field.min_count), double(field.max_count)) + " entries",
                        std::to_string(values.size()));
  }
  for (size_t i = 0; i < values.size(); ++i) {
    HYV_RETURN_IF_ERROR(check_entry(field, i, values[i]));
  }
  return Status::Ok();
}

Status check_text_params(const TextParams& p) {
  HYV_RETURN_IF_ERROR(check_model_id(p.model));
  HYV_RETURN_IF_ERROR(check_field(fields::kPrompts, p.prompts));
  HYV_RETURN_IF_ERROR(check_field(fields::kSamples, p.samples));
  HYV_RETURN_IF_ERROR(check_field(fields::kMaxTokens, p.max_tokens));
  return check_sampling(p);
}

engine::SamplingParams sampling_params(const TextParams& p, uint64_t seed) {
  engine::SamplingParams s;
  s.temperature = static_cast<float>(p.temperature);
  s.top_k = p.top_k;
  s.top_p = static_cast<float>(p.top_p);
  s.min_p = static_cast<float>(p.min_p);
  s.repeat_penalty = static_cast<float>(p.repetition_penalty);
  s.seed = seed;
  return s;
}

}  // namespace hyv::service
