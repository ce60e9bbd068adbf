// /jobs: submit, list, get, cancel, retry, and the Server-Sent Events stream of one job.
#include <chrono>
#include <memory>

#include "studio/api_handlers.h"
#include "studio/api_request.h"

namespace hyv::studio {
namespace {

// A comment line every so often lets a dead client's socket error end its stream.
constexpr std::chrono::seconds kHeartbeat(10);

std::string jobs_json(const std::vector<JobRecord>& jobs) {
  std::string out = "{\"jobs\":[";
  for (size_t i = 0; i < jobs.size(); ++i) {
    if (i) out += ',';
    out += job_json(jobs[i]);
  }
  return out + "]}";
}

std::string sse_event(const Event& e) {
  return "event: " + e.name + "\ndata: " + e.data + "\n\n";
}

// One open event stream: the job's state when it opened, then what the hub delivers.
struct EventStream {
  std::unique_ptr<Subscription> sub;
  std::string first;  // the opening `job` event, sent on the first call
  bool first_is_last = false;
  bool ended = false;
};

}  // namespace

void post_job(Studio& s, const httplib::Request& req, httplib::Response& res) {
  auto body = parse_json_body(req);
  refuse_unknown_fields(body, {"type", "name", "tags", "params"});
  JobRequest r;
  auto type = service::parse_data_type(required_string(body, "type"));
  if (!type.ok()) throw_error(400, "type: " + type.status().message());
  r.type = type.value();
  r.name = optional_string(body, "name").value_or("");
  r.tags = optional_string_array(body, "tags");
  if (body.HasMember("params") && !body["params"].IsObject()) {
    throw_error(400, "params: expected an object");
  }
  r.params_json = member_json(body, "params", "{}");
  auto job = s.submit(r);
  if (!job.ok()) throw_status(job.status());
  reply_json(res, 201, job_json(job.value()));
}

void get_jobs(Studio& s, const httplib::Request&, httplib::Response& res) {
  auto jobs = s.jobs_newest_first();
  if (!jobs.ok()) throw_status(jobs.status(), 500);
  reply_json(res, 200, jobs_json(jobs.value()));
}

void get_job(Studio& s, const httplib::Request& req, httplib::Response& res) {
  auto job = s.job(req.matches[1]);
  if (!job.ok()) throw_status(job.status());
  reply_json(res, 200, job_json(job.value()));
}

void post_job_cancel(Studio& s, const httplib::Request& req, httplib::Response& res) {
  auto job = s.cancel(req.matches[1]);
  if (!job.ok()) throw_status(job.status());
  reply_json(res, 200, job_json(job.value()));
}

void post_job_retry(Studio& s, const httplib::Request& req, httplib::Response& res) {
  auto job = s.retry(req.matches[1]);
  if (!job.ok()) throw_status(job.status());
  reply_json(res, 200, job_json(job.value()));
}

void get_job_events(Studio& s, const httplib::Request& req, httplib::Response& res) {
  auto stream = std::make_shared<EventStream>();
  // Subscribe before reading the state, so nothing published in between is missed.
  stream->sub = s.events().subscribe(req.matches[1]);
  auto job = s.job(req.matches[1]);
  if (!job.ok()) throw_status(job.status());
  stream->first = sse_event({"job", job_json(job.value())});
  stream->first_is_last = !service::is_active(job.value().job.state);
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Accel-Buffering", "no");
  res.set_chunked_content_provider("text/event-stream", [stream](size_t, httplib::DataSink& sink) {
    auto end = [&] {
      stream->ended = true;
      sink.done();
      return true;
    };
    if (stream->ended) return false;
    if (!stream->first.empty()) {
      std::string first = std::move(stream->first);
      stream->first.clear();
      if (!sink.write(first.data(), first.size())) return false;
      return stream->first_is_last ? end() : true;
    }
    std::vector<Event> events = stream->sub->wait(kHeartbeat);
    if (events.empty()) {
      if (stream->sub->closed()) return end();
      static const std::string ping = ": ping\n\n";
      return sink.write(ping.data(), ping.size());
    }
    std::string out;
    bool last = false;
    for (const Event& e : events) {
      out += sse_event(e);
      if (e.last) {
        last = true;
        break;
      }
    }
    if (!sink.write(out.data(), out.size())) return false;
    return last ? end() : true;
  });
}

}  // namespace hyv::studio
