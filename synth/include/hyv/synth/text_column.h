// Text columns filled by a language model (column type "generated_text", docs/schema.md): the
// prompt template, the column's settings, the models a host lends the generator, and one cell.
//
//   auto p = PromptTemplate::parse("Review of {product}:", resolve);  // {{ and }} are braces
//   std::string prompt;  p.value().render(row, prompt);               // a null ref renders ""
//   TextModels models;  models.models.push_back({"text", &model, &tokenizer});   // the host loads
//   generate_text_cell(spec, models.models[0], prompt, cell_seed, runner, text);
//
// The core never loads a model: the host resolves each column's `model` ("text", "code" or a
// folder path) and hands the loaded model under that same name. A cell's text is a pure function
// of (model, prompt, settings, cell seed), so output does not depend on step sizes or threads.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hyv/status.h"
#include "hyv/synth/table_writer.h"
#include "hyv/task_runner.h"

namespace hyv::engine {
class Gpt2Model;
class BpeTokenizer;
}  // namespace hyv::engine

namespace hyv::synth {

class PromptTemplate {
 public:
  struct Part {
    std::string text;  // literal text, when column < 0
    int column = -1;   // else the column whose value is put here
  };
  // Maps a column name to its index, or nullopt (the error then names the byte offset).
  using Resolver = std::function<std::optional<int>(std::string_view name)>;
  static Result<PromptTemplate> parse(std::string_view text, const Resolver& resolve);

  // Appends the prompt for a row: strings as they are, numbers as the writers spell them, true /
  // false, and nothing for a null.
  void render(std::span<const Value> row, std::string& out) const;
  const std::vector<Part>& parts() const { return parts_; }
  std::vector<int> refs() const;

 private:
  std::vector<Part> parts_;
};

struct TextColumnSpec {
  PromptTemplate prompt;
  std::string model = "text";  // "text", "code", or a model folder path as the schema wrote it
  int min_tokens = 1, max_tokens = 32;
  float temperature = 0.8f;
  int top_k = 40;
  float top_p = 0.95f;
  std::vector<std::string> stop = {"\n"};
};

struct TextModel {
  std::string name;  // as columns name it: "text", "code", or the folder path
  const engine::Gpt2Model* model = nullptr;
  const engine::BpeTokenizer* tokenizer = nullptr;
};

// What the host lends the generator for generated_text columns (none needed otherwise).
struct TextModels {
  std::vector<TextModel> models;
  TaskRunner* runner = nullptr;  // threads for the forward passes; null runs inline
  const TextModel* find(std::string_view name) const;
};

// Resampling rounds before the last draw, which ignores stop strings and end-of-text until
// min_tokens are reached.
inline constexpr int kTextResamples = 4;

// One cell's text, without leading or trailing spaces, tabs and line breaks. Length is counted in
// the model tokenizer's tokens of that text: a draw
// shorter than min_tokens (stopped early) is redrawn with the next seed, up to kTextResamples
// times; the last draw runs to max_tokens and is cut at the first stop string after min_tokens.
// Invalid UTF-8 from byte-level tokens becomes U+FFFD, so every writer gets valid text.
Status generate_text_cell(const TextColumnSpec& spec, const TextModel& model,
                          std::string_view prompt, uint64_t seed, TaskRunner* runner,
                          std::string& out);

}  // namespace hyv::synth
