// Schema table runs with generated_text columns: the host's resolver lends the model ("text" is the
// default text model), and the bytes are the synth generator's, as `hyv generate table` makes them.
#include <rapidjson/document.h>

#include "hyv/service/generation_params.h"
#include "hyv/synth/table_generator.h"
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

constexpr const char* kSchema = R"({"tables":[{"name":"notes","columns":[
  {"name":"id","type":"id"},
  {"name":"topic","type":"categorical","values":["tea","rain","maps"]},
  {"name":"note","type":"generated_text","model":"text","prompt":"About {topic}:",
   "min_tokens":2,"max_tokens":6}]}]})";

std::string params(int rows, int seed) {
  return R"({"mode":"schema","schema":)" + std::string(kSchema) + R"(,"rows":)" +
         std::to_string(rows) + R"(,"seed":)" + std::to_string(seed) + "}";
}

// The same table straight from synth, with the model lent under the column's name.
std::string synth_bytes(int rows, uint64_t seed) {
  auto schema = synth::parse_schema(kSchema);
  EXPECT_TRUE(schema.ok()) << schema.status().message();
  synth::GeneratorOptions o;
  o.seed = seed;
  o.rows = rows;
  o.text_models.models.push_back({"text", &tiny()->model, &tiny()->tokenizer});
  std::string out;
  auto writer = synth::make_table_writer(synth::TableFormat::jsonl, [&](std::string_view b) {
    out.append(b);
    return Status::Ok();
  });
  auto gen = synth::TableGenerator::create(std::move(schema).value(), o, {writer.get()});
  EXPECT_TRUE(gen.ok()) << gen.status().message();
  if (!gen.ok()) return "";
  while (!gen.value()->done()) EXPECT_TRUE(gen.value()->step(1000).ok());
  return out;
}

TEST(SchemaTextRun, TextColumnsUseTheResolvedModelAndMatchSynth) {
  auto a = run_to_end(DataType::kTable, params(40, 4), single_model(tiny(), "tiny"), 1);
  auto b = run_to_end(DataType::kTable, params(40, 4), single_model(tiny(), "tiny"), 1000);
  ASSERT_TRUE(a->run && b->run);
  const std::string& bytes = a->tables.bytes["notes"];
  EXPECT_EQ(bytes, b->tables.bytes["notes"]) << "step sizes do not change the text";
  EXPECT_EQ(bytes, synth_bytes(40, 4));
  EXPECT_EQ(a->run->item_count(), 40u);
  rapidjson::Document row;
  row.Parse(bytes.substr(0, bytes.find('\n')).c_str());
  ASSERT_TRUE(row.IsObject() && row["note"].IsString());
  EXPECT_GT(row["note"].GetStringLength(), 0u) << bytes;
  // 40 rows, at most 16 per generate step, then the score step.
  EXPECT_EQ(b->steps.size(), 4u) << "1000 rows asked per step, at most 16 text rows made";
}

TEST(SchemaTextRun, AnUnknownModelNamesTheColumn) {
  std::string schema = kSchema;
  schema.replace(schema.find(R"("model":"text")"), 14, R"("model":"nope")");
  std::string p = R"({"mode":"schema","schema":)" + schema + R"(,"rows":2})";
  RunContext ctx;
  ctx.resolve_model = single_model(tiny(), "tiny");
  ctx.open_table = [](std::string_view) -> Result<synth::ByteSink> {
    return synth::ByteSink([](std::string_view) { return Status::Ok(); });
  };
  auto run = GenerationRun::create(DataType::kTable, p, std::move(ctx));
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.status().message(),
            "params.schema: tables[0].columns[2].model: model 'nope' not found");
  EXPECT_EQ(run.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace hyv::service
