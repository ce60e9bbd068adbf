// Datasets over HTTP: downloads in every format checked against the stored JSONL with our own
// CSV reader as the oracle, row pages, filters, ratings that change the rank order by the
// documented formula (docs/service.md), deletion, and many clients at once.
#include <cmath>
#include <map>

#include "hyv/service/ranking.h"
#include "studio_fixture.h"

namespace hyv::studio::testing {
namespace {

// RFC 4180 records: fields split at commas, quoted fields may hold commas, quotes ("") and line
// breaks; records end at CRLF.
std::vector<std::vector<std::string>> read_csv(const std::string& text) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false, any = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char ch = text[i];
    if (quoted) {
      if (ch == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (ch == '"') {
        quoted = false;
      } else {
        field += ch;
      }
    } else if (ch == '"') {
      quoted = true;
    } else if (ch == ',') {
      record.push_back(field);
      field.clear();
    } else if (ch == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      record.push_back(field);
      records.push_back(record);
      record.clear();
      field.clear();
      ++i;
    } else {
      field += ch;
    }
    any = true;
  }
  if (any && (!field.empty() || !record.empty())) {
    record.push_back(field);
    records.push_back(record);
  }
  return records;
}

// A JSONL cell as CSV writes it: strings as text, numbers as written, null empty.
std::string cell_text(const rapidjson::Value& v) {
  if (v.IsString()) return v.GetString();
  if (v.IsNull()) return "";
  if (v.IsBool()) return v.GetBool() ? "true" : "false";
  return to_json(v);
}

struct Table {
  std::vector<std::string> columns;
  std::vector<std::string> lines;  // JSONL
};

Table stored_table(httplib::Client& c, const std::string& ds) {
  auto d = get_json(c, "/datasets/" + ds);
  Table t;
  for (const auto& col : d["tables"][0]["columns"].GetArray()) t.columns.push_back(col.GetString());
  t.lines = lines_of(download(c, ds, "format=jsonl"));
  return t;
}

void expect_csv_matches(const std::string& csv, const Table& t) {
  auto records = read_csv(csv);
  ASSERT_EQ(records.size(), t.lines.size() + 1);
  EXPECT_EQ(records[0], t.columns);
  for (size_t i = 0; i < t.lines.size(); ++i) {
    rapidjson::Document row;
    // Numbers as their text, so the comparison is of the bytes the CSV holds.
    row.Parse<rapidjson::kParseNumbersAsStringsFlag>(t.lines[i].c_str());
    ASSERT_EQ(records[i + 1].size(), t.columns.size());
    for (size_t k = 0; k < t.columns.size(); ++k) {
      EXPECT_EQ(records[i + 1][k], cell_text(row[t.columns[k].c_str()]))
          << "row " << i << " column " << t.columns[k];
    }
  }
}

void expect_json_matches(const std::string& json, const Table& t) {
  auto array = parse(json);
  ASSERT_TRUE(array.IsArray());
  ASSERT_EQ(array.Size(), t.lines.size());
  for (size_t i = 0; i < t.lines.size(); ++i) EXPECT_TRUE(array[i] == parse(t.lines[i])) << i;
}

TEST(ServerDatasets, TextDownloadsInEveryFormat) {
  TestStudio t;
  auto c = t.client();
  std::string ds = run_job(
      c,
      R"({"type":"text","params":{"prompts":["He said \"hi\",", "A"],"samples":4,"max_tokens":20}})");
  Table table = stored_table(c, ds);
  ASSERT_EQ(table.lines.size(), 4u);
  EXPECT_EQ(table.columns, (std::vector<std::string>{"index", "prompt", "text"}));
  expect_csv_matches(download(c, ds, "format=csv"), table);
  expect_json_matches(download(c, ds, "format=json"), table);
  std::string txt;
  for (const auto& line : table.lines)
    txt += std::string(parse(line)["text"].GetString()) + "\n<|endoftext|>\n";
  EXPECT_EQ(download(c, ds, "format=txt"), txt);
  for (auto [format, type] :
       {std::pair{"csv", "text/csv; charset=utf-8"}, std::pair{"json", "application/json"},
        std::pair{"jsonl", "application/x-ndjson"},
        std::pair{"txt", "text/plain; charset=utf-8"}}) {
    auto r = c.Get((kApi + "/datasets/" + ds + "/download?format=" + format).c_str());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->get_header_value("Content-Type"), type);
    EXPECT_EQ(r->get_header_value("Content-Disposition"),
              "attachment; filename=\"" + ds + "." + format + "\"");
  }
  std::string m = expect_error(c.Get((kApi + "/datasets/" + ds + "/download?format=xlsx").c_str()),
                               400, "bad_request");
  EXPECT_NE(m.find("xlsx"), std::string::npos) << m;
}

TEST(ServerDatasets, TableDownloadsAndRowPages) {
  TestStudio t;
  auto c = t.client();
  std::string ds = run_job(
      c,
      R"({"type":"table","params":{"mode":"schema","rows":300,"seed":"11","schema":{"tables":[{"name":"people","columns":[{"name":"id","type":"id"},{"name":"name","type":"full_name"},{"name":"score","type":"float","min":0,"max":100,"decimals":3},{"name":"note","type":"categorical","values":["a,b","say \"x\"","line\nbreak"]},{"name":"maybe","type":"integer","min":1,"max":9,"null_rate":0.3}]}]}}})");
  Table table = stored_table(c, ds);
  ASSERT_EQ(table.lines.size(), 300u);
  expect_csv_matches(download(c, ds, "format=csv"), table);
  expect_json_matches(download(c, ds, "format=json"), table);
  expect_error(c.Get((kApi + "/datasets/" + ds + "/download?format=txt").c_str()), 400,
               "bad_request");
  auto page = get_json(c, "/datasets/" + ds + "/rows?offset=298&limit=5");
  EXPECT_EQ(page["total"].GetInt(), 300);
  EXPECT_EQ(page["offset"].GetInt(), 298);
  EXPECT_EQ(std::string(page["table"].GetString()), "people");
  ASSERT_EQ(page["rows"].Size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    auto row = parse(table.lines[298 + i]);
    for (size_t k = 0; k < table.columns.size(); ++k) {
      EXPECT_TRUE(page["rows"][i][k] == row[table.columns[k].c_str()]) << k;
    }
  }
  EXPECT_EQ(get_json(c, "/datasets/" + ds + "/rows")["rows"].Size(), 100u);
  EXPECT_EQ(get_json(c, "/datasets/" + ds + "/rows?limit=100000")["rows"].Size(), 300u);
  expect_error(c.Get((kApi + "/datasets/" + ds + "/rows?limit=100001").c_str()), 400,
               "bad_request");
  std::string m = expect_error(c.Get((kApi + "/datasets/" + ds + "/rows?offset=-1").c_str()), 400,
                               "bad_request");
  EXPECT_NE(m.find("offset"), std::string::npos) << m;
}

double expected_rank(const rapidjson::Value& dataset, const std::vector<int>& stars) {
  const auto& q = dataset["manifest"]["quality"];
  double quality = q.IsObject() ? q["score"].GetDouble() : service::kNeutralQuality;
  double sum = 0;
  for (int s : stars) sum += (s - 1) / 4.0;
  return (service::kPriorWeight * quality + sum) / (service::kPriorWeight + stars.size());
}

std::vector<std::string> library_order(httplib::Client& c) {
  std::vector<std::string> ids;
  auto list = get_json(c, "/datasets");
  for (const auto& d : list["datasets"].GetArray()) {
    ids.push_back(d["manifest"]["id"].GetString());
  }
  return ids;
}

rapidjson::Document rate(httplib::Client& c, const std::string& ds, const std::string& user,
                         int stars) {
  return expect_json(c.Put((kApi + "/datasets/" + ds + "/rating").c_str(),
                           R"({"user":")" + user + R"(","stars":)" + std::to_string(stars) + "}",
                           "application/json"),
                     200);
}

TEST(ServerDatasets, RatingsChangeTheRankOrder) {
  TestStudio t;
  auto c = t.client();
  std::string a = run_job(
      c,
      R"({"type":"text","name":"Alpha","params":{"prompt":"The","samples":3,"max_tokens":12,"seed":"1"}})");
  std::string b = run_job(
      c,
      R"({"type":"text","name":"Beta","params":{"prompt":"A","samples":3,"max_tokens":12,"seed":"2"}})");
  auto order = library_order(c);
  ASSERT_EQ(order.size(), 2u);
  std::string first = order[0], second = order[1];
  // Low stars for the leader and high ones for the other turn the order around.
  for (const char* user : {"u1", "u2", "u3"}) {
    rate(c, first, user, 1);
    rate(c, second, user, 5);
  }
  EXPECT_EQ(library_order(c), (std::vector<std::string>{second, first}));
  auto d = rate(c, first, "u1", 2);  // re-rating replaces
  EXPECT_EQ(d["ratings"]["count"].GetInt(), 3);
  EXPECT_NEAR(d["ratings"]["mean"].GetDouble(), 4.0 / 3.0, 1e-12);
  EXPECT_NEAR(d["rank"].GetDouble(), expected_rank(d, {2, 1, 1}), 1e-12);
  auto other = get_json(c, "/datasets/" + second);
  EXPECT_NEAR(other["rank"].GetDouble(), expected_rank(other, {5, 5, 5}), 1e-12);
  EXPECT_EQ(get_json(c, "/datasets/" + first + "/rating?user=u1")["stars"].GetInt(), 2);
  EXPECT_TRUE(get_json(c, "/datasets/" + first + "/rating?user=nobody")["stars"].IsNull());
  expect_error(c.Get((kApi + "/datasets/" + first + "/rating").c_str()), 400, "bad_request");
  for (const char* body :
       {R"({"user":"u9","stars":0})", R"({"user":"u9","stars":6})", R"({"user":"u9","stars":"5"})",
        R"({"stars":3})", R"({"user":"u/9","stars":3})"}) {
    std::string m = expect_error(
        c.Put((kApi + "/datasets/" + first + "/rating").c_str(), body, "application/json"), 400,
        "bad_request");
    EXPECT_FALSE(m.empty()) << body;
  }
  expect_error(c.Put((kApi + "/datasets/nope/rating").c_str(), R"({"user":"u1","stars":3})",
                     "application/json"),
               404, "not_found");
  // Unrated datasets show a null mean.
  std::string fresh = run_job(c, R"({"type":"text","params":{"samples":1,"max_tokens":4}})");
  EXPECT_TRUE(get_json(c, "/datasets/" + fresh)["ratings"]["mean"].IsNull());
}

TEST(ServerDatasets, FiltersAndDeletion) {
  TestStudio t;
  auto c = t.client();
  std::string text = run_job(
      c,
      R"({"type":"text","name":"Morning notes","tags":["notes"],"params":{"samples":1,"max_tokens":4}})");
  std::string code =
      run_job(c, R"({"type":"code","name":"Evening code","params":{"samples":1,"max_tokens":4}})");
  auto ids = [&](const std::string& query) {
    std::vector<std::string> out;
    auto list = get_json(c, "/datasets?" + query);
    for (const auto& d : list["datasets"].GetArray()) {
      out.push_back(d["manifest"]["id"].GetString());
    }
    return out;
  };
  EXPECT_EQ(ids("type=text"), std::vector<std::string>{text});
  EXPECT_EQ(ids("type=code"), std::vector<std::string>{code});
  EXPECT_TRUE(ids("type=table").empty());
  EXPECT_EQ(ids("model=code-small"), std::vector<std::string>{code});
  EXPECT_EQ(ids("tag=notes"), std::vector<std::string>{text});
  EXPECT_EQ(ids("q=EVENING"), std::vector<std::string>{code});
  EXPECT_EQ(ids("q=e&type=text"), std::vector<std::string>{text});
  expect_error(c.Get((kApi + "/datasets?min_quality=2").c_str()), 400, "bad_request");
  expect_error(c.Get((kApi + "/datasets?type=video").c_str()), 400, "bad_request");
  auto r = c.Delete((kApi + "/datasets/" + text).c_str());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 204);
  expect_error(c.Get((kApi + "/datasets/" + text).c_str()), 404, "not_found");
  expect_error(c.Delete((kApi + "/datasets/" + text).c_str()), 404, "not_found");
  EXPECT_FALSE(fs::exists(t.dir() / "data/datasets" / text));
  EXPECT_TRUE(fs::exists(t.dir() / "data/datasets" / code / "samples.jsonl"));
}

TEST(ServerDatasets, ManyClientsAtOnce) {
  TestStudio t;
  auto c = t.client();
  std::string ds = run_job(c, R"({"type":"text","params":{"samples":2,"max_tokens":8}})");
  constexpr int kThreads = 12, kRounds = 20;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      auto tc = t.client();
      for (int r = 0; r < kRounds; ++r) {
        auto list = tc.Get((kApi + "/datasets").c_str());
        auto one = tc.Get((kApi + "/datasets/" + ds).c_str());
        auto rows = tc.Get((kApi + "/datasets/" + ds + "/rows").c_str());
        auto rated = tc.Put((kApi + "/datasets/" + ds + "/rating").c_str(),
                            R"({"user":"t)" + std::to_string(i) + "-" + std::to_string(r) +
                                R"(","stars":)" + std::to_string(1 + (i + r) % 5) + "}",
                            "application/json");
        for (const auto* res : {&list, &one, &rows, &rated}) {
          if (!*res || (*res)->status != 200) ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(get_json(c, "/datasets/" + ds)["ratings"]["count"].GetInt(), kThreads * kRounds);
}

}  // namespace
}  // namespace hyv::studio::testing
