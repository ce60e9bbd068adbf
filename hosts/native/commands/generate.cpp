// `hyv generate text|code`: load a model folder (GPT-2 or T5 family), run its session one token
// per step and stream each step's text to stdout (or print one JSON object with --json).
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <memory>
#include <optional>
#include <random>
#include <thread>
#include <vector>

#include "cli_flags.h"
#include "command_registry.h"
#include "file_io.h"
#include "hyv/engine/model_folder.h"
#include "hyv/engine/session.h"
#include "hyv/engine/t5_folder.h"
#include "hyv/engine/t5_session.h"
#include "hyv/engine/utf8_text.h"
#include "hyv/service/code_block.h"
#include "hyv/service/request_model.h"
#include "model_dir.h"
#include "request_flags.h"
#include "thread_pool.h"

namespace hyv::cli {
namespace {

constexpr const char* kHelp = R"(Generates text or code with a GPT-2-family or T5-family model.

The model is a Hugging Face folder: GPT-2 (config.json, model.safetensors, vocab.json +
merges.txt and/or tokenizer.json) or T5 / CodeT5 (config.json, model.safetensors or
pytorch_model.bin, and CodeT5's vocab.json + merges.txt + added tokens, or T5's spiece.model or
tokenizer.json), used as downloaded. Without --model, the bundled text-small or code-small, looked
up in $HYV_MODELS_DIR when it is set, else in ../models beside the hyv binary. Text streams to
stdout as it is made, then a newline.

A T5 model reads the prompt as its source (CodeT5: a docstring or comment -> code) and writes
the answer; --beams N decodes by beam search (deterministic, --length-penalty), as CodeT5 is
usually decoded. A prompt with a sentinel (<extra_id_0>) asks for that span: the output is the
span, ended at the next sentinel. Code output ends with its first complete block (a function, a
class, a braced block; --raw keeps everything the model wrote). Sampling follows llama.cpp: penalties, top-k, top-p,
min-p, temperature; --temperature 0 is greedy. The same model, prompt, parameters and --seed
give the same text on every run (--threads does not change it).

Prompts longer than the context: a prompt must leave room for at least one new token, so one of
n_positions tokens or more (1024 for gpt2) is an error; nothing is cut silently. Generation then
stops at --max-tokens, at the model's end-of-text token, at a --stop string (not printed), or when
prompt + output fill the context (finish reason context_full).)";

// The flags fill the request model (service/request_model.h) that the studio and the canisters use,
// with its names, defaults and ranges, so `hyv generate` and a one-sample studio job with the same
// values draw the same tokens. --repeat-last-n, --frequency-penalty and --presence-penalty are
// engine knobs outside the request model: the studio and the canisters do not take them and always
// use the engine's defaults (64, 0, 0).
struct Options {
  std::string kind;
  std::string model;
  std::optional<std::string> prompt;
  std::string prompt_file;
  std::optional<int> max_tokens;  // default by kind: service::default_max_tokens
  service::TextParams request;    // the sampling fields and stop; prompts and seed set in run()
  engine::SamplingParams extras;  // only repeat_last_n, frequency_penalty, presence_penalty
  std::optional<uint64_t> seed;
  std::string quantize = "none";
  int threads = 1;
  bool json = false;
  int beams = 1;                // T5 only
  float length_penalty = 1.0f;  // T5 beam search
  bool raw = false;             // code: keep the output past its first complete block
};

[[noreturn]] void fail(const std::string& message) {
  throw Exit{1, message};
}

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// Floats as the user typed them (0.8, not 0.800000011920929) in the JSON.
double shortest(float v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.7g", double(v));
  return std::strtod(buf, nullptr);
}

std::string read_prompt(const Options& o) {
  if (o.prompt.has_value() == !o.prompt_file.empty())
    fail("give the prompt with exactly one of --prompt TEXT or --prompt-file FILE");
  std::string where = o.prompt ? "--prompt" : o.prompt_file;
  std::string text;
  if (o.prompt) {
    text = *o.prompt;
  } else if (o.prompt_file == "-") {
    text = native::read_stdin();
  } else {
    auto r = native::read_text_file(o.prompt_file);
    if (!r.ok()) fail(r.status().message());
    text = std::move(r).value();
  }
  if (auto bad = engine::find_invalid_utf8(text))
    fail(where + ": the prompt is not valid UTF-8 (at byte " + std::to_string(*bad) + ")");
  if (text.empty()) fail(where + ": the prompt is empty");
  return text;
}

service::DataType data_type(const Options& o) {
  return o.kind == "code" ? service::DataType::kCode : service::DataType::kText;
}

// Fills the request from the flags and checks it as every host does (check_text_params); the flags'
// own ranges were checked as they were parsed, so what is left here is --stop and the prompt.
void check_request(Options& o, const std::string& prompt, const std::string& prompt_flag) {
  service::TextParams& r = o.request;
  r.prompts = {prompt};
  r.samples = 1;
  r.max_tokens = o.max_tokens.value_or(static_cast<int>(service::default_max_tokens(data_type(o))));
  Status stop = service::check_field(service::fields::kStop, r.stop);
  if (!stop.ok()) fail("--stop: " + stop.message());
  Status prompts = service::check_field(service::fields::kPrompts, r.prompts);
  if (!prompts.ok()) fail(prompt_flag + ": " + prompts.message());
  Status all = service::check_text_params(r);
  if (!all.ok()) fail(all.message());
  if (!o.seed) o.seed = (uint64_t(std::random_device{}()) << 32) | std::random_device{}();
  r.seed = *o.seed;
}

void check_options(const Options& o) {
  if (o.kind != "text" && o.kind != "code")
    fail("the kind must be text or code, got \"" + o.kind + "\"");
  if (o.threads < 0)
    fail("--threads must be >= 0 (0 = one per core), got " + std::to_string(o.threads));
  if (o.quantize != "none" && o.quantize != "q8")
    fail("--quantize must be q8 or none, got \"" + o.quantize + "\"");
}

// The engine's parameters: the request model's, then the CLI-only knobs.
engine::SamplingParams sampling(const Options& o) {
  engine::SamplingParams s = service::sampling_params(o.request, o.request.seed);
  s.repeat_last_n = o.extras.repeat_last_n;
  s.frequency_penalty = o.extras.frequency_penalty;
  s.presence_penalty = o.extras.presence_penalty;
  Status valid = engine::validate(s);
  if (!valid.ok()) fail(valid.message());
  return s;
}

struct Timing {
  double load_ms = 0, prefill_ms = 0, decode_ms = 0;
};

// What either architecture's run produced, for --json.
struct Outcome {
  std::string text;
  std::vector<int32_t> tokens;
  size_t prompt_tokens = 0;
  std::string finish_reason;
  int64_t parameters = 0;
  std::string architecture;
};

void write_params(rapidjson::Writer<rapidjson::StringBuffer>& w, const Options& o) {
  w.Key("params");
  w.StartObject();
  w.Key("kind");
  w.String(o.kind);
  const service::TextParams& r = o.request;
  w.Key("max_tokens");
  w.Int(r.max_tokens);
  w.Key("temperature");
  w.Double(r.temperature);
  w.Key("top_k");
  w.Int(r.top_k);
  w.Key("top_p");
  w.Double(r.top_p);
  w.Key("min_p");
  w.Double(r.min_p);
  w.Key("repetition_penalty");
  w.Double(r.repetition_penalty);
  w.Key("repeat_last_n");
  w.Int(o.extras.repeat_last_n);
  w.Key("frequency_penalty");
  w.Double(shortest(o.extras.frequency_penalty));
  w.Key("presence_penalty");
  w.Double(shortest(o.extras.presence_penalty));
  w.Key("seed");
  w.Uint64(r.seed);
  w.Key("stop");
  w.StartArray();
  for (const auto& s : r.stop) w.String(s);
  w.EndArray();
  w.Key("beams");
  w.Int(o.beams);
  w.Key("length_penalty");
  w.Double(shortest(o.length_penalty));
  w.Key("threads");
  w.Int(o.threads);
  w.EndObject();
}

void write_json(const Options& o, const native::ModelDir& dir, const Outcome& out,
                const Timing& t) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("text");
  w.String(out.text.data(), rapidjson::SizeType(out.text.size()));
  w.Key("tokens");
  w.StartArray();
  for (int32_t id : out.tokens) w.Int(id);
  w.EndArray();
  w.Key("prompt_tokens");
  w.Uint64(out.prompt_tokens);
  w.Key("generated_tokens");
  w.Uint64(out.tokens.size());
  w.Key("finish_reason");
  w.String(out.finish_reason);
  w.Key("timing");
  w.StartObject();
  w.Key("load_ms");
  w.Double(t.load_ms);
  w.Key("prefill_ms");
  w.Double(t.prefill_ms);
  w.Key("decode_ms");
  w.Double(t.decode_ms);
  w.Key("decode_tokens_per_s");
  size_t decoded = out.tokens.size();
  if (decoded > 1 && t.decode_ms > 0) {
    w.Double(double(decoded - 1) / (t.decode_ms / 1000.0));
  } else {
    w.Null();
  }
  w.EndObject();
  w.Key("model");
  w.StartObject();
  w.Key("path");
  w.String(dir.path());
  w.Key("architecture");
  w.String(out.architecture);
  w.Key("sha256");
  w.String(dir.safetensors_sha256());
  w.Key("parameters");
  w.Int64(out.parameters);
  w.Key("weights");
  w.String(o.quantize == "q8" ? "q8" : "f32");
  w.EndObject();
  write_params(w, o);
  w.EndObject();
  std::fwrite(buf.GetString(), 1, buf.GetSize(), stdout);
  std::fputc('\n', stdout);
}

std::unique_ptr<native::ThreadPool> make_pool(const Options& o) {
  int threads = resolve_threads(o.threads);
  if (threads <= 1) return nullptr;
  auto pool = native::ThreadPool::create(threads);
  if (!pool.ok()) fail("--threads " + std::to_string(o.threads) + ": " + pool.status().message());
  return std::move(pool).value();
}

// Prints a session's text as its steps return it. Code (unless --raw) is cut at its first
// complete block: whole lines are printed once they are known to belong to it, and
// block_complete() says when a later line has ended it, so generation can stop there.
class OutputStream {
 public:
  OutputStream(bool print, bool first_block) : print_(print), first_block_(first_block) {}

  void add(const std::string& step_text, bool final) {
    all_ += step_text;
    size_t begin = 0, upto = all_.size();
    if (first_block_) {
      service::CodeBlock b = service::first_code_block(all_);
      complete_ = b.complete;
      begin = b.begin;  // fixed once the block's first line has begun
      size_t newline = all_.rfind('\n');
      size_t whole_lines = newline == std::string::npos ? 0 : newline;
      upto = std::max(begin, b.complete || final ? b.end : std::min(b.end, whole_lines));
    }
    if (print_ && upto > begin + shown_.size()) {
      std::fwrite(all_.data() + begin + shown_.size(), 1, upto - begin - shown_.size(), stdout);
      std::fflush(stdout);
    }
    shown_.assign(all_, begin, upto - begin);
  }
  bool block_complete() const { return complete_; }
  const std::string& text() const { return shown_; }

 private:
  bool print_, first_block_;
  bool complete_ = false;
  std::string all_, shown_;
};

bool keep_first_block(const Options& o, bool infilling) {
  return o.kind == "code" && !o.raw && !infilling;
}

// Steps a session (GenerationSession or T5Session) one token at a time, so text reaches the
// terminal as soon as it is known, until it is done or its code's first block is; then prints
// the JSON, or ends the line.
template <class Session>
void drive(Session& session, const Options& o, const native::ModelDir& dir, bool first_block,
           Outcome& r, Timing& timing) {
  std::unique_ptr<native::ThreadPool> pool = make_pool(o);
  OutputStream stream(!o.json, first_block);
  bool first = true;
  while (!session.done() && !stream.block_complete()) {
    auto t = std::chrono::steady_clock::now();
    auto out = session.step(engine::StepBudget::tokens(1), pool.get());
    if (!out.ok()) fail(out.status().message());
    (first ? timing.prefill_ms : timing.decode_ms) += ms_since(t);
    first = false;
    stream.add(out.value().text, session.done());
  }
  if (!o.json) {
    std::fputc('\n', stdout);
    return;
  }
  r.text = stream.text();
  r.tokens = session.generated_tokens();
  r.finish_reason =
      stream.block_complete() ? "code_block" : engine::to_string(session.finish_reason());
  write_json(o, dir, r, timing);
}

void run_gpt2(Options& o, const std::string& prompt, const native::ModelDir& dir, Timing& timing,
              std::chrono::steady_clock::time_point t0) {
  if (o.beams != 1) fail("--beams: beam search needs a T5-family model; this one is GPT-2");
  auto weights = o.quantize == "q8" ? engine::WeightType::q8 : engine::WeightType::f32;
  auto loaded = engine::load_model_folder(dir.files(), weights);
  if (!loaded.ok()) fail(dir.path() + ": " + loaded.status().message());
  const engine::LoadedModel& m = loaded.value();
  timing.load_ms = ms_since(t0);

  engine::GenerationRequest request;
  request.prompt = m.tokenizer.encode(prompt);
  request.sampling = sampling(o);
  request.max_tokens = o.request.max_tokens;
  request.stop = o.request.stop;
  size_t prompt_tokens = request.prompt.size();
  auto started = engine::GenerationSession::start(m.model, m.tokenizer, std::move(request));
  if (!started.ok()) fail(started.status().message());
  engine::GenerationSession& session = started.value();
  Outcome r{"", {}, prompt_tokens, "", m.model.parameter_count(), "gpt2"};
  drive(session, o, dir, keep_first_block(o, false), r, timing);
}

// CodeT5's and T5's sentinels, <extra_id_0> up.
std::vector<int32_t> sentinel_ids(const engine::T5Tokenizer& tok) {
  std::vector<int32_t> ids;
  for (int n = 0; n < 10000; ++n) {
    auto id = tok.token_id("<extra_id_" + std::to_string(n) + ">");
    if (!id || !tok.is_special(*id)) break;
    ids.push_back(*id);
  }
  return ids;
}

// Span infilling: the answer to a source with a sentinel starts with that sentinel and ends
// at the next one; every other sentinel ends generation.
std::vector<int32_t> infill_end_tokens(const engine::T5Tokenizer& tok,
                                       const std::vector<int32_t>& source) {
  std::vector<int32_t> sentinels = sentinel_ids(tok);
  auto first = std::find_first_of(source.begin(), source.end(), sentinels.begin(), sentinels.end());
  if (first == source.end()) return {};
  std::vector<int32_t> end;
  for (int32_t id : sentinels) {
    if (id != *first) end.push_back(id);
  }
  return end;
}

void run_t5(Options& o, const std::string& prompt, const native::ModelDir& dir, Timing& timing,
            std::chrono::steady_clock::time_point t0) {
  auto weights = o.quantize == "q8" ? engine::WeightType::q8 : engine::WeightType::f32;
  auto loaded = engine::load_t5_folder(dir.files(), weights);
  if (!loaded.ok()) fail(dir.path() + ": " + loaded.status().message());
  const engine::LoadedT5& m = loaded.value();
  timing.load_ms = ms_since(t0);

  engine::T5Request request;
  request.source = m.tokenizer.encode_source(prompt);
  request.sampling = sampling(o);
  request.max_tokens = o.request.max_tokens;
  request.stop = o.request.stop;
  request.beams = o.beams;
  request.length_penalty = o.length_penalty;
  request.end_tokens = infill_end_tokens(m.tokenizer, request.source);
  const bool infilling = !request.end_tokens.empty();
  size_t prompt_tokens = request.source.size();
  auto started = engine::T5Session::start(m.model, m.tokenizer, std::move(request));
  if (!started.ok()) fail(started.status().message());
  engine::T5Session& session = started.value();
  Outcome r{"", {}, prompt_tokens, "", m.model.parameter_count(), "t5"};
  drive(session, o, dir, keep_first_block(o, infilling), r, timing);
}

void run(Options& o) {
  check_options(o);
  std::string prompt = read_prompt(o);
  check_request(o, prompt, o.prompt ? "--prompt" : "--prompt-file");
  std::string model_dir = o.model;
  if (model_dir.empty()) {
    auto d = native::default_model_dir(o.kind);
    if (!d.ok()) fail(d.status().message());
    model_dir = d.value();
  }

  auto t0 = std::chrono::steady_clock::now();
  auto dir = native::ModelDir::open(model_dir);
  if (!dir.ok()) fail(dir.status().message());
  Timing timing;
  if (dir.value().is_t5()) {
    run_t5(o, prompt, dir.value(), timing, t0);
  } else {
    run_gpt2(o, prompt, dir.value(), timing, t0);
  }
  std::fflush(stdout);
}

Registration reg("generate", [](CLI::App& app) {
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("generate", "Generate text or code with a model");
  cmd->footer(kHelp);
  cmd->add_option("kind", o->kind, "text or code (picks the bundled model)")->required();
  cmd->add_option("--model", o->model, "Model folder (default: the bundled one for the kind)");
  cmd->add_option("--prompt", o->prompt, "Prompt text (UTF-8)");
  cmd->add_option("--prompt-file", o->prompt_file, "Read the prompt from this file (- for stdin)");
  using namespace service::fields;
  add_request_flag(cmd, "--max-tokens", kMaxTokens, o->max_tokens,
                   "Most tokens to generate (default 64 for text, 128 for code)");
  add_request_flag(cmd, "--temperature", kTemperature, o->request.temperature,
                   "Sampling temperature; 0 = greedy");
  add_request_flag(cmd, "--top-k", kTopK, o->request.top_k,
                   "Keep the K most likely tokens; 0 = off");
  add_request_flag(cmd, "--top-p", kTopP, o->request.top_p, "Nucleus sampling mass; 1 = off");
  add_request_flag(cmd, "--min-p", kMinP, o->request.min_p,
                   "Drop tokens below P x the best; 0 = off");
  // --repeat-penalty is the engine's (and llama.cpp's) name, kept as an alias.
  add_request_flag(cmd, "--repetition-penalty,--repeat-penalty", kRepetitionPenalty,
                   o->request.repetition_penalty, "Penalty for recent tokens; 1 = off");
  cmd->add_option("--repeat-last-n", o->extras.repeat_last_n,
                  "Tokens the penalties look back over; 0 = off, -1 = all (CLI only)")
      ->capture_default_str()
      ->transform(whole_number(-1, std::numeric_limits<int>::max()));
  cmd->add_option("--frequency-penalty", o->extras.frequency_penalty,
                  "Subtracted per earlier occurrence (CLI only)")
      ->capture_default_str()
      ->transform(finite_number());
  cmd->add_option("--presence-penalty", o->extras.presence_penalty,
                  "Subtracted once if the token occurred (CLI only)")
      ->capture_default_str()
      ->transform(finite_number());
  cmd->add_option("--seed", o->seed, "Random seed (default: a fresh one, shown with --json)")
      ->transform(unsigned_number());
  cmd->add_option("--stop", o->request.stop,
                  "Stop when the output contains this string (repeatable; at most 16, each 1..256 "
                  "bytes)")
      ->take_all()
      ->allow_extra_args(false);
  cmd->add_option("--quantize", o->quantize, "q8: int8 weights chosen at load time; none: f32")
      ->capture_default_str();
  cmd->add_option("--threads", o->threads,
                  "Threads for the forward pass (default 1; 0 = one per core, at most 256)")
      ->capture_default_str()
      ->transform(whole_number(0, kMaxThreads));
  cmd->add_option("--beams", o->beams,
                  "T5: beam search with N beams (1 = sample as the other flags say; at most 16)")
      ->capture_default_str()
      ->transform(whole_number(1, engine::T5Request::kMaxBeams));
  cmd->add_option("--length-penalty", o->length_penalty,
                  "T5 beam search: a hypothesis scores log-prob / length^P")
      ->capture_default_str()
      ->transform(finite_number());
  cmd->add_flag("--raw", o->raw, "code: keep all the output, not only its first complete block");
  cmd->add_flag("--json", o->json, "Print one JSON object (text, ids, timing, model sha256)");
  cmd->callback([o] { run(*o); });
});

}  // namespace
}  // namespace hyv::cli
