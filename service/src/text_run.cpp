// Text and code runs: samples generated one after another with the engine's GenerationSession,
// sample i seeded with derive_seed(seed, i), rows {index, prompt, text} written as each finishes.
// With remote samples the host's engines generate them and deliver_sample() takes the place of
// advance(); the plan (sample_request) and the rows are the same code either way.
#include <optional>

#include "hyv/engine/session.h"
#include "hyv/service/generation_params.h"
#include "run_base.h"
#include "text_quality.h"

namespace hyv::service {
namespace {

using engine::GenerationSession;

class TextRun final : public RunBase {
 public:
  Status init(DataType type, std::string_view params_json, RunContext context);
  Result<RunProgress> step(const RunBudget& budget) override;
  Result<SampleRequest> sample_request(uint64_t i) const override;
  Status deliver_sample(uint64_t i, std::string_view continuation, uint64_t tokens) override;

 private:
  Status encode_prompts();
  Result<GenerationSession> start_sample(uint64_t i) const;
  // Runs the current sample for at most `tokens`; appends its new text to `pieces`.
  Status advance(uint64_t& tokens, const RunBudget& budget, std::vector<TextPiece>& pieces);
  Status write_sample(std::string text);
  Status finish_run();

  TextParams params_;
  RunContext context_;
  std::shared_ptr<const engine::LoadedModel> model_;
  std::vector<std::vector<int32_t>> prompt_tokens_;
  std::unique_ptr<synth::RowSink> writer_;
  std::optional<GenerationSession> session_;
  uint64_t next_ = 0;  // the sample being generated (or the next to start)
  std::vector<std::string> texts_;
};

Status TextRun::init(DataType type, std::string_view params_json, RunContext context) {
  type_ = type;
  context_ = std::move(context);
  Result<TextParams> p = parse_text_params(type, params_json, context_.fallback_seed);
  if (!p.ok()) return p.status();
  params_ = std::move(p).value();
  if (!context_.resolve_model) return Status::Error(StatusCode::kInternal, "no model resolver");
  Result<ResolvedModel> m = context_.resolve_model(type, params_.model);
  if (!m.ok()) return m.status().with_context("params.model");
  if (!m.value().model && !context_.remote_samples) {
    return Status::Error(StatusCode::kInternal, "the resolver gave no model");
  }
  model_ = m.value().model;
  params_.model = model_id_ = m.value().id;
  model_sha256_ = m.value().sha256;
  seed_ = params_.seed;
  params_json_ = text_params_json(params_);
  // Remote engines tokenize, and refuse a prompt their context cannot hold.
  if (model_) HYV_RETURN_IF_ERROR(encode_prompts());
  progress_.items_total = params_.samples;
  Result<std::unique_ptr<synth::RowSink>> w =
      open_jsonl(context_.open_table, "samples", {"index", "prompt", "text"});
  if (!w.ok()) return w.status();
  writer_ = std::move(w).value();
  return writer_->begin(tables_[0].columns);
}

// An empty prompt starts from <|endoftext|>, as GPT-2 does for unconditional samples.
Status TextRun::encode_prompts() {
  const engine::Gpt2Config& config = model_->model.config();
  for (size_t i = 0; i < params_.prompts.size(); ++i) {
    std::vector<int32_t> tokens =
        engine::encode_prompt(config, model_->tokenizer, params_.prompts[i]);
    std::string field = "params.prompts[" + std::to_string(i) + "]";
    if (tokens.empty()) {
      return Status::Error(StatusCode::kInvalidArgument,
                           field + ": empty, and the model has no <|endoftext|> to start from");
    }
    if (tokens.size() >= static_cast<size_t>(config.n_positions)) {
      return Status::Error(StatusCode::kInvalidArgument,
                           field + ": " + std::to_string(tokens.size()) +
                               " tokens leave no room in the model's context of " +
                               std::to_string(config.n_positions));
    }
    prompt_tokens_.push_back(std::move(tokens));
  }
  return Status::Ok();
}

Result<SampleRequest> TextRun::sample_request(uint64_t i) const {
  if (i >= params_.samples) {
    return Status::Error(StatusCode::kInvalidArgument,
                         "sample " + std::to_string(i) + ": the run has " +
                             std::to_string(params_.samples) + " samples");
  }
  SampleRequest r;
  r.prompt = params_.prompts[i % params_.prompts.size()];
  r.sampling = sampling_params(params_, derive_seed(params_.seed, i));
  r.max_tokens = params_.max_tokens;
  r.stop = params_.stop;
  return r;
}

Result<GenerationSession> TextRun::start_sample(uint64_t i) const {
  Result<SampleRequest> planned = sample_request(i);
  if (!planned.ok()) return planned.status();
  engine::GenerationRequest request;
  request.prompt = prompt_tokens_[i % prompt_tokens_.size()];
  request.sampling = planned.value().sampling;
  request.max_tokens = planned.value().max_tokens;
  request.stop = std::move(planned.value().stop);
  return GenerationSession::start(model_->model, model_->tokenizer, std::move(request));
}

Status TextRun::deliver_sample(uint64_t i, std::string_view continuation, uint64_t tokens) {
  if (!context_.remote_samples) return GenerationRun::deliver_sample(i, continuation, tokens);
  if (broken_ || next_ >= params_.samples || i != next_) {
    return Status::Error(
        StatusCode::kConflict,
        "sample " + std::to_string(i) + " delivered; the run expects " +
            (next_ < params_.samples && !broken_ ? "sample " + std::to_string(next_)
                                                 : std::string("none")));
  }
  const std::string& prompt = params_.prompts[next_ % params_.prompts.size()];
  progress_.tokens_done += tokens;
  Status s = write_sample(prompt + std::string(continuation));
  return s.ok() ? s : failed(s);
}

Status TextRun::advance(uint64_t& tokens, const RunBudget& budget, std::vector<TextPiece>& pieces) {
  if (!session_) {
    Result<GenerationSession> s = start_sample(next_);
    if (!s.ok()) return s.status().with_context("sample " + std::to_string(next_));
    session_.emplace(std::move(s).value());
    const std::string& prompt = params_.prompts[next_ % params_.prompts.size()];
    if (!prompt.empty()) pieces.push_back({next_, prompt});
  }
  engine::StepBudget b;
  b.max_tokens = static_cast<int>(std::min<uint64_t>(tokens, 1 << 30));
  b.exhausted = budget.exhausted;
  Result<engine::StepOutput> out = session_->step(b, context_.runner);
  if (!out.ok()) return out.status().with_context("sample " + std::to_string(next_));
  uint64_t made = out.value().tokens.size();
  tokens -= std::min(tokens, made);
  progress_.tokens_done += made;
  if (!out.value().text.empty()) pieces.push_back({next_, std::move(out.value().text)});
  if (!session_->done()) return Status::Ok();
  const std::string& prompt = params_.prompts[next_ % params_.prompts.size()];
  std::string text = prompt + session_->generated_text();
  session_.reset();
  return write_sample(std::move(text));
}

Status TextRun::write_sample(std::string text) {
  const std::string& prompt = params_.prompts[next_ % params_.prompts.size()];
  synth::Value row[3];
  row[0].set_integer(static_cast<int64_t>(next_));
  row[1].set_string(prompt);
  row[2].set_string(text);
  HYV_RETURN_IF_ERROR(writer_->write_row(row));
  texts_.push_back(std::move(text));
  ++next_;
  progress_.items_done = next_;
  return Status::Ok();
}

Status TextRun::finish_run() {
  HYV_RETURN_IF_ERROR(writer_->finish());
  tables_[0].rows = next_;
  settle_sizes();
  Result<TextQuality> q = text_quality(texts_, type_ == DataType::kCode);
  if (!q.ok()) return q.status();
  quality_score_ = q.value().score;
  quality_report_ = std::move(q.value().report_json);
  done_ = true;
  return Status::Ok();
}

Result<RunProgress> TextRun::step(const RunBudget& budget) {
  if (broken_) return Status::Error(StatusCode::kInternal, "the run failed earlier");
  if (done_) return report();
  std::vector<TextPiece> pieces;
  uint64_t tokens = std::max<uint64_t>(budget.units, 1);
  while (!context_.remote_samples && tokens > 0 && next_ < params_.samples) {
    Status s = advance(tokens, budget, pieces);
    if (!s.ok()) return failed(s);
    if (budget.exhausted && budget.exhausted()) break;
  }
  if (next_ == params_.samples) {
    Status s = finish_run();
    if (!s.ok()) return failed(s);
  }
  return report(std::move(pieces));
}

}  // namespace

Result<std::unique_ptr<GenerationRun>> create_text_run(DataType type, std::string_view params,
                                                       RunContext context) {
  auto run = std::make_unique<TextRun>();
  HYV_RETURN_IF_ERROR(run->init(type, params, std::move(context)));
  return std::unique_ptr<GenerationRun>(std::move(run));
}

}  // namespace hyv::service
