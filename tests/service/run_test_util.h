// Test helpers for generation runs: model folders read from the repository, a resolver over
// them, and table sinks that collect the bytes in memory.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>

#include "hyv/engine/model_folder.h"
#include "hyv/service/generation_run.h"

namespace hyv::service::testing {

inline std::string read_repo_file(const std::string& relative) {
  std::ifstream in(std::string(HYV_SOURCE_DIR) + "/" + relative, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A model folder's bytes, kept alive with the model loaded from them.
struct ModelFolder {
  std::string config, weights, vocab, merges, tokenizer;
};

inline std::shared_ptr<const engine::LoadedModel> load_repo_model(const std::string& dir) {
  ModelFolder f{read_repo_file(dir + "/config.json"), read_repo_file(dir + "/model.safetensors"),
                read_repo_file(dir + "/vocab.json"), read_repo_file(dir + "/merges.txt"), ""};
  engine::ModelFolderFiles files;
  files.config_json = as_bytes(f.config);
  files.safetensors = as_bytes(f.weights);
  files.vocab_json = as_bytes(f.vocab);
  files.merges_txt = as_bytes(f.merges);
  auto loaded = engine::load_model_folder(files, engine::WeightType::f32);
  EXPECT_TRUE(loaded.ok()) << loaded.status().message();
  if (!loaded.ok()) return nullptr;
  return std::make_shared<engine::LoadedModel>(std::move(loaded).value());
}

// Collects each table's bytes under its name, in the order the run opened them.
struct CollectedTables {
  std::map<std::string, std::string> bytes;
  std::vector<std::string> order;

  TableSinkOpener opener() {
    return [this](std::string_view table) -> Result<synth::ByteSink> {
      std::string name(table);
      order.push_back(name);
      std::string* out = &bytes[name];
      return synth::ByteSink([out](std::string_view b) {
        out->append(b);
        return Status::Ok();
      });
    };
  }
};

// A resolver that knows one model under `id` (and answers "" with it too).
inline ModelResolver single_model(std::shared_ptr<const engine::LoadedModel> model,
                                  std::string id) {
  return [model, id](DataType, std::string_view asked) -> Result<ResolvedModel> {
    if (!asked.empty() && asked != id) {
      return Status::Error(StatusCode::kNotFound, "model '" + std::string(asked) + "' not found");
    }
    return ResolvedModel{model, id, std::string(64, 'a')};
  };
}

struct RunOutput {
  std::unique_ptr<GenerationRun> run;
  CollectedTables tables;
  std::vector<RunProgress> steps;
};

// Creates and drives a run to the end with `units` per step.
inline std::unique_ptr<RunOutput> run_to_end(DataType type, const std::string& params,
                                             ModelResolver resolver, uint64_t units,
                                             TaskRunner* runner = nullptr) {
  auto out = std::make_unique<RunOutput>();
  RunContext ctx;
  ctx.resolve_model = std::move(resolver);
  ctx.open_table = out->tables.opener();
  ctx.runner = runner;
  ctx.fallback_seed = 7;
  auto run = GenerationRun::create(type, params, std::move(ctx));
  EXPECT_TRUE(run.ok()) << run.status().message();
  if (!run.ok()) return out;
  out->run = std::move(run).value();
  for (int guard = 0; !out->run->done() && guard < 1000000; ++guard) {
    auto p = out->run->step(RunBudget{units, nullptr});
    EXPECT_TRUE(p.ok()) << p.status().message();
    if (!p.ok()) break;
    out->steps.push_back(std::move(p).value());
  }
  return out;
}

}  // namespace hyv::service::testing
