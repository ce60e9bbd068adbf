// `hyv generate text|code`: load a model folder, run a GenerationSession one token per step and
// stream each step's text to stdout (or print one JSON object with --json).
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <memory>
#include <optional>
#include <random>
#include <thread>

#include "cli_flags.h"
#include "command_registry.h"
#include "file_io.h"
#include "hyv/engine/model_folder.h"
#include "hyv/engine/session.h"
#include "hyv/engine/utf8_text.h"
#include "hyv/service/request_model.h"
#include "model_dir.h"
#include "request_flags.h"
#include "thread_pool.h"

namespace hyv::cli {
namespace {

constexpr const char* kHelp = R"(Generates text or code with a GPT-2-family model.

The model is a Hugging Face folder (config.json, model.safetensors, vocab.json + merges.txt
and/or tokenizer.json); without --model, the bundled text-small or code-small, looked up in
$HYV_MODELS_DIR when it is set, else in ../models beside the hyv binary. Text streams to stdout
as it is made, then a newline. Sampling follows llama.cpp: penalties, top-k, top-p,
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

void write_json(const Options& o, const std::string& model_dir, const native::ModelDir& dir,
                const engine::LoadedModel& m, size_t prompt_tokens,
                const engine::GenerationSession& s, const Timing& t) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  std::string text = s.generated_text();
  w.StartObject();
  w.Key("text");
  w.String(text.data(), rapidjson::SizeType(text.size()));
  w.Key("tokens");
  w.StartArray();
  for (int32_t id : s.generated_tokens()) w.Int(id);
  w.EndArray();
  w.Key("prompt_tokens");
  w.Uint64(prompt_tokens);
  w.Key("generated_tokens");
  w.Uint64(s.generated_tokens().size());
  w.Key("finish_reason");
  w.String(engine::to_string(s.finish_reason()));
  w.Key("timing");
  w.StartObject();
  w.Key("load_ms");
  w.Double(t.load_ms);
  w.Key("prefill_ms");
  w.Double(t.prefill_ms);
  w.Key("decode_ms");
  w.Double(t.decode_ms);
  w.Key("decode_tokens_per_s");
  size_t decoded = s.generated_tokens().size();
  if (decoded > 1 && t.decode_ms > 0) {
    w.Double(double(decoded - 1) / (t.decode_ms / 1000.0));
  } else {
    w.Null();
  }
  w.EndObject();
  w.Key("model");
  w.StartObject();
  w.Key("path");
  w.String(model_dir);
  w.Key("sha256");
  w.String(dir.safetensors_sha256());
  w.Key("parameters");
  w.Int64(m.model.parameter_count());
  w.Key("weights");
  w.String(o.quantize == "q8" ? "q8" : "f32");
  w.EndObject();
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
  w.Key("threads");
  w.Int(o.threads);
  w.EndObject();
  w.EndObject();
  std::fwrite(buf.GetString(), 1, buf.GetSize(), stdout);
  std::fputc('\n', stdout);
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
  auto weights = o.quantize == "q8" ? engine::WeightType::q8 : engine::WeightType::f32;
  auto loaded = engine::load_model_folder(dir.value().files(), weights);
  if (!loaded.ok()) fail(model_dir + ": " + loaded.status().message());
  const engine::LoadedModel& m = loaded.value();
  Timing timing;
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

  int threads = resolve_threads(o.threads);
  std::unique_ptr<native::ThreadPool> pool;
  if (threads > 1) {
    auto started_pool = native::ThreadPool::create(threads);
    if (!started_pool.ok())
      fail("--threads " + std::to_string(o.threads) + ": " + started_pool.status().message());
    pool = std::move(started_pool).value();
  }

  // One token per step, so text reaches the terminal as soon as it is known.
  bool first = true;
  while (!session.done()) {
    auto t = std::chrono::steady_clock::now();
    auto out = session.step(engine::StepBudget::tokens(1), pool.get());
    if (!out.ok()) fail(out.status().message());
    (first ? timing.prefill_ms : timing.decode_ms) += ms_since(t);
    first = false;
    if (!o.json && !out.value().text.empty()) {
      std::fwrite(out.value().text.data(), 1, out.value().text.size(), stdout);
      std::fflush(stdout);
    }
  }
  if (o.json) {
    write_json(o, model_dir, dir.value(), m, prompt_tokens, session, timing);
  } else {
    std::fputc('\n', stdout);
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
  cmd->add_flag("--json", o->json, "Print one JSON object (text, ids, timing, model sha256)");
  cmd->callback([o] { run(*o); });
});

}  // namespace
}  // namespace hyv::cli
