#include "hyv/service/job.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <iterator>
#include <type_traits>

#include "hyv/service/json_depth.h"
#include "hyv/synth/dates.h"

namespace hyv::service {

std::string default_job_name(DataType type, int64_t now_ms) {
  std::string when;
  synth::format_datetime(when, "%Y-%m-%d %H:%M:%S", now_ms / 1000);
  std::string name(data_type_name(type));
  name[0] = static_cast<char>(name[0] - 'a' + 'A');
  return name + " " + when;
}
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

constexpr std::string_view kStateNames[] = {"queued", "running",   "succeeded",
                                            "failed", "cancelled", "interrupted"};

Status field_error(std::string_view field, const std::string& what) {
  return Status::Error("job field '" + std::string(field) + "': " + what);
}

const rapidjson::Value* member(const rapidjson::Value& o, const char* field) {
  auto it = o.FindMember(field);
  return it == o.MemberEnd() ? nullptr : &it->value;
}

Status read_string(const rapidjson::Value& o, const char* field, std::string& out) {
  const rapidjson::Value* v = member(o, field);
  if (!v || !v->IsString()) return field_error(field, "expected a string");
  out.assign(v->GetString(), v->GetStringLength());
  return Status::Ok();
}

template <typename T>
Status read_number(const rapidjson::Value& o, const char* field, T& out) {
  const rapidjson::Value* v = member(o, field);
  if constexpr (std::is_signed_v<T>) {
    if (!v || !v->IsInt64()) return field_error(field, "expected a whole number");
    out = static_cast<T>(v->GetInt64());
  } else {
    if (!v || !v->IsUint64() ||
        v->GetUint64() > UINT64_C(0xffffffffffffffff) >> (64 - 8 * sizeof(T))) {
      return field_error(field, "expected a whole number >= 0");
    }
    out = static_cast<T>(v->GetUint64());
  }
  return Status::Ok();
}

void key_string(Writer& w, const char* key, std::string_view s) {
  w.Key(key);
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

Status read_fields(const rapidjson::Value& o, Job& j) {
  std::string text;
  HYV_RETURN_IF_ERROR(read_string(o, "id", j.id));
  HYV_RETURN_IF_ERROR(read_string(o, "type", text));
  Result<DataType> type = parse_data_type(text);
  if (!type.ok()) return field_error("type", type.status().message());
  j.type = type.value();
  const rapidjson::Value* params = member(o, "params");
  if (!params || !params->IsObject()) return field_error("params", "expected an object");
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  params->Accept(w);
  j.params_json.assign(buffer.GetString(), buffer.GetSize());
  HYV_RETURN_IF_ERROR(read_string(o, "state", text));
  Result<JobState> state = parse_job_state(text);
  if (!state.ok()) return field_error("state", state.status().message());
  j.state = state.value();
  HYV_RETURN_IF_ERROR(read_number(o, "attempts", j.attempts));
  HYV_RETURN_IF_ERROR(read_number(o, "created_at_ms", j.created_at_ms));
  HYV_RETURN_IF_ERROR(read_number(o, "started_at_ms", j.started_at_ms));
  HYV_RETURN_IF_ERROR(read_number(o, "updated_at_ms", j.updated_at_ms));
  HYV_RETURN_IF_ERROR(read_number(o, "finished_at_ms", j.finished_at_ms));
  HYV_RETURN_IF_ERROR(read_number(o, "items_done", j.items_done));
  HYV_RETURN_IF_ERROR(read_number(o, "items_total", j.items_total));
  HYV_RETURN_IF_ERROR(read_number(o, "tokens_done", j.tokens_done));
  HYV_RETURN_IF_ERROR(read_string(o, "error", j.error));
  return read_string(o, "dataset_id", j.dataset_id);
}

}  // namespace

std::string_view job_state_name(JobState s) {
  return kStateNames[static_cast<int>(s)];
}

Result<JobState> parse_job_state(std::string_view name) {
  for (size_t i = 0; i < std::size(kStateNames); ++i) {
    if (kStateNames[i] == name) return static_cast<JobState>(i);
  }
  return Status::Error("unknown job state '" + std::string(name) + "'");
}

bool can_transition(JobState from, JobState to) {
  switch (from) {
    case JobState::kQueued:
      return to == JobState::kRunning || to == JobState::kCancelled;
    case JobState::kRunning:
      return to == JobState::kSucceeded || to == JobState::kFailed || to == JobState::kCancelled ||
             to == JobState::kInterrupted;
    case JobState::kFailed:
    case JobState::kCancelled:
    case JobState::kInterrupted:
      return to == JobState::kQueued;
    case JobState::kSucceeded:
      return false;
  }
  return false;
}

Status validate_job(const Job& j) {
  if (!valid_id(j.id)) {
    return field_error("id", "'" + j.id + "' is not 1 to 64 of A-Z a-z 0-9 . _ -");
  }
  HYV_RETURN_IF_ERROR(check_json_depth(j.params_json, "job field 'params'"));
  rapidjson::Document d;
  d.Parse(j.params_json.data(), j.params_json.size());
  if (d.HasParseError()) {
    return field_error("params", std::string(rapidjson::GetParseError_En(d.GetParseError())) +
                                     " at byte " + std::to_string(d.GetErrorOffset()));
  }
  if (!d.IsObject()) return field_error("params", "expected a JSON object");
  if (j.items_total != 0 && j.items_done > j.items_total) {
    return field_error("items_done", std::to_string(j.items_done) + " is more than items_total " +
                                         std::to_string(j.items_total));
  }
  if (j.created_at_ms < 0) return field_error("created_at_ms", "must not be negative");
  if (j.state == JobState::kSucceeded && !valid_id(j.dataset_id)) {
    return field_error("dataset_id", "a succeeded job names the dataset it made");
  }
  return Status::Ok();
}

std::string job_to_json(const Job& j) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  key_string(w, "id", j.id);
  key_string(w, "type", data_type_name(j.type));
  w.Key("params");
  rapidjson::Document params;
  bool shallow = check_json_depth(j.params_json, "").ok();
  if (shallow) params.Parse(j.params_json.data(), j.params_json.size());
  if (!shallow || params.HasParseError() || !params.IsObject()) {
    w.Null();  // only for unvalidated input: JobQueue validates before it saves
  } else {
    params.Accept(w);
  }
  key_string(w, "state", job_state_name(j.state));
  w.Key("attempts");
  w.Uint(j.attempts);
  w.Key("created_at_ms");
  w.Int64(j.created_at_ms);
  w.Key("started_at_ms");
  w.Int64(j.started_at_ms);
  w.Key("updated_at_ms");
  w.Int64(j.updated_at_ms);
  w.Key("finished_at_ms");
  w.Int64(j.finished_at_ms);
  w.Key("items_done");
  w.Uint64(j.items_done);
  w.Key("items_total");
  w.Uint64(j.items_total);
  w.Key("tokens_done");
  w.Uint64(j.tokens_done);
  key_string(w, "error", j.error);
  key_string(w, "dataset_id", j.dataset_id);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Result<Job> job_from_json(std::string_view json) {
  HYV_RETURN_IF_ERROR(check_json_depth(json, "job"));
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  if (d.HasParseError()) {
    return Status::Error(std::string("job: ") + rapidjson::GetParseError_En(d.GetParseError()) +
                         " at byte " + std::to_string(d.GetErrorOffset()));
  }
  if (!d.IsObject()) return Status::Error("job: expected a JSON object");
  Job j;
  HYV_RETURN_IF_ERROR(read_fields(d, j));
  HYV_RETURN_IF_ERROR(validate_job(j));
  return j;
}

}  // namespace hyv::service
