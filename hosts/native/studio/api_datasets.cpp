// /datasets: the library (filters, rank order), one dataset, its rows, downloads in every format,
// ratings, deletion and regeneration.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <memory>

#include "hyv/service/dataset_formats.h"
#include "studio/api_handlers.h"
#include "studio/api_request.h"
#include "studio/json_out.h"

namespace hyv::studio {
namespace {

using service::DatasetManifest;

constexpr uint64_t kReadChunkBytes = 1u << 20;

std::string dataset_json(const DatasetManifest& m, const service::RatingSummary& ratings,
                         double rank) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  write_key(w, "manifest");
  write_raw(w, service::dataset_manifest_to_json(m));
  write_key(w, "ratings");
  w.StartObject();
  write_key(w, "count");
  w.Uint64(ratings.count);
  write_key(w, "mean");
  if (ratings.count == 0) {
    w.Null();
  } else {
    w.Double(ratings.mean());
  }
  w.EndObject();
  write_key(w, "rank");
  w.Double(rank);
  write_key(w, "tables");
  w.StartArray();
  for (const auto& t : m.tables) {
    w.StartObject();
    write_key(w, "name");
    write_string(w, t.name);
    write_key(w, "columns");
    w.StartArray();
    for (const auto& c : t.columns) write_string(w, c);
    w.EndArray();
    write_key(w, "rows");
    w.Uint64(t.rows);
    write_key(w, "size_bytes");
    w.Uint64(t.size_bytes);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return buf.GetString();
}

DatasetManifest load_manifest(Studio& s, const std::string& id) {
  auto m = s.catalog().get(id);
  if (!m.ok()) throw_status(m.status());
  if (!m.value()) throw_error(404, "no dataset '" + id + "'");
  return *m.value();
}

std::string dataset_json_of(Studio& s, const DatasetManifest& m) {
  auto ratings = s.catalog().ratings(m.id);
  if (!ratings.ok()) throw_status(ratings.status(), 500);
  return dataset_json(m, ratings.value(), service::rank_score(m.quality_score, ratings.value()));
}

// The table named by ?table=, or the first one.
const service::DatasetTable& pick_table(const DatasetManifest& m, const httplib::Request& req,
                                        bool& first) {
  if (m.tables.empty()) throw_error(404, "dataset '" + m.id + "' has no tables");
  auto name = query(req, "table");
  for (size_t i = 0; i < m.tables.size(); ++i) {
    if (!name || m.tables[i].name == *name) {
      first = i == 0;
      return m.tables[i];
    }
  }
  std::string names;
  for (const auto& t : m.tables) {
    if (!names.empty()) names += ", ";
    names += t.name;
  }
  throw_error(404, "dataset '" + m.id + "' has no table '" + *name + "' (tables: " + names + ")");
}

std::string table_blob(const DatasetManifest& m, const service::DatasetTable& t) {
  return "datasets/" + m.id + "/" + t.name + ".jsonl";
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Reads a table's JSONL through a converter while the client takes it, so a large table is never
// held in memory.
struct Download {
  Studio* studio;
  std::string blob;
  uint64_t offset = 0;
  std::unique_ptr<service::FormatConverter> converter;
  httplib::DataSink* sink = nullptr;
};

}  // namespace

void get_datasets(Studio& s, const httplib::Request& req, httplib::Response& res) {
  uint64_t version = s.dataset_cache().version();
  if (auto cached = s.dataset_cache().get(req.target, version))
    return reply_json(res, 200, *cached);
  service::DatasetFilter filter;
  if (auto type = query(req, "type"); type && !type->empty()) {
    auto t = service::parse_data_type(*type);
    if (!t.ok()) throw_error(400, "query parameter type: " + t.status().message());
    filter.type = t.value();
  }
  if (auto model = query(req, "model"); model && !model->empty()) filter.model_id = *model;
  if (auto tag = query(req, "tag"); tag && !tag->empty()) filter.tag = *tag;
  if (auto q = query(req, "min_quality"); q && !q->empty()) {
    char* end = nullptr;
    double v = std::strtod(q->c_str(), &end);
    if (end != q->c_str() + q->size() || !(v >= 0 && v <= 1)) {
      throw_error(400,
                  "query parameter min_quality: expected a number in [0, 1] (got \"" + *q + "\")");
    }
    filter.min_quality = v;
  }
  std::string needle = lower(query(req, "q").value_or(""));
  auto entries = s.catalog().list(filter);
  if (!entries.ok()) throw_status(entries.status(), 500);
  std::string out = "{\"datasets\":[";
  bool any = false;
  for (const auto& e : entries.value()) {
    if (!needle.empty() && lower(e.manifest.name).find(needle) == std::string::npos) continue;
    if (any) out += ',';
    out += dataset_json(e.manifest, e.ratings, e.rank);
    any = true;
  }
  out += "]}";
  s.dataset_cache().put(req.target, version, out);
  reply_json(res, 200, out);
}

void get_dataset(Studio& s, const httplib::Request& req, httplib::Response& res) {
  uint64_t version = s.dataset_cache().version();
  std::string key = "dataset/" + req.matches[1].str();
  if (auto cached = s.dataset_cache().get(key, version)) return reply_json(res, 200, *cached);
  std::string body = dataset_json_of(s, load_manifest(s, req.matches[1]));
  s.dataset_cache().put(key, version, body);
  reply_json(res, 200, body);
}

void delete_dataset(Studio& s, const httplib::Request& req, httplib::Response& res) {
  Status st = s.delete_dataset(req.matches[1]);
  if (!st.ok()) throw_status(st);
  reply_no_content(res);
}

void get_dataset_rows(Studio& s, const httplib::Request& req, httplib::Response& res) {
  DatasetManifest m = load_manifest(s, req.matches[1]);
  bool first = false;
  const service::DatasetTable& table = pick_table(m, req, first);
  uint64_t offset = query_uint(req, "offset").value_or(0);
  uint64_t limit = query_uint(req, "limit").value_or(100);
  auto pager = service::RowPager::create(table.columns, offset, limit);
  if (!pager.ok()) throw_status(pager.status());
  std::string blob = table_blob(m, table);
  for (uint64_t at = 0; offset < table.rows;) {
    auto chunk = s.blobs().read(blob, at, kReadChunkBytes);
    if (!chunk.ok()) throw_status(chunk.status(), 500);
    if (chunk.value().empty()) break;
    at += chunk.value().size();
    auto more = pager.value().feed(chunk.value());
    if (!more.ok()) throw_status(more.status(), 500);
    if (!more.value()) break;
  }
  auto json = pager.value().finish_json(table.name, table.rows);
  if (!json.ok()) throw_status(json.status(), 500);
  reply_json(res, 200, json.value());
}

void get_dataset_download(Studio& s, const httplib::Request& req, httplib::Response& res) {
  DatasetManifest m = load_manifest(s, req.matches[1]);
  bool first = false;
  const service::DatasetTable& table = pick_table(m, req, first);
  auto format = service::parse_download_format(query(req, "format").value_or("jsonl"));
  if (!format.ok()) throw_error(400, "query parameter format: " + format.status().message());
  auto state = std::make_shared<Download>();
  state->studio = &s;
  state->blob = table_blob(m, table);
  auto converter = service::FormatConverter::create(
      format.value(), table.columns, [raw = state.get()](std::string_view bytes) {
        if (!raw->sink->write(bytes.data(), bytes.size())) {
          return Status::Error("the client closed the connection");
        }
        return Status::Ok();
      });
  if (!converter.ok()) throw_status(converter.status());
  state->converter = std::move(converter).value();
  std::string file = service::download_file_name(m.id, table.name, first, format.value());
  res.set_header("Content-Disposition", "attachment; filename=\"" + file + "\"");
  res.set_chunked_content_provider(std::string(service::download_content_type(format.value())),
                                   [state](size_t, httplib::DataSink& sink) {
                                     state->sink = &sink;
                                     auto chunk = state->studio->blobs().read(
                                         state->blob, state->offset, kReadChunkBytes);
                                     if (!chunk.ok()) return false;
                                     if (chunk.value().empty()) {
                                       if (!state->converter->finish().ok()) return false;
                                       sink.done();
                                       return true;
                                     }
                                     state->offset += chunk.value().size();
                                     return state->converter->feed(chunk.value()).ok();
                                   });
}

void put_dataset_rating(Studio& s, const httplib::Request& req, httplib::Response& res) {
  auto body = parse_json_body(req);
  refuse_unknown_fields(body, {"user", "stars"});
  std::string user = required_string(body, "user");
  auto stars = body.FindMember("stars");
  if (stars == body.MemberEnd() || !stars->value.IsInt() || stars->value.GetInt() < 1 ||
      stars->value.GetInt() > 5) {
    throw_error(400, "stars: expected a whole number from 1 to 5");
  }
  std::string id = req.matches[1];
  {
    std::lock_guard lock(s.write_mutex());
    load_manifest(s, id);
    Status st = s.catalog().rate(id, user, stars->value.GetInt(), Studio::now_ms());
    s.datasets_changed();
    if (!st.ok()) throw_status(st);
  }
  reply_json(res, 200, dataset_json_of(s, load_manifest(s, id)));
}

void get_dataset_rating(Studio& s, const httplib::Request& req, httplib::Response& res) {
  std::string id = req.matches[1];
  auto user = query(req, "user");
  if (!user || user->empty()) throw_error(400, "query parameter user: required");
  load_manifest(s, id);
  auto stars = s.catalog().rating_of(id, *user);
  if (!stars.ok()) throw_status(stars.status());
  reply_json(res, 200,
             stars.value() ? "{\"stars\":" + std::to_string(*stars.value()) + "}"
                           : std::string("{\"stars\":null}"));
}

void post_dataset_regenerate(Studio& s, const httplib::Request& req, httplib::Response& res) {
  auto job = s.regenerate(req.matches[1]);
  if (!job.ok()) throw_status(job.status());
  reply_json(res, 201, job_json(job.value()));
}

}  // namespace hyv::studio
