// Jobs over HTTP against a real `hyv serve` (in-process, loopback): text, code and table jobs run
// to datasets, their event streams deliver the job, tokens and progress in order and end, cancel
// and retry follow the job state machine, the queue limit answers 429, and regenerating a
// dataset gives the same bytes.
#include <set>

#include "studio_fixture.h"

namespace hyv::studio::testing {
namespace {

constexpr const char* kSmallText =
    R"({"type":"text","name":"Small text","tags":["demo"],"params":{"prompt":"The","samples":3,"max_tokens":12,"seed":"42"}})";

TEST(ServerJobs, TextJobMakesADatasetWithEverySample) {
  TestStudio t;
  auto c = t.client();
  std::string job_id = submit(c, kSmallText);
  auto job = wait_job(c, job_id);
  ASSERT_EQ(std::string(job["state"].GetString()), "succeeded") << to_json(job);
  EXPECT_EQ(std::string(job["name"].GetString()), "Small text");
  EXPECT_EQ(job["attempts"].GetInt(), 1);
  EXPECT_EQ(job["progress"]["items_done"].GetInt(), 3);
  EXPECT_EQ(job["progress"]["items_total"].GetInt(), 3);
  EXPECT_GT(job["progress"]["tokens_done"].GetInt(), 0);
  std::string ds = job["dataset_id"].GetString();
  auto d = get_json(c, "/datasets/" + ds);
  const auto& m = d["manifest"];
  EXPECT_EQ(std::string(m["type"].GetString()), "text");
  EXPECT_EQ(std::string(m["model"]["id"].GetString()), "text-small");
  EXPECT_EQ(std::string(m["seed"].GetString()), "42");
  EXPECT_EQ(m["item_count"].GetInt(), 3);
  EXPECT_EQ(std::string(m["tags"][0].GetString()), "demo");
  ASSERT_EQ(d["tables"].Size(), 1u);
  EXPECT_EQ(std::string(d["tables"][0]["name"].GetString()), "samples");
  EXPECT_EQ(d["tables"][0]["rows"].GetInt(), 3);
  // Every sample starts with its prompt, and the files on disk are where the design says.
  auto jsonl = download(c, ds, "format=jsonl");
  auto lines = lines_of(jsonl);
  ASSERT_EQ(lines.size(), 3u);
  for (size_t i = 0; i < lines.size(); ++i) {
    auto row = parse(lines[i]);
    EXPECT_EQ(row["index"].GetInt(), static_cast<int>(i));
    EXPECT_EQ(std::string(row["text"].GetString()).rfind("The", 0), 0u);
  }
  EXPECT_EQ(read_file_bytes((t.dir() / "data/datasets" / ds / "samples.jsonl").string()), jsonl);
  EXPECT_TRUE(fs::is_empty(t.dir() / "data/tmp"));
}

TEST(ServerJobs, CodeJobUsesTheCodeModel) {
  TestStudio t;
  auto c = t.client();
  std::string ds = run_job(
      c, R"({"type":"code","params":{"prompt":"def add(a, b):","samples":2,"max_tokens":16}})");
  auto d = get_json(c, "/datasets/" + ds);
  EXPECT_EQ(std::string(d["manifest"]["model"]["id"].GetString()), "code-small");
  EXPECT_EQ(std::string(d["manifest"]["type"].GetString()), "code");
  // The server drew a seed and the manifest records it, in canonical params too.
  std::string seed = d["manifest"]["seed"].GetString();
  EXPECT_FALSE(seed.empty());
  EXPECT_EQ(std::string(d["manifest"]["params"]["seed"].GetString()), seed);
  EXPECT_EQ(d["manifest"]["params"]["max_tokens"].GetInt(), 16);
  auto txt = download(c, ds, "format=txt");
  size_t ends = 0;
  for (const auto& line : lines_of(txt)) ends += line == "<|endoftext|>";
  EXPECT_EQ(ends, 2u);
}

TEST(ServerJobs, SchemaTableJobMakesEveryTable) {
  TestStudio t;
  auto c = t.client();
  std::string schema = read_file_bytes(source_path("examples/shop.json"));
  std::string ds =
      run_job(c, R"({"type":"table","params":{"mode":"schema","rows":20,"seed":"7","schema":)" +
                     schema + "}}");
  auto d = get_json(c, "/datasets/" + ds);
  std::set<std::string> tables;
  for (const auto& tb : d["tables"].GetArray()) tables.insert(tb["name"].GetString());
  EXPECT_TRUE(tables.count("products") && tables.count("customers") && tables.count("orders") &&
              tables.count("order_lines"))
      << to_json(d["tables"]);
  ASSERT_TRUE(d["manifest"]["quality"].IsObject());
  EXPECT_TRUE(d["manifest"]["quality"]["report"].HasMember("charts"));
  // A table other than the first is picked with table=, and its file name says which.
  auto r = c.Get((kApi + "/datasets/" + ds + "/download?format=csv&table=orders").c_str());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Disposition"),
            "attachment; filename=\"" + ds + "-orders.csv\"");
  EXPECT_EQ(lines_of(r->body)[0].rfind("order_id,customer_id,ordered", 0), 0u)
      << r->body.substr(0, 200);
  auto missing = c.Get((kApi + "/datasets/" + ds + "/rows?table=nope").c_str());
  EXPECT_NE(expect_error(missing, 404, "not_found").find("orders"), std::string::npos);
}

// generated_text columns work through POST /api/jobs as in `hyv generate table`: "text" is the
// studio's default text model.
TEST(ServerJobs, SchemaTableJobFillsTextColumnsWithTheDefaultModel) {
  TestStudio t;
  auto c = t.client();
  std::string ds = run_job(
      c, R"({"type":"table","params":{"mode":"schema","rows":6,"seed":"3","schema":{"tables":[)"
         R"({"name":"notes","columns":[{"name":"id","type":"id"},{"name":"note",)"
         R"("type":"generated_text","model":"text","prompt":"Note:","max_tokens":5}]}]}}})");
  ASSERT_FALSE(ds.empty());
  std::vector<std::string> lines = lines_of(download(c, ds, "format=jsonl"));
  ASSERT_EQ(lines.size(), 6u);
  rapidjson::Document row;
  row.Parse(lines[0].c_str());
  ASSERT_TRUE(row.IsObject() && row["note"].IsString()) << lines[0];
  EXPECT_GT(row["note"].GetStringLength(), 0u) << lines[0];
  std::string m = expect_error(
      post_json(c, "/jobs",
                R"({"type":"table","params":{"mode":"schema","rows":1,"schema":{"tables":[)"
                R"({"name":"n","columns":[{"name":"t","type":"generated_text","model":"nope",)"
                R"("prompt":"x"}]}]}}})"),
      400, "bad_request");
  EXPECT_EQ(m,
            "params.schema: tables[0].columns[0].model: no model 'nope' (GET /api/v1/models "
            "lists them)")
      << "refused at submission, like a text job's model";
}

TEST(ServerJobs, LearnedTableJobReportsQualityAgainstTheSample) {
  TestStudio t;
  auto c = t.client();
  std::string csv = "age,city,income\\n";
  for (int i = 0; i < 60; ++i) {
    csv += std::to_string(20 + i % 40) + "," + (i % 3 ? "Oslo" : "Lima") + "," +
           std::to_string(1000 + 37 * i) + "\\n";
  }
  std::string ds = run_job(
      c, R"({"type":"table","params":{"mode":"learned","rows":200,"seed":"3","sample_csv":")" +
             csv + "\"}}");
  auto d = get_json(c, "/datasets/" + ds);
  EXPECT_EQ(std::string(d["tables"][0]["name"].GetString()), "data");
  EXPECT_EQ(d["tables"][0]["rows"].GetInt(), 200);
  const auto& q = d["manifest"]["quality"];
  ASSERT_TRUE(q.IsObject());
  EXPECT_GE(q["score"].GetDouble(), 0.0);
  EXPECT_LE(q["score"].GetDouble(), 1.0);
  EXPECT_TRUE(q["report"]["charts"]["columns"].IsArray());
}

TEST(ServerJobs, EventsArriveInOrderAndTheStreamEnds) {
  TestStudio t({.start_workers = false});
  auto c = t.client();
  std::string id = submit(
      c,
      R"({"type":"text","params":{"prompts":["Once","The"],"samples":2,"max_tokens":24,"seed":"5"}})");
  std::string body;
  std::thread reader([&] {
    auto sc = t.client();
    auto r = sc.Get((kApi + "/jobs/" + id + "/events").c_str(), [&](const char* data, size_t n) {
      body.append(data, n);
      return true;
    });
    EXPECT_TRUE(r) << "the stream did not end cleanly";
  });
  // Start generating only once the stream is open, so it sees the whole run.
  while (t.studio().events().subscribers() == 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  t.start_workers();
  reader.join();
  auto events = parse_sse(body);
  ASSERT_GE(events.size(), 4u) << body;
  EXPECT_EQ(events.front().name, "job");
  EXPECT_EQ(std::string(parse(events.front().data)["state"].GetString()), "queued");
  EXPECT_EQ(events.back().name, "job");
  auto last = parse(events.back().data);
  ASSERT_EQ(std::string(last["state"].GetString()), "succeeded");
  // Tokens of each sample, concatenated, are the sample's text; progress never goes back.
  std::vector<std::string> texts(2);
  uint64_t tokens = 0, items = 0;
  std::vector<std::string> states;
  for (const auto& e : events) {
    auto d = parse(e.data);
    if (e.name == "token") texts.at(d["item"].GetUint64()) += d["text"].GetString();
    if (e.name == "progress") {
      EXPECT_GE(d["tokens_done"].GetUint64(), tokens);
      EXPECT_GE(d["items_done"].GetUint64(), items);
      tokens = d["tokens_done"].GetUint64();
      items = d["items_done"].GetUint64();
    }
    if (e.name == "job") states.push_back(d["state"].GetString());
  }
  EXPECT_EQ(states, (std::vector<std::string>{"queued", "running", "succeeded"}));
  EXPECT_EQ(items, 2u);
  auto jsonl = lines_of(download(c, last["dataset_id"].GetString(), "format=jsonl"));
  ASSERT_EQ(jsonl.size(), 2u);
  for (size_t i = 0; i < 2; ++i) EXPECT_EQ(texts[i], parse(jsonl[i])["text"].GetString());
  // A stopped job's stream is one event, then the end.
  auto again = c.Get((kApi + "/jobs/" + id + "/events").c_str());
  ASSERT_TRUE(again);
  auto one = parse_sse(again->body);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(std::string(parse(one[0].data)["state"].GetString()), "succeeded");
  EXPECT_EQ(again->get_header_value("Content-Type"), "text/event-stream");
}

TEST(ServerJobs, CancelStopsARunningJobAndRetryRunsItAgain) {
  TestStudio t;
  auto c = t.client();
  std::string id = submit(
      c, R"({"type":"text","params":{"prompt":"The","samples":12,"max_tokens":100,"seed":"9"}})");
  for (int i = 0; i < 2000; ++i) {
    auto j = get_json(c, "/jobs/" + id);
    if (std::string(j["state"].GetString()) == "running" &&
        j["progress"]["tokens_done"].GetInt() > 0)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  auto cancelled =
      expect_json(c.Post((kApi + "/jobs/" + id + "/cancel").c_str(), "", "application/json"), 200);
  EXPECT_EQ(std::string(cancelled["state"].GetString()), "cancelled");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto j = get_json(c, "/jobs/" + id);
  EXPECT_EQ(std::string(j["state"].GetString()), "cancelled");
  EXPECT_TRUE(j["dataset_id"].IsNull());
  EXPECT_EQ(get_json(c, "/datasets")["datasets"].Size(), 0u);
  EXPECT_TRUE(fs::is_empty(t.dir() / "data/tmp")) << "a cancelled run leaves no temp files";
  // Cancelling again is a conflict; an unknown job is not found.
  expect_error(c.Post((kApi + "/jobs/" + id + "/cancel").c_str(), "", "application/json"), 409,
               "conflict");
  expect_error(c.Post((kApi + "/jobs/nope/cancel").c_str(), "", "application/json"), 404,
               "not_found");
  auto retried =
      expect_json(c.Post((kApi + "/jobs/" + id + "/retry").c_str(), "", "application/json"), 200);
  EXPECT_EQ(std::string(retried["state"].GetString()), "queued");
  // The same params run to the end this time.
  auto done = wait_job(c, id);
  EXPECT_EQ(std::string(done["state"].GetString()), "succeeded") << to_json(done);
  EXPECT_EQ(done["attempts"].GetInt(), 2);
  expect_error(c.Post((kApi + "/jobs/" + id + "/retry").c_str(), "", "application/json"), 409,
               "conflict");
}

TEST(ServerJobs, RegenerateGivesIdenticalBytes) {
  TestStudio t;
  auto c = t.client();
  std::string text_ds =
      run_job(c, R"({"type":"text","params":{"prompt":"A","samples":2,"max_tokens":10}})");
  std::string table_ds = run_job(
      c,
      R"({"type":"table","params":{"mode":"schema","rows":50,"schema":{"tables":[{"name":"t","columns":[{"name":"id","type":"id"},{"name":"x","type":"float","min":0,"max":1}]}]}}})");
  for (const std::string& ds : {text_ds, table_ds}) {
    auto job = expect_json(
        c.Post((kApi + "/datasets/" + ds + "/regenerate").c_str(), "", "application/json"), 201);
    auto done = wait_job(c, job["id"].GetString());
    ASSERT_EQ(std::string(done["state"].GetString()), "succeeded");
    std::string again = done["dataset_id"].GetString();
    EXPECT_NE(again, ds);
    EXPECT_EQ(download(c, again, "format=jsonl"), download(c, ds, "format=jsonl"));
  }
}

TEST(ServerJobs, QueueLimitAnswersBusy) {
  TestStudio t({.start_workers = false});
  auto c = t.client();
  for (size_t i = 0; i < kMaxQueuedJobs; ++i) submit(c, kSmallText);
  std::string message = expect_error(post_json(c, "/jobs", kSmallText), 429, "busy");
  EXPECT_NE(message.find("queued"), std::string::npos);
  auto jobs = get_json(c, "/jobs");
  ASSERT_EQ(jobs["jobs"].Size(), kMaxQueuedJobs);
  // Newest first.
  EXPECT_GE(jobs["jobs"][0]["created_at_ms"].GetInt64(),
            jobs["jobs"][kMaxQueuedJobs - 1]["created_at_ms"].GetInt64());
}

TEST(ServerJobs, BadParamsAreRefusedAtSubmission) {
  TestStudio t;
  auto c = t.client();
  std::string m = expect_error(
      post_json(c, "/jobs", R"({"type":"text","params":{"temperature":3}})"), 400, "bad_request");
  EXPECT_NE(m.find("temperature"), std::string::npos) << m;
  m = expect_error(post_json(c, "/jobs", R"({"type":"code","params":{"max_tokens":4097}})"), 400,
                   "bad_request");
  EXPECT_EQ(m, "params.max_tokens must be 1..4096 (got 4097)");
  m = expect_error(post_json(c, "/jobs", R"({"type":"text","params":{"model":"nope"}})"), 400,
                   "bad_request");
  EXPECT_NE(m.find("params.model"), std::string::npos) << m;
  m = expect_error(post_json(c, "/jobs", R"({"type":"video"})"), 400, "bad_request");
  EXPECT_NE(m.find("type"), std::string::npos) << m;
  m = expect_error(post_json(c, "/jobs", R"({"type":"text","colour":"red"})"), 400, "bad_request");
  EXPECT_NE(m.find("colour"), std::string::npos) << m;
  m = expect_error(post_json(c, "/jobs", R"({"type":"text","params":[]})"), 400, "bad_request");
  EXPECT_NE(m.find("params"), std::string::npos) << m;
  EXPECT_EQ(get_json(c, "/jobs")["jobs"].Size(), 0u);
}

}  // namespace
}  // namespace hyv::studio::testing
