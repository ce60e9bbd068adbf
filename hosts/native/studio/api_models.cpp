// /health, /models, /defaults and /uploads: the model registry and resumable model uploads.
#include "studio/api_handlers.h"
#include "studio/api_request.h"
#include "studio/json_out.h"

namespace hyv::studio {
namespace {

std::string defaults_json(Studio& s) {
  auto d = s.models().defaults();
  if (!d.ok()) throw_status(d.status(), 500);
  return service::model_defaults_to_json(d.value());
}

service::Upload load_upload(Studio& s, const std::string& id) {
  auto u = s.models().get_upload(id);
  if (!u.ok()) throw_status(u.status());
  return u.value();
}

}  // namespace

void get_health(Studio&, const httplib::Request&, httplib::Response& res) {
  reply_json(res, 200, std::string("{\"status\":\"ok\",\"version\":\"") + kStudioVersion + "\"}");
}

void get_models(Studio& s, const httplib::Request&, httplib::Response& res) {
  auto models = s.models().list();
  if (!models.ok()) throw_status(models.status(), 500);
  std::string out = "{\"models\":[";
  for (size_t i = 0; i < models.value().size(); ++i) {
    if (i) out += ',';
    out += service::model_info_to_json(models.value()[i]);
  }
  reply_json(res, 200, out + "],\"defaults\":" + defaults_json(s) + "}");
}

void get_model(Studio& s, const httplib::Request& req, httplib::Response& res) {
  std::string id = req.matches[1];
  auto m = s.models().get(id);
  if (!m.ok()) throw_status(m.status());
  if (!m.value()) throw_error(404, "no model '" + id + "'");
  reply_json(res, 200, service::model_info_to_json(*m.value()));
}

void delete_model(Studio& s, const httplib::Request& req, httplib::Response& res) {
  Status st = s.delete_model(req.matches[1]);
  if (!st.ok()) throw_status(st);
  reply_no_content(res);
}

void put_default(Studio& s, const httplib::Request& req, httplib::Response& res) {
  auto type = service::parse_data_type(req.matches[1].str());
  if (!type.ok() || type.value() == service::DataType::kTable) {
    throw_error(404, "no default model for '" + req.matches[1].str() + "' (text or code)");
  }
  auto body = parse_json_body(req);
  refuse_unknown_fields(body, {"model"});
  std::string model = required_string(body, "model");
  {
    std::lock_guard lock(s.write_mutex());
    Status st = s.models().set_default(type.value(), model);
    if (!st.ok()) throw_status(st);
  }
  reply_json(res, 200, "{\"defaults\":" + defaults_json(s) + "}");
}

void post_upload(Studio& s, const httplib::Request& req, httplib::Response& res) {
  parse_json_body(req);  // syntax errors with their offset, before the registry's checks
  std::lock_guard lock(s.write_mutex());
  auto u = s.models().begin_upload(new_id("up"), req.body, Studio::now_ms());
  if (!u.ok()) throw_status(u.status());
  reply_json(res, 201, service::upload_to_json(u.value()));
}

void get_upload(Studio& s, const httplib::Request& req, httplib::Response& res) {
  reply_json(res, 200, service::upload_to_json(load_upload(s, req.matches[1])));
}

void put_upload_file(Studio& s, const httplib::Request& req, httplib::Response& res) {
  if (req.body.size() > service::kMaxChunkBytes) {
    throw_error(413, "chunk of " + std::to_string(req.body.size()) +
                         " bytes is over the limit of 2 MiB; send the file in smaller chunks");
  }
  auto offset = query_uint(req, "offset");
  if (!offset) throw_error(400, "query parameter offset: required");
  std::lock_guard lock(s.write_mutex());
  auto u = s.models().write_chunk(req.matches[1].str(), req.matches[2].str(), *offset, req.body,
                                  Studio::now_ms());
  if (!u.ok()) throw_status(u.status());
  reply_json(res, 200, service::upload_to_json(u.value()));
}

void post_upload_finish(Studio& s, const httplib::Request& req, httplib::Response& res) {
  std::lock_guard lock(s.write_mutex());
  auto m = s.models().finish_upload(req.matches[1].str(), Studio::now_ms());
  if (!m.ok()) throw_status(m.status());
  reply_json(res, 201, service::model_info_to_json(m.value()));
}

void delete_upload(Studio& s, const httplib::Request& req, httplib::Response& res) {
  std::lock_guard lock(s.write_mutex());
  Status st = s.models().cancel_upload(req.matches[1].str());
  if (!st.ok()) throw_status(st);
  reply_no_content(res);
}

}  // namespace hyv::studio
