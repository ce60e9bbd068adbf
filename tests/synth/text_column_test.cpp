// generated_text columns: prompt templates (references, {{ }} escapes, errors with the JSON path),
// output that does not depend on step sizes, token length bounds, null rate, and the prompt the
// model is given. Uses the tiny GPT-2 fixture (tests/fixtures/tiny-gpt2), loaded from bytes.
#include "hyv/synth/text_column.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "file_io.h"
#include "hyv/engine/model_folder.h"
#include "hyv/engine/utf8_text.h"
#include "hyv/synth/schema.h"
#include "hyv/synth/table_generator.h"

namespace hyv::synth {
namespace {

std::string fixture(const char* name) {
  auto text =
      native::read_text_file(std::string(HYV_SOURCE_DIR) + "/tests/fixtures/tiny-gpt2/" + name);
  EXPECT_TRUE(text.ok()) << name;
  return text.ok() ? text.value() : std::string();
}

Bytes bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

struct Tiny {
  std::string config = fixture("config.json"), weights = fixture("model.safetensors"),
              vocab = fixture("vocab.json"), merges = fixture("merges.txt");
  engine::LoadedModel loaded;
  Tiny() {
    engine::ModelFolderFiles f;
    f.config_json = bytes(config);
    f.safetensors = bytes(weights);
    f.vocab_json = bytes(vocab);
    f.merges_txt = bytes(merges);
    auto m = engine::load_model_folder(f, engine::WeightType::f32);
    EXPECT_TRUE(m.ok()) << m.status().message();
    loaded = std::move(m).value();
  }
  TextModels lend(const std::string& name = "text") const {
    TextModels t;
    t.models.push_back({name, &loaded.model, &loaded.tokenizer});
    return t;
  }
};

const Tiny& tiny() {
  static const Tiny* t = new Tiny;
  return *t;
}

// Rows as values, to look at cells; the writers are tested in table_writer_test.cpp.
class Collect : public RowSink {
 public:
  std::vector<std::vector<Value>> rows;
  Status begin(std::span<const std::string>) override { return Status::Ok(); }
  Status write_row(std::span<const Value> row) override {
    rows.emplace_back(row.begin(), row.end());
    return Status::Ok();
  }
  Status finish() override { return Status::Ok(); }
  uint64_t bytes_flushed() const override { return 0; }
};

std::string schema_with(const std::string& text_column, int rows = 40) {
  return R"({"tables": [{"name": "t", "rows": )" + std::to_string(rows) + R"(, "columns": [
    {"name": "id", "type": "id"},
    {"name": "product", "type": "categorical", "values": ["lamp", "kettle", "chair"]},
    {"name": "price", "type": "float", "min": 1, "max": 9, "decimals": 2},
    )" + text_column +
         "]}]}";
}

std::string csv(const std::string& json, uint64_t seed, uint64_t step_rows,
                const TextModels& models) {
  auto schema = parse_schema(json);
  EXPECT_TRUE(schema.ok()) << schema.status().message();
  std::string out;
  auto sink = make_table_writer(TableFormat::csv, [&](std::string_view b) {
    out.append(b);
    return Status::Ok();
  });
  GeneratorOptions o;
  o.seed = seed;
  o.text_models = models;
  auto gen = TableGenerator::create(std::move(schema).value(), o, {sink.get()});
  EXPECT_TRUE(gen.ok()) << gen.status().message();
  while (!gen.value()->done()) {
    Status s = gen.value()->step(step_rows);
    EXPECT_TRUE(s.ok()) << s.message();
    if (!s.ok()) break;
  }
  return out;
}

std::vector<std::vector<Value>> rows(const std::string& json, uint64_t seed) {
  auto schema = parse_schema(json);
  EXPECT_TRUE(schema.ok()) << schema.status().message();
  Collect sink;
  GeneratorOptions o;
  o.seed = seed;
  o.text_models = tiny().lend();
  auto gen = TableGenerator::create(std::move(schema).value(), o, {&sink});
  EXPECT_TRUE(gen.ok()) << gen.status().message();
  while (gen.ok() && !gen.value()->done()) {
    Status s = gen.value()->step(1000);
    EXPECT_TRUE(s.ok()) << s.message();
    if (!s.ok()) break;
  }
  return sink.rows;
}

std::string error_of(const std::string& json) {
  auto s = parse_schema(json);
  return s.ok() ? "(accepted)" : s.status().message();
}

TEST(PromptTemplate, ReferencesAndEscapes) {
  auto resolve = [](std::string_view name) -> std::optional<int> {
    if (name == "a") return 0;
    if (name == "b c") return 1;
    return std::nullopt;
  };
  auto p = PromptTemplate::parse("{{x}} {a}: {b c}}}!", resolve);
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p.value().refs(), (std::vector<int>{0, 1}));
  std::vector<Value> row = {Value::string("lamp"), Value::real(2.5)};
  std::string out;
  p.value().render(row, out);
  EXPECT_EQ(out, "{x} lamp: 2.5}!");
  row = {Value::null(), Value::integer(3)};
  out.clear();
  p.value().render(row, out);
  EXPECT_EQ(out, "{x} : 3}!");
  row = {Value::boolean(true), Value::real(4)};
  out.clear();
  p.value().render(row, out);
  EXPECT_EQ(out, "{x} true: 4.0}!");  // numbers as the writers spell them
}

TEST(PromptTemplate, Errors) {
  auto none = [](std::string_view) -> std::optional<int> { return std::nullopt; };
  EXPECT_NE(PromptTemplate::parse("abc {x", none).status().message().find("byte offset 4"),
            std::string::npos);
  EXPECT_NE(PromptTemplate::parse("a } b", none).status().message().find("lone \"}\""),
            std::string::npos);
  EXPECT_NE(PromptTemplate::parse("{nope}", none).status().message().find("no column \"nope\""),
            std::string::npos);
}

TEST(GeneratedTextSchema, ErrorsNameThePath) {
  EXPECT_NE(
      error_of(schema_with(R"({"name": "r", "type": "generated_text", "prompt": "{prodct}"})"))
          .find("tables[0].columns[3].prompt"),
      std::string::npos);
  EXPECT_NE(error_of(schema_with(R"({"name": "r", "type": "generated_text", "prompt": "{r}"})"))
                .find("its own column"),
            std::string::npos);
  EXPECT_NE(error_of(schema_with(R"({"name": "r", "type": "generated_text"})")).find("prompt"),
            std::string::npos);
  EXPECT_NE(
      error_of(
          schema_with(
              R"({"name": "r", "type": "generated_text", "prompt": "x", "min_tokens": 9, "max_tokens": 3})"))
          .find("min_tokens is above max_tokens"),
      std::string::npos);
  EXPECT_NE(error_of(schema_with(
                         R"({"name": "r", "type": "generated_text", "prompt": "x", "stop": [""]})"))
                .find("columns[3].stop"),
            std::string::npos);
  std::string cycle = schema_with(R"({"name": "r", "type": "generated_text", "prompt": "{s}"},
      {"name": "s", "type": "generated_text", "prompt": "{r}"})");
  EXPECT_NE(error_of(cycle).find("cycle: "), std::string::npos) << error_of(cycle);
  // A formula cannot read text.
  EXPECT_NE(error_of(schema_with(R"({"name": "r", "type": "generated_text", "prompt": "x"},
      {"name": "f", "type": "formula", "formula": "r + 1"})"))
                .find("holds text"),
            std::string::npos);
}

TEST(GeneratedTextSchema, PromptsMayUseLaterTextColumns) {
  auto s = parse_schema(schema_with(R"({"name": "r", "type": "generated_text", "prompt": "{s}!"},
      {"name": "s", "type": "generated_text", "prompt": "{product}"})"));
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s.value().tables[0].text_order, (std::vector<int>{4, 3}));
}

TEST(GeneratedText, SameBytesWhateverTheStepSize) {
  std::string json = schema_with(
      R"({"name": "r", "type": "generated_text", "prompt": "{product} at {price}:", "max_tokens": 12})",
      25);
  std::string whole = csv(json, 7, 1000, tiny().lend());
  EXPECT_EQ(csv(json, 7, 1, tiny().lend()), whole);
  EXPECT_EQ(csv(json, 7, 6, tiny().lend()), whole);
  EXPECT_NE(csv(json, 8, 1000, tiny().lend()), whole);
  EXPECT_GT(whole.size(), 25u * 8);
}

TEST(GeneratedText, OtherColumnsDoNotDependOnTheTextColumn) {
  // Cells draw from their own seed, so adding a text column leaves the other columns unchanged.
  std::string plain = schema_with(R"({"name": "n", "type": "integer", "min": 0, "max": 9})");
  std::string with_text = schema_with(R"({"name": "n", "type": "integer", "min": 0, "max": 9},
      {"name": "r", "type": "generated_text", "prompt": "{product}", "max_tokens": 4})");
  auto a = rows(plain, 3), b = rows(with_text, 3);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    for (size_t c = 0; c < a[i].size(); ++c) {
      if (a[i][c].kind() == Value::Kind::string) {
        EXPECT_EQ(a[i][c].as_string(), b[i][c].as_string());
      } else if (!a[i][c].is_null()) {
        EXPECT_EQ(a[i][c].as_number(), b[i][c].as_number());
      }
    }
  }
}

TEST(GeneratedText, LengthWithinBoundsInTokens) {
  const engine::BpeTokenizer& tok = tiny().loaded.tokenizer;
  // The fixture's model ends lines often, so min_tokens 6 needs redraws and extensions.
  auto got = rows(schema_with(R"({"name": "r", "type": "generated_text", "prompt": "{product}:",
      "min_tokens": 6, "max_tokens": 10})"),
                  11);
  ASSERT_EQ(got.size(), 40u);
  for (const auto& row : got) {
    ASSERT_EQ(row[3].kind(), Value::Kind::string);
    const std::string& s = row[3].as_string();
    size_t n = tok.encode(s).size();
    EXPECT_GE(n, 6u) << s;
    EXPECT_LE(n, 10u) << s;
    EXPECT_FALSE(engine::find_invalid_utf8(s).has_value()) << s;
    EXPECT_TRUE(s.empty() || (s.front() != ' ' && s.back() != '\n' && s.back() != ' ')) << s;
  }
}

TEST(GeneratedText, StopStringEndsTheCell) {
  auto got = rows(schema_with(R"({"name": "r", "type": "generated_text", "prompt": "{product}",
      "min_tokens": 0, "max_tokens": 30, "stop": ["e", "\n"]})"),
                  5);
  for (const auto& row : got) {
    EXPECT_EQ(row[3].as_string().find('e'), std::string::npos) << row[3].as_string();
    EXPECT_EQ(row[3].as_string().find('\n'), std::string::npos) << row[3].as_string();
  }
}

TEST(GeneratedText, NullRate) {
  auto got = rows(schema_with(R"({"name": "r", "type": "generated_text", "prompt": "{product}",
      "max_tokens": 3, "null_rate": 0.3})",
                              400),
                  2);
  ASSERT_EQ(got.size(), 400u);
  int nulls = 0;
  for (const auto& row : got) nulls += row[3].is_null();
  // Binomial(400, 0.3): mean 120, sd 9.2; 5 sd either side.
  EXPECT_GT(nulls, 74);
  EXPECT_LT(nulls, 166);
}

TEST(GeneratedText, PromptIsTheRowsValues) {
  // Greedy decoding depends only on the prompt: equal products give equal text, and a prompt
  // written out literally gives the same text as one filled from the row.
  auto got =
      rows(schema_with(R"({"name": "r", "type": "generated_text", "prompt": "Review of {product}:",
      "temperature": 0, "max_tokens": 8, "min_tokens": 0},
      {"name": "lit", "type": "generated_text", "prompt": "Review of lamp:",
      "temperature": 0, "max_tokens": 8, "min_tokens": 0})"),
           4);
  int lamps = 0;
  for (const auto& row : got)
    if (row[1].as_string() == "lamp") {
      ++lamps;
      EXPECT_EQ(row[3].as_string(), row[4].as_string());
    }
  EXPECT_GT(lamps, 0);
}

TEST(GeneratedText, MissingModelIsAnError) {
  auto schema = parse_schema(
      schema_with(R"({"name": "r", "type": "generated_text", "prompt": "x", "model": "code"})"));
  ASSERT_TRUE(schema.ok());
  GeneratorOptions o;
  o.text_models = tiny().lend("text");
  auto gen = TableGenerator::create(std::move(schema).value(), o, {});
  ASSERT_FALSE(gen.ok());
  EXPECT_NE(gen.status().message().find("tables[0].columns[3] (r): the model \"code\""),
            std::string::npos)
      << gen.status().message();
}

}  // namespace
}  // namespace hyv::synth
