// `hyv dataset TYPE --params JSON -o DIR`: one job of the request model (the `params` object the
// studio's POST /api/jobs and the generator canister's job_submit take, docs/api.yaml), run with
// the same GenerationRun, so the same params give the same bytes in every host. Writes each
// table's canonical JSONL (DIR/<table>.jsonl, the studio's and the canister's download bytes),
// the table in --format too when it is not jsonl, and DIR/manifest.json (the dataset's
// manifest, with every parameter and the seed).
//
// Models: "model" in params names a bundled model (text-small, code-small; default: the type's)
// or one given with --model ID=DIR.
#include <chrono>
#include <cstdio>
#include <map>
#include <string>

#include "cli_flags.h"
#include "command_registry.h"
#include "file_io.h"
#include "hyv/service/dataset_formats.h"
#include "hyv/service/generation_run.h"
#include "model_dir.h"
#include "table_output.h"
#include "thread_pool.h"

namespace hyv::cli {
namespace {

struct Flags {
  std::string type;
  std::string params;
  std::string out;
  std::string format = "jsonl";
  std::vector<std::string> models;  // ID=DIR
  uint64_t seed = 0;
  int threads = 0;
};

struct Table {
  std::string name;
  std::unique_ptr<native::StreamedFile> file;
};

// A model folder loaded once per run, kept alive while the run lives.
struct LoadedFolder {
  native::ModelDir dir;
  std::shared_ptr<const engine::LoadedModel> model;
};

// Returns errors rather than throwing: it runs inside the core, which has no exceptions.
Result<std::string> folder_of(const Flags& flags, service::DataType type, const std::string& id) {
  for (const std::string& m : flags.models) {
    size_t eq = m.find('=');
    if (eq != std::string::npos && m.substr(0, eq) == id) return m.substr(eq + 1);
  }
  std::string kind = id.empty() ? std::string(service::data_type_name(type)) : id;
  if (kind == "text-small") kind = "text";
  if (kind == "code-small") kind = "code";
  if (kind != "text" && kind != "code") {
    return Status::Error(StatusCode::kNotFound,
                         "no model \"" + id + "\": give its folder with --model " + id + "=DIR");
  }
  return native::default_model_dir(kind);
}

service::ModelResolver resolver(const Flags& flags, std::vector<LoadedFolder>& loaded) {
  return [&flags, &loaded](service::DataType type,
                           std::string_view asked) -> Result<service::ResolvedModel> {
    std::string id(asked);
    auto folder = folder_of(flags, type, id);
    if (!folder.ok()) return folder.status();
    if (id.empty()) id = type == service::DataType::kCode ? "code-small" : "text-small";
    auto dir = native::ModelDir::open(folder.value());
    if (!dir.ok()) return dir.status();
    auto model = engine::load_model_folder(dir.value().files(), engine::WeightType::f32);
    if (!model.ok()) return model.status().with_context(folder.value());
    std::string sha = dir.value().safetensors_sha256();
    loaded.push_back(
        {std::move(dir).value(), std::make_shared<engine::LoadedModel>(std::move(model).value())});
    return service::ResolvedModel{loaded.back().model, id, sha};
  };
}

std::string params_text(const std::string& given) {
  if (given.empty() || given[0] != '@') return given;
  auto text = native::read_text_file(given.substr(1));
  if (!text.ok()) throw Exit{1, text.status().message()};
  return text.value();
}

void convert(const Flags& flags, service::DownloadFormat format, const service::DatasetTable& t) {
  auto jsonl = native::read_text_file(flags.out + "/" + t.name + ".jsonl");
  if (!jsonl.ok()) throw Exit{1, jsonl.status().message()};
  auto converted = service::convert_table(format, t.columns, jsonl.value());
  if (!converted.ok()) throw Exit{1, t.name + ": " + converted.status().message()};
  auto path = native::file_in_folder(flags.out, t.name, flags.format);
  if (!path.ok()) throw Exit{1, path.status().message()};
  Status s =
      native::write_file_atomic(path.value(), converted.value().data(), converted.value().size());
  if (!s.ok()) throw Exit{1, s.message()};
}

void run(const Flags& flags) {
  auto type = service::parse_data_type(flags.type);
  if (!type.ok()) throw Exit{1, type.status().message()};
  auto format = service::parse_download_format(flags.format);
  if (!format.ok()) throw Exit{1, "--format: " + format.status().message()};
  if (Status s = native::make_directories(flags.out); !s.ok()) throw Exit{1, s.message()};
  auto pool = native::ThreadPool::create(flags.threads);
  if (!pool.ok()) throw Exit{1, pool.status().message()};
  std::vector<LoadedFolder> loaded;
  std::vector<Table> tables;
  service::RunContext ctx;
  ctx.resolve_model = resolver(flags, loaded);
  ctx.open_table = [&](std::string_view name) -> Result<synth::ByteSink> {
    auto path = native::file_in_folder(flags.out, std::string(name), "jsonl");
    if (!path.ok()) return path.status();
    auto file = native::StreamedFile::open(path.value());
    if (!file.ok()) return file.status();
    tables.push_back({std::string(name), std::move(file).value()});
    return tables.back().file->sink();
  };
  ctx.runner = pool.value().get();
  ctx.fallback_seed = flags.seed;
  auto created =
      service::GenerationRun::create(type.value(), params_text(flags.params), std::move(ctx));
  if (!created.ok()) throw Exit{1, created.status().message()};
  service::GenerationRun& gen = *created.value();
  native::catch_interrupts();
  const bool table = type.value() == service::DataType::kTable;
  while (!gen.done()) {
    if (int sig = native::interrupted()) throw Exit{128 + sig, native::interrupted_message(sig)};
    auto step = gen.step(service::RunBudget{table ? 4096u : 64u, nullptr});
    if (!step.ok()) throw Exit{1, step.status().message()};
    std::fprintf(stderr, "\rhyv: %llu of %llu %s", (unsigned long long)step.value().items_done,
                 (unsigned long long)step.value().items_total, table ? "rows" : "samples");
  }
  std::fprintf(stderr, "\n");
  for (Table& t : tables) {
    if (Status s = t.file->commit(); !s.ok()) throw Exit{1, s.message()};
  }
  service::DatasetManifest m;
  m.id = "local";
  m.name = flags.out;
  gen.fill_manifest(m);
  std::string manifest = service::dataset_manifest_to_json(m) + "\n";
  Status s =
      native::write_file_atomic(flags.out + "/manifest.json", manifest.data(), manifest.size());
  if (!s.ok()) throw Exit{1, s.message()};
  if (format.value() != service::DownloadFormat::kJsonl) {
    for (const service::DatasetTable& t : gen.tables()) convert(flags, format.value(), t);
  }
  std::fprintf(stderr, "hyv: %s: %llu %s, %llu bytes, quality %s\n", flags.out.c_str(),
               (unsigned long long)gen.item_count(), table ? "rows" : "samples",
               (unsigned long long)gen.size_bytes(),
               gen.quality_score() ? std::to_string(*gen.quality_score()).c_str() : "-");
}

Registration reg("dataset", [](CLI::App& app) {
  auto flags = std::make_shared<Flags>();
  auto* cmd = app.add_subcommand(
      "dataset", "Run one job of the request model (the studio's and the canister's params)");
  cmd->add_option("type", flags->type, "text, code or table")->required();
  cmd->add_option("--params", flags->params,
                  "The params JSON object (docs/api.yaml), or @FILE to read it from a file")
      ->required();
  cmd->add_option("-o,--out", flags->out, "Folder for <table>.jsonl and manifest.json")->required();
  cmd->add_option("--format", flags->format, "Also write each table as csv, json or txt");
  cmd->add_option("--model", flags->models, "A model for params.model: ID=DIR (repeatable)");
  cmd->add_option("--seed", flags->seed, "The seed when params has none (default 0)");
  cmd->add_option("--threads", flags->threads, "Threads for the engine (0 = one per core)")
      ->transform(whole_number(0, 256));
  cmd->callback([flags] { run(*flags); });
});

}  // namespace
}  // namespace hyv::cli
