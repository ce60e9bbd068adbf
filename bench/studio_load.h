// A bounded load on a running Hyv Studio (`hyv serve`): `connections` clients, each on its own
// keep-alive connection, each sending `requests_per_connection` requests drawn from a seeded mix
// of reads (the dataset list, one dataset, the models, downloads of finished datasets, one job)
// and writes (small text and table jobs, cancels of jobs the client submitted). Then it waits for
// every submitted job to finish and checks that nothing was lost.
//
// An error is any request without a response, any status the API does not document for that
// request (reads: 200; submissions: 201 or 429 when the queue is full; cancels: 200 or 409 when
// the job had finished; any request: 503 when the client address holds too many connections), a
// download whose size differs from the dataset's recorded size, a job that does not reach a final
// state, fails, or ends other than cancelled after a cancel was accepted, and a succeeded job
// whose dataset cannot be downloaded whole (every table: its recorded size and row count).
//
// Shared by bench/studio_load.cpp (the figures in docs/benchmarks.md) and
// tests/server/server_load_test.cpp (a lighter run in `make test`), so both check the same things.
#pragma once

#include <httplib.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace hyv::bench {

struct LoadOptions {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string token;  // the server's --token, if any
  int connections = 64;
  int requests_per_connection = 200;
  uint64_t seed = 1;
  int seed_datasets = 4;       // finished before the load starts, so downloads have targets
  int finish_timeout_s = 300;  // for every submitted job to reach a final state
};

struct LoadReport {
  uint64_t requests = 0;                                    // in the load phase
  double seconds = 0;                                       // wall time of the load phase
  std::map<std::string, std::vector<uint64_t>> latency_us;  // by kind of request
  std::map<int, uint64_t> statuses;
  uint64_t busy_429 = 0, busy_503 = 0;
  uint64_t jobs_submitted = 0, cancels_accepted = 0, cancels_late = 0;
  uint64_t jobs_succeeded = 0, jobs_cancelled = 0;
  uint64_t datasets_checked = 0, bytes_checked = 0;
  uint64_t error_count = 0;
  std::vector<std::string> errors;  // the first few, for the report
};

namespace load_detail {

// splitmix64: a fixed, portable sequence per client, so a run's request mix is reproducible.
struct Rng {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  uint64_t below(uint64_t n) { return next() % n; }
};

struct Target {
  std::string dataset;
  std::string table;
  uint64_t size_bytes = 0;
};

inline const std::string kApi = "/api/v1";

inline std::string text_job(uint64_t seed) {
  return R"({"type":"text","name":"load","params":{"prompt":"The","samples":1,"max_tokens":4,"seed":")" +
         std::to_string(seed) + R"("}})";
}

inline std::string table_job(uint64_t seed) {
  return R"({"type":"table","name":"load","params":{"mode":"schema","rows":60,"seed":")" +
         std::to_string(seed) +
         R"(","schema":{"tables":[{"name":"people","columns":[{"name":"id","type":"id"},)"
         R"({"name":"name","type":"full_name"},{"name":"age","type":"integer","min":18,"max":90}]}]}}})";
}

class Run {
 public:
  explicit Run(const LoadOptions& o) : o_(o) {}

  LoadReport go() {
    {
      auto c = client();
      prepare(c);
    }
    auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    for (int i = 0; i < o_.connections; ++i) threads.emplace_back([this, i] { client_loop(i); });
    for (auto& t : threads) t.join();
    report_.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    auto c = client();
    verify(c);
    return std::move(report_);
  }

 private:
  httplib::Client client() const {
    httplib::Client c(o_.host, o_.port);
    c.set_keep_alive(true);
    c.set_connection_timeout(30);
    c.set_read_timeout(120);
    c.set_write_timeout(120);
    if (!o_.token.empty()) c.set_default_headers({{"Authorization", "Bearer " + o_.token}});
    return c;
  }

  void error(const std::string& what) {
    std::lock_guard lock(mu_);
    ++report_.error_count;
    if (report_.errors.size() < 20) report_.errors.push_back(what);
  }

  static bool parse(const std::string& body, rapidjson::Document& d) {
    d.Parse(body.c_str(), body.size());
    return !d.HasParseError() && d.IsObject();
  }

  // A request outside the load phase (set-up and checks): any failure is an error.
  bool call(httplib::Client& c, const std::string& method, const std::string& path,
            const std::string& body, int want, rapidjson::Document* json,
            std::string* raw = nullptr) {
    httplib::Result r = method == "GET" ? c.Get((kApi + path).c_str())
                                        : c.Post((kApi + path).c_str(), body, "application/json");
    if (!r) {
      error(method + " " + path + ": no response (" + httplib::to_string(r.error()) + ")");
      return false;
    }
    if (r->status != want) {
      error(method + " " + path + ": HTTP " + std::to_string(r->status) + ", expected " +
            std::to_string(want) + ": " + r->body.substr(0, 200));
      return false;
    }
    if (raw) *raw = r->body;
    if (json && !parse(r->body, *json)) {
      error(method + " " + path + ": the reply is not a JSON object");
      return false;
    }
    return true;
  }

  // The states of every job, by id.
  std::map<std::string, std::string> job_states(httplib::Client& c) {
    std::map<std::string, std::string> out;
    rapidjson::Document d;
    if (!call(c, "GET", "/jobs", "", 200, &d) || !d.HasMember("jobs")) return out;
    for (const auto& j : d["jobs"].GetArray()) out[j["id"].GetString()] = j["state"].GetString();
    return out;
  }

  // Waits until none of `ids` is queued or running; false after the timeout.
  bool wait_final(httplib::Client& c, const std::vector<std::string>& ids) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(o_.finish_timeout_s);
    for (;;) {
      auto states = job_states(c);
      bool active = false;
      for (const auto& id : ids) {
        const std::string& s = states[id];
        active = active || s == "queued" || s == "running";
      }
      if (!active) return true;
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  // Finished datasets for the downloads of the load phase.
  void prepare(httplib::Client& c) {
    std::vector<std::string> ids;
    for (int i = 0; i < o_.seed_datasets; ++i) {
      rapidjson::Document d;
      std::string body = i % 2 ? table_job(1000 + i) : text_job(1000 + i);
      if (call(c, "POST", "/jobs", body, 201, &d)) ids.push_back(d["id"].GetString());
    }
    if (!wait_final(c, ids)) error("the seed jobs did not finish");
    rapidjson::Document list;
    if (!call(c, "GET", "/datasets", "", 200, &list)) return;
    for (const auto& ds : list["datasets"].GetArray()) {
      for (const auto& t : ds["tables"].GetArray()) {
        targets_.push_back(
            {ds["manifest"]["id"].GetString(), t["name"].GetString(), t["size_bytes"].GetUint64()});
      }
    }
    if (targets_.empty()) error("no dataset to download after the seed jobs");
  }

  // One request of the load phase: its latency and status are recorded; 503 (the connection
  // limit) is allowed for every request. Returns the response when it came.
  httplib::Result timed(httplib::Client& c, const std::string& kind, const std::string& method,
                        const std::string& path, const std::string& body,
                        std::initializer_list<int> allowed) {
    auto t0 = std::chrono::steady_clock::now();
    httplib::Result r = method == "GET" ? c.Get((kApi + path).c_str())
                                        : c.Post((kApi + path).c_str(), body, "application/json");
    auto us =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0)
            .count();
    {
      std::lock_guard lock(mu_);
      ++report_.requests;
      report_.latency_us[kind].push_back(static_cast<uint64_t>(us));
      if (r) ++report_.statuses[r->status];
      if (r && r->status == 503) ++report_.busy_503;
    }
    if (!r) {
      error(method + " " + path + ": no response (" + httplib::to_string(r.error()) + ")");
    } else if (r->status != 503 &&
               std::find(allowed.begin(), allowed.end(), r->status) == allowed.end()) {
      error(method + " " + path + ": HTTP " + std::to_string(r->status) + ": " +
            r->body.substr(0, 200));
    }
    return r;
  }

  void client_loop(int index) {
    Rng rng{o_.seed * 1000003 + static_cast<uint64_t>(index)};
    auto c = client();
    std::vector<std::string> mine;  // jobs this client submitted
    for (int i = 0; i < o_.requests_per_connection; ++i) {
      uint64_t pick = rng.below(100);
      if (pick < 25) {
        timed(c, "GET /datasets", "GET", "/datasets", "", {200});
      } else if (pick < 40) {
        timed(c, "GET /models", "GET", "/models", "", {200});
      } else if (pick < 50 && !targets_.empty()) {
        const Target& t = targets_[rng.below(targets_.size())];
        timed(c, "GET /datasets/{id}", "GET", "/datasets/" + t.dataset, "", {200});
      } else if (pick < 70 && !targets_.empty()) {
        const Target& t = targets_[rng.below(targets_.size())];
        bool jsonl = rng.below(2) == 0;
        std::string path = "/datasets/" + t.dataset + "/download?table=" + t.table +
                           "&format=" + (jsonl ? "jsonl" : "csv");
        auto r = timed(c, "GET download", "GET", path, "", {200});
        // JSONL downloads are the stored file, byte for byte.
        if (r && r->status == 200 && jsonl && r->body.size() != t.size_bytes) {
          error("GET " + path + ": " + std::to_string(r->body.size()) + " bytes, recorded " +
                std::to_string(t.size_bytes));
        }
      } else if (pick < 76 && !mine.empty()) {
        timed(c, "GET /jobs/{id}", "GET", "/jobs/" + mine[rng.below(mine.size())], "", {200});
      } else if (pick < 90) {
        uint64_t seed = rng.next() % 1000000;
        std::string body = rng.below(2) ? table_job(seed) : text_job(seed);
        auto r = timed(c, "POST /jobs", "POST", "/jobs", body, {201, 429});
        if (r && r->status == 201) {
          rapidjson::Document d;
          if (parse(r->body, d) && d.HasMember("id")) {
            mine.push_back(d["id"].GetString());
            std::lock_guard lock(mu_);
            submitted_.push_back(mine.back());
            ++report_.jobs_submitted;
          } else {
            error("POST /jobs: 201 without a job id");
          }
        } else if (r && r->status == 429) {
          std::lock_guard lock(mu_);
          ++report_.busy_429;
        }
      } else if (!mine.empty()) {
        const std::string& id = mine[rng.below(mine.size())];
        auto r =
            timed(c, "POST /jobs/{id}/cancel", "POST", "/jobs/" + id + "/cancel", "", {200, 409});
        std::lock_guard lock(mu_);
        if (r && r->status == 200) {
          cancelled_.insert(id);
          ++report_.cancels_accepted;
        } else if (r && r->status == 409) {
          ++report_.cancels_late;
        }
      } else {
        timed(c, "GET /datasets", "GET", "/datasets", "", {200});
      }
    }
  }

  // Every submitted job reached a final state that fits what was asked of it, and every dataset
  // made comes back whole.
  void verify(httplib::Client& c) {
    if (!wait_final(c, submitted_)) error("some submitted jobs did not finish in time");
    for (const std::string& id : submitted_) {
      rapidjson::Document j;
      if (!call(c, "GET", "/jobs/" + id, "", 200, &j)) continue;
      std::string state = j["state"].GetString();
      if (cancelled_.count(id)) {
        if (state != "cancelled")
          error("job " + id + ": cancel accepted, but it ended " + state);
        else
          ++report_.jobs_cancelled;
        continue;
      }
      if (state == "cancelled") {
        error("job " + id + ": cancelled though no cancel was accepted");
        continue;
      }
      if (state != "succeeded") {
        std::string why = j["error"].IsString() ? j["error"].GetString() : "";
        error("job " + id + " ended " + state + ": " + why);
        continue;
      }
      ++report_.jobs_succeeded;
      if (!j["dataset_id"].IsString()) {
        error("job " + id + " succeeded without a dataset");
        continue;
      }
      std::string ds = j["dataset_id"].GetString();
      rapidjson::Document d;
      if (!call(c, "GET", "/datasets/" + ds, "", 200, &d)) continue;
      for (const auto& t : d["tables"].GetArray()) {
        std::string table = t["name"].GetString();
        std::string body;
        if (!call(c, "GET", "/datasets/" + ds + "/download?format=jsonl&table=" + table, "", 200,
                  nullptr, &body)) {
          continue;
        }
        uint64_t lines = static_cast<uint64_t>(std::count(body.begin(), body.end(), '\n'));
        if (body.size() != t["size_bytes"].GetUint64() || lines != t["rows"].GetUint64()) {
          error("dataset " + ds + " table " + table + ": " + std::to_string(body.size()) +
                " bytes and " + std::to_string(lines) + " rows downloaded, recorded " +
                std::to_string(t["size_bytes"].GetUint64()) + " and " +
                std::to_string(t["rows"].GetUint64()));
        }
        report_.bytes_checked += body.size();
      }
      ++report_.datasets_checked;
    }
  }

  const LoadOptions& o_;
  LoadReport report_;
  std::mutex mu_;
  std::vector<Target> targets_;  // written before the clients start, then only read
  std::vector<std::string> submitted_;
  std::set<std::string> cancelled_;
};

}  // namespace load_detail

inline LoadReport run_load(const LoadOptions& options) {
  return load_detail::Run(options).go();
}

// The p-th percentile (0..100) of some latencies, in milliseconds.
inline double percentile_ms(std::vector<uint64_t> us, double p) {
  if (us.empty()) return 0;
  std::sort(us.begin(), us.end());
  size_t at = static_cast<size_t>(p / 100.0 * static_cast<double>(us.size() - 1) + 0.5);
  return static_cast<double>(us[std::min(at, us.size() - 1)]) / 1000.0;
}

inline std::string format_report(const LoadOptions& o, const LoadReport& r) {
  std::string out;
  char line[256];
  std::vector<uint64_t> all;
  for (const auto& [kind, us] : r.latency_us) all.insert(all.end(), us.begin(), us.end());
  std::snprintf(line, sizeof line,
                "%d connections x %d requests (seed %llu): %llu requests in %.2f s = %.0f "
                "requests/s, p50 %.2f ms, p99 %.2f ms\n",
                o.connections, o.requests_per_connection, static_cast<unsigned long long>(o.seed),
                static_cast<unsigned long long>(r.requests), r.seconds,
                r.seconds > 0 ? static_cast<double>(r.requests) / r.seconds : 0.0,
                percentile_ms(all, 50), percentile_ms(all, 99));
  out += line;
  for (const auto& [kind, us] : r.latency_us) {
    std::snprintf(line, sizeof line, "  %-24s %7zu  p50 %8.2f ms  p99 %8.2f ms\n", kind.c_str(),
                  us.size(), percentile_ms(us, 50), percentile_ms(us, 99));
    out += line;
  }
  out += "  statuses:";
  for (const auto& [status, n] : r.statuses) {
    out += " " + std::to_string(status) + " x" + std::to_string(n);
  }
  std::snprintf(line, sizeof line,
                "\n  jobs: %llu submitted (%llu more refused 429), %llu cancels accepted (%llu "
                "late: 409), %llu cancelled, %llu succeeded; %llu datasets (%llu bytes) "
                "downloaded whole\n  errors: %llu\n",
                static_cast<unsigned long long>(r.jobs_submitted),
                static_cast<unsigned long long>(r.busy_429),
                static_cast<unsigned long long>(r.cancels_accepted),
                static_cast<unsigned long long>(r.cancels_late),
                static_cast<unsigned long long>(r.jobs_cancelled),
                static_cast<unsigned long long>(r.jobs_succeeded),
                static_cast<unsigned long long>(r.datasets_checked),
                static_cast<unsigned long long>(r.bytes_checked),
                static_cast<unsigned long long>(r.error_count));
  out += line;
  for (const auto& e : r.errors) out += "    " + e + "\n";
  return out;
}

}  // namespace hyv::bench
