#include "hyv/synth/text_column.h"

#include <algorithm>
#include <charconv>

#include "hyv/engine/gpt2.h"
#include "hyv/engine/session.h"
#include "hyv/engine/tokenizer.h"
#include "hyv/engine/utf8_text.h"
#include "hyv/synth/random.h"

namespace hyv::synth {

Result<PromptTemplate> PromptTemplate::parse(std::string_view text, const Resolver& resolve) {
  PromptTemplate t;
  std::string literal;
  auto error = [&](size_t at, const std::string& what) {
    return Status::Error("prompt \"" + std::string(text) + "\", byte offset " + std::to_string(at) +
                         ": " + what);
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char ch = text[i];
    if ((ch == '{' || ch == '}') && i + 1 < text.size() && text[i + 1] == ch) {
      literal += ch;  // {{ and }} stand for one brace
      ++i;
      continue;
    }
    if (ch == '}') return error(i, "a lone \"}\"; write \"}}\" for a brace");
    if (ch != '{') {
      literal += ch;
      continue;
    }
    size_t close = text.find('}', i + 1);
    if (close == std::string_view::npos)
      return error(i, "\"{\" is not closed; write \"{{\" for a brace");
    std::string_view name = text.substr(i + 1, close - i - 1);
    auto column = resolve(name);
    if (!column) return error(i + 1, "no column \"" + std::string(name) + "\" in this table");
    if (!literal.empty()) t.parts_.push_back({std::move(literal), -1});
    literal.clear();
    t.parts_.push_back({"", *column});
    i = close;
  }
  if (!literal.empty()) t.parts_.push_back({std::move(literal), -1});
  return t;
}

void PromptTemplate::render(std::span<const Value> row, std::string& out) const {
  for (const Part& p : parts_) {
    if (p.column < 0) {
      out += p.text;
      continue;
    }
    const Value& v = row[size_t(p.column)];
    switch (v.kind()) {
      case Value::Kind::null:
        break;
      case Value::Kind::boolean:
        out += v.as_boolean() ? "true" : "false";
        break;
      case Value::Kind::integer: {
        char buf[24];
        auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v.as_integer());
        (void)ec;
        out.append(buf, end);
        break;
      }
      case Value::Kind::real:
        append_double(out, v.as_real());
        break;
      case Value::Kind::string:
        out += v.as_string();
        break;
    }
  }
}

std::vector<int> PromptTemplate::refs() const {
  std::vector<int> out;
  for (const Part& p : parts_)
    if (p.column >= 0 && std::find(out.begin(), out.end(), p.column) == out.end())
      out.push_back(p.column);
  return out;
}

const TextModel* TextModels::find(std::string_view name) const {
  for (const TextModel& m : models)
    if (m.name == name) return &m;
  return nullptr;
}

namespace {

// Models often open with a newline or a space after a prompt's colon; a cell holds neither.
std::string_view trimmed(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  size_t b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(kSpace) - b + 1);
}

size_t token_count(const engine::BpeTokenizer& tok, std::string_view text) {
  return tok.encode(trimmed(text)).size();
}

// The last draw ran past stop strings: cut at the first one after which min_tokens are reached.
std::string cut_after_min(const TextColumnSpec& spec, const engine::BpeTokenizer& tok,
                          const std::string& text) {
  size_t best = text.size();
  for (const std::string& s : spec.stop) {
    if (s.empty()) continue;
    for (size_t at = text.find(s); at != std::string::npos && at < best; at = text.find(s, at + 1))
      if (token_count(tok, std::string_view(text).substr(0, at)) >= size_t(spec.min_tokens)) {
        best = at;
        break;
      }
  }
  return text.substr(0, best);
}

}  // namespace

Status generate_text_cell(const TextColumnSpec& spec, const TextModel& m, std::string_view prompt,
                          uint64_t seed, TaskRunner* runner, std::string& out) {
  const engine::BpeTokenizer& tok = *m.tokenizer;
  const engine::Gpt2Config& config = m.model->config();
  int max_tokens = std::min(spec.max_tokens, config.n_positions - 1);
  std::vector<int32_t> ids = tok.encode(prompt);
  if (ids.empty()) {
    // An empty prompt (every referenced value null): start from end-of-text as GPT-2 does.
    if (config.eos_token_id < 0)
      return Status::Error("the prompt is empty and the model has no end-of-text token");
    ids.push_back(config.eos_token_id);
  }
  // Keep the end of a long prompt so the continuation fits in the context.
  size_t room = size_t(config.n_positions - max_tokens);
  if (ids.size() > room) ids.erase(ids.begin(), ids.end() - ptrdiff_t(room));

  std::string text;
  for (int attempt = 0; attempt <= kTextResamples; ++attempt) {
    bool last = attempt == kTextResamples;
    engine::GenerationRequest request;
    request.prompt = ids;
    request.sampling.temperature = spec.temperature;
    request.sampling.top_k = spec.top_k;
    request.sampling.top_p = spec.top_p;
    request.sampling.seed = derive_seed(seed, uint64_t(attempt));
    request.max_tokens = max_tokens;
    request.stop = last ? std::vector<std::string>{} : spec.stop;
    request.stop_at_eos = !last;
    auto session = engine::GenerationSession::start(*m.model, tok, std::move(request));
    if (!session.ok()) return session.status();
    while (!session.value().done()) {
      auto step = session.value().step(engine::StepBudget::tokens(max_tokens), runner);
      if (!step.ok()) return step.status();
    }
    // Byte-level tokens may leave invalid UTF-8: replaced first, so lengths count the final text.
    text.clear();
    engine::append_sanitized_utf8(session.value().generated_text(), text);
    if (last) text = cut_after_min(spec, tok, text);
    text = std::string(trimmed(text));
    if (token_count(tok, text) >= size_t(spec.min_tokens)) break;
  }
  // Re-encoding can take more tokens than were sampled (U+FFFD, merges): keep the bound exact.
  for (std::vector<int32_t> ids = tok.encode(text); ids.size() > size_t(spec.max_tokens);
       ids = tok.encode(text)) {
    std::string cut = tok.decode(std::span<const int32_t>(ids.data(), size_t(spec.max_tokens)));
    cut.resize(engine::complete_utf8_prefix(cut));
    text.clear();
    engine::append_sanitized_utf8(trimmed(cut), text);
  }
  out = std::move(text);
  return Status::Ok();
}

}  // namespace hyv::synth
