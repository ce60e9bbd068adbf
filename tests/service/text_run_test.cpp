// Text and code runs on real models: the tiny test GPT-2 and the bundled text-small.
#include <rapidjson/document.h>

#include <thread>

#include "hyv/engine/session.h"
#include "hyv/service/generation_params.h"
#include "run_test_util.h"

namespace hyv::service {
namespace {

using testing::load_repo_model;
using testing::run_to_end;
using testing::single_model;

std::shared_ptr<const engine::LoadedModel> tiny() {
  static auto model = load_repo_model("tests/fixtures/tiny-gpt2");
  return model;
}

std::vector<rapidjson::Document> parse_lines(const std::string& jsonl) {
  std::vector<rapidjson::Document> rows;
  size_t start = 0;
  while (start < jsonl.size()) {
    size_t end = jsonl.find('\n', start);
    EXPECT_NE(end, std::string::npos) << "every row ends with a newline";
    if (end == std::string::npos) break;
    rows.emplace_back();
    rows.back().Parse(jsonl.data() + start, end - start);
    EXPECT_FALSE(rows.back().HasParseError());
    start = end + 1;
  }
  return rows;
}

// Hands tasks to real threads, so the test sees whether results depend on them.
class ThreadRunner final : public TaskRunner {
 public:
  int concurrency() const override { return 3; }
  void run(int n, const std::function<void(int)>& fn) override {
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i) threads.emplace_back(fn, i);
    for (auto& t : threads) t.join();
  }
};

const char* kParams = R"({"prompt":"Hello","samples":2,"max_tokens":8,"seed":"5"})";

TEST(TextRun, TwoSamplesOnTinyGpt2) {
  auto out = run_to_end(DataType::kText, kParams, single_model(tiny(), "tiny"), 3);
  ASSERT_TRUE(out->run && out->run->done());
  ASSERT_EQ(out->tables.order, std::vector<std::string>{"samples"});
  const std::string& bytes = out->tables.bytes["samples"];
  auto rows = parse_lines(bytes);
  ASSERT_EQ(rows.size(), 2u);
  for (size_t i = 0; i < rows.size(); ++i) {
    ASSERT_TRUE(rows[i].IsObject());
    auto it = rows[i].MemberBegin();
    EXPECT_STREQ(it->name.GetString(), "index");
    EXPECT_EQ(it->value.GetInt64(), static_cast<int64_t>(i));
    EXPECT_STREQ((++it)->name.GetString(), "prompt");
    EXPECT_STREQ(it->value.GetString(), "Hello");
    EXPECT_STREQ((++it)->name.GetString(), "text");
    EXPECT_EQ(std::string(it->value.GetString()).rfind("Hello", 0), 0u);
  }
  const GenerationRun& run = *out->run;
  EXPECT_EQ(run.item_count(), 2u);
  EXPECT_EQ(run.size_bytes(), bytes.size());
  ASSERT_EQ(run.tables().size(), 1u);
  EXPECT_EQ(run.tables()[0].rows, 2u);
  EXPECT_EQ(run.tables()[0].size_bytes, bytes.size());
  EXPECT_EQ(run.tables()[0].columns, (std::vector<std::string>{"index", "prompt", "text"}));
  RunProgress last = run.progress();
  EXPECT_EQ(last.items_done, 2u);
  EXPECT_EQ(last.items_total, 2u);
  EXPECT_GT(last.tokens_done, 0u);
  EXPECT_LE(last.tokens_done, 16u);
  ASSERT_TRUE(run.quality_score().has_value());
  EXPECT_GE(*run.quality_score(), 0.0);
  EXPECT_LE(*run.quality_score(), 1.0);
  rapidjson::Document report;
  report.Parse(run.quality_report_json().c_str());
  ASSERT_TRUE(report.IsObject());
  EXPECT_EQ(report["samples"].GetInt(), 2);
  EXPECT_DOUBLE_EQ(report["score"].GetDouble(), *run.quality_score());
}

TEST(TextRun, StreamedPiecesAddUpToEachSample) {
  auto out = run_to_end(DataType::kText, kParams, single_model(tiny(), "tiny"), 2);
  ASSERT_TRUE(out->run);
  std::vector<std::string> streamed(2);
  uint64_t previous_tokens = 0;
  for (const RunProgress& p : out->steps) {
    EXPECT_LE(p.tokens_done - previous_tokens, 2u) << "a step does at most its budget";
    previous_tokens = p.tokens_done;
    for (const TextPiece& piece : p.pieces) streamed.at(piece.item) += piece.text;
  }
  auto rows = parse_lines(out->tables.bytes["samples"]);
  ASSERT_EQ(rows.size(), 2u);
  for (size_t i = 0; i < 2; ++i) EXPECT_EQ(streamed[i], rows[i]["text"].GetString());
}

TEST(TextRun, BytesDoNotDependOnStepSizesOrThreads) {
  auto a = run_to_end(DataType::kText, kParams, single_model(tiny(), "tiny"), 1);
  auto b = run_to_end(DataType::kText, kParams, single_model(tiny(), "tiny"), 5);
  ThreadRunner threads;
  auto c = run_to_end(DataType::kText, kParams, single_model(tiny(), "tiny"), 1000, &threads);
  EXPECT_EQ(a->tables.bytes["samples"], b->tables.bytes["samples"]);
  EXPECT_EQ(a->tables.bytes["samples"], c->tables.bytes["samples"]);
  EXPECT_EQ(a->run->quality_report_json(), c->run->quality_report_json());
}

TEST(TextRun, SampleIUsesTheSeedDerivedFromSeedAndI) {
  auto out = run_to_end(DataType::kText, kParams, single_model(tiny(), "tiny"), 64);
  auto rows = parse_lines(out->tables.bytes["samples"]);
  ASSERT_EQ(rows.size(), 2u);
  for (uint64_t i = 0; i < 2; ++i) {
    engine::GenerationRequest request;
    request.prompt = tiny()->tokenizer.encode("Hello");
    request.sampling.temperature = 0.8f;
    request.sampling.top_k = 40;
    request.sampling.top_p = 0.95f;
    request.sampling.min_p = 0.05f;  // the request model's default
    request.sampling.repeat_penalty = 1.1f;
    request.sampling.seed = derive_seed(5, i);
    request.max_tokens = 8;
    auto s = engine::GenerationSession::start(tiny()->model, tiny()->tokenizer, request);
    ASSERT_TRUE(s.ok());
    while (!s.value().done())
      ASSERT_TRUE(s.value().step(engine::StepBudget::tokens(8), nullptr).ok());
    EXPECT_EQ("Hello" + s.value().generated_text(), rows[i]["text"].GetString()) << "sample " << i;
  }
}

TEST(TextRun, DifferentSeedsGiveDifferentSamples) {
  auto a = run_to_end(DataType::kText, R"({"samples":2,"max_tokens":8,"seed":"1"})",
                      single_model(tiny(), "tiny"), 64);
  auto b = run_to_end(DataType::kText, R"({"samples":2,"max_tokens":8,"seed":"2"})",
                      single_model(tiny(), "tiny"), 64);
  EXPECT_NE(a->tables.bytes["samples"], b->tables.bytes["samples"]);
}

TEST(TextRun, CanonicalParamsRegenerateTheSameBytes) {
  auto first =
      run_to_end(DataType::kCode, R"({"prompts":["def","x ="],"samples":3,"max_tokens":6})",
                 single_model(tiny(), "tiny"), 4);
  ASSERT_TRUE(first->run);
  const std::string canonical = first->run->canonical_params_json();
  EXPECT_NE(canonical.find(R"("model":"tiny")"), std::string::npos);
  EXPECT_NE(canonical.find(R"("seed":"7")"), std::string::npos) << "the host's fallback seed";
  auto again = run_to_end(DataType::kCode, canonical, single_model(tiny(), "tiny"), 1);
  EXPECT_EQ(first->tables.bytes["samples"], again->tables.bytes["samples"]);
  auto rows = parse_lines(first->tables.bytes["samples"]);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_STREQ(rows[0]["prompt"].GetString(), "def");
  EXPECT_STREQ(rows[1]["prompt"].GetString(), "x =");
  EXPECT_STREQ(rows[2]["prompt"].GetString(), "def") << "samples cycle through the prompts";
  rapidjson::Document report;
  report.Parse(first->run->quality_report_json().c_str());
  ASSERT_TRUE(report.HasMember("python")) << first->run->quality_report_json();
  EXPECT_TRUE(report["python"].HasMember("parse_rate"));
}

TEST(TextRun, FilledManifestValidates) {
  auto out = run_to_end(DataType::kText, kParams, single_model(tiny(), "tiny"), 64);
  DatasetManifest m;
  m.id = "ds-1";
  m.name = "Greetings";
  m.created_at_ms = 1;
  m.finished_at_ms = 2;
  out->run->fill_manifest(m);
  EXPECT_TRUE(validate_manifest(m).ok()) << validate_manifest(m).message();
  auto back = dataset_manifest_from_json(dataset_manifest_to_json(m));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back.value().tables.size(), 1u);
  EXPECT_EQ(back.value().seed, 5u);
  EXPECT_EQ(back.value().item_count, 2u);
}

TEST(TextRun, UnknownModelIsNotFound) {
  RunContext ctx;
  ctx.resolve_model = single_model(tiny(), "tiny");
  testing::CollectedTables tables;
  ctx.open_table = tables.opener();
  auto run = GenerationRun::create(DataType::kText, R"({"model":"nope"})", std::move(ctx));
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.status().code(), StatusCode::kNotFound);
  EXPECT_NE(run.status().message().find("params.model"), std::string::npos);
}

TEST(TextRun, BadParamsAreRefusedBeforeAnyWork) {
  RunContext ctx;
  ctx.resolve_model = single_model(tiny(), "tiny");
  testing::CollectedTables tables;
  ctx.open_table = tables.opener();
  auto run = GenerationRun::create(DataType::kText, R"({"top_p": 2})", std::move(ctx));
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(run.status().message(), "params.top_p must be 0..1 (got 2)");
  EXPECT_TRUE(tables.order.empty());
}

TEST(TextRun, BundledTextSmallFromAnEmptyPrompt) {
  auto model = load_repo_model("models/text-small");
  ASSERT_TRUE(model);
  auto out = run_to_end(DataType::kText, R"({"samples":2,"max_tokens":8,"seed":"11"})",
                        single_model(model, "text-small"), 4);
  ASSERT_TRUE(out->run && out->run->done());
  auto rows = parse_lines(out->tables.bytes["samples"]);
  ASSERT_EQ(rows.size(), 2u);
  for (auto& row : rows) {
    EXPECT_STREQ(row["prompt"].GetString(), "");
    EXPECT_GT(row["text"].GetStringLength(), 0u) << "8 tokens from <|endoftext|>";
  }
  EXPECT_EQ(out->run->model_id(), "text-small");
  EXPECT_GT(out->run->progress().tokens_done, 0u);
  EXPECT_LE(out->run->progress().tokens_done, 16u);
}

// The generator canister's path: the run plans each sample, an engine elsewhere (here a session
// started from the plan, as the engine canister does) generates it, and the rows, sizes, quality
// report and manifest are the local run's, byte for byte.
TEST(TextRun, RemoteSamplesGiveTheLocalRunsBytes) {
  const std::string params = R"({"prompts":["Hello",""],"samples":3,"max_tokens":6,"seed":"9"})";
  auto local = run_to_end(DataType::kText, params, single_model(tiny(), "tiny"), 4);

  testing::CollectedTables tables;
  RunContext ctx;
  ctx.resolve_model = [](DataType, std::string_view) -> Result<ResolvedModel> {
    return ResolvedModel{nullptr, "tiny", std::string(64, 'a')};
  };
  ctx.open_table = tables.opener();
  ctx.remote_samples = true;
  auto run = GenerationRun::create(DataType::kText, params, std::move(ctx));
  ASSERT_TRUE(run.ok()) << run.status().message();
  GenerationRun& remote = *run.value();
  EXPECT_EQ(remote.deliver_sample(1, "x", 1).code(), StatusCode::kConflict)
      << "sample 0 must come first";
  for (uint64_t i = 0; i < 3; ++i) {
    auto planned = remote.sample_request(i);
    ASSERT_TRUE(planned.ok()) << planned.status().message();
    engine::GenerationRequest request;
    request.prompt =
        engine::encode_prompt(tiny()->model.config(), tiny()->tokenizer, planned.value().prompt);
    request.sampling = planned.value().sampling;
    request.max_tokens = planned.value().max_tokens;
    request.stop = planned.value().stop;
    auto session = engine::GenerationSession::start(tiny()->model, tiny()->tokenizer, request);
    ASSERT_TRUE(session.ok()) << session.status().message();
    while (!session.value().done()) ASSERT_TRUE(session.value().step({}, nullptr).ok());
    ASSERT_TRUE(remote
                    .deliver_sample(i, session.value().generated_text(),
                                    session.value().generated_tokens().size())
                    .ok());
  }
  EXPECT_FALSE(remote.sample_request(3).ok());
  EXPECT_FALSE(remote.deliver_sample(3, "x", 1).ok()) << "every sample is in";
  auto last = remote.step(RunBudget{});
  ASSERT_TRUE(last.ok()) << last.status().message();
  ASSERT_TRUE(remote.done());
  EXPECT_EQ(tables.bytes, local->tables.bytes);
  DatasetManifest a, b;
  local->run->fill_manifest(a);
  remote.fill_manifest(b);
  EXPECT_EQ(dataset_manifest_to_json(a), dataset_manifest_to_json(b));
  EXPECT_EQ(remote.progress().tokens_done, local->run->progress().tokens_done);
}

}  // namespace
}  // namespace hyv::service
