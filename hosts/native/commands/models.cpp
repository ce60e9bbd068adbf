// `hyv models pull NAME` downloads a GPT-2-family folder from the Hugging Face hub and checks it
// loads; `hyv models list` shows the bundled models.
//
// pull writes every file under a temporary name first and renames them only once all are
// downloaded and the folder loads, so a failed or interrupted pull leaves no partial folder.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <set>

#include "command_registry.h"
#include "file_io.h"
#include "hub_download.h"
#include "hyv/engine/model_folder.h"
#include "model_dir.h"

namespace hyv::cli {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const std::string& message) {
  throw Exit{1, message};
}

struct HubFile {
  const char* name;
  bool required;
};
constexpr HubFile kFiles[] = {{"config.json", true},
                              {"model.safetensors", true},
                              {"vocab.json", false},
                              {"merges.txt", false},
                              {"tokenizer.json", false}};

bool valid_repo_name(const std::string& name) {
  if (name.empty() || name.front() == '/' || name.find("..") != std::string::npos) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
           c == '/';
  });
}

// Temporary files of one pull; whatever is still listed when it goes out of scope is removed,
// and so is the folder if the pull created it.
class Staging {
 public:
  Staging(std::string dir, bool created) : dir_(std::move(dir)), created_(created) {}
  ~Staging() {
    for (const auto& [tmp, final_path] : files_) ::unlink(tmp.c_str());
    if (created_ && !committed_) ::rmdir(dir_.c_str());
  }
  std::string add(const std::string& name) {
    std::string tmp = dir_ + "/." + name + ".tmp-" + std::to_string(::getpid());
    files_.emplace_back(tmp, dir_ + "/" + name);
    return tmp;
  }
  void drop_last() { files_.pop_back(); }
  const std::vector<std::pair<std::string, std::string>>& files() const { return files_; }
  void commit() {
    for (const auto& [tmp, final_path] : files_) {
      if (::rename(tmp.c_str(), final_path.c_str()) != 0)
        fail(final_path + ": rename failed: " + std::strerror(errno));
    }
    files_.clear();
    committed_ = true;
  }

 private:
  std::string dir_;
  bool created_;
  bool committed_ = false;
  std::vector<std::pair<std::string, std::string>> files_;
};

void verify_folder(const Staging& staging) {
  std::vector<std::unique_ptr<native::MappedFile>> maps;
  engine::ModelFolderFiles files;
  for (const auto& [tmp, final_path] : staging.files()) {
    auto m = native::MappedFile::open(tmp);
    if (!m.ok()) fail(m.status().message());
    std::string name = fs::path(final_path).filename().string();
    Bytes b = m.value()->bytes();
    if (name == "config.json") files.config_json = b;
    if (name == "model.safetensors") files.safetensors = b;
    if (name == "vocab.json") files.vocab_json = b;
    if (name == "merges.txt") files.merges_txt = b;
    if (name == "tokenizer.json") files.tokenizer_json = b;
    maps.push_back(std::move(m).value());
  }
  auto loaded = engine::load_model_folder(files, engine::WeightType::f32);
  if (!loaded.ok())
    fail("the downloaded folder does not load, so nothing was kept: " + loaded.status().message());
}

void pull(const std::string& name, std::string dir) {
  if (!valid_repo_name(name))
    fail("\"" + name + "\" is not a hub model name (e.g. distilgpt2, gpt2, openai-community/gpt2)");
  if (dir.empty()) dir = fs::path(name).filename().string();
  std::error_code ec;
  bool created = fs::create_directories(dir, ec);
  if (ec) fail(dir + ": cannot create: " + ec.message());
  Staging staging(dir, created);
  std::string base = native::hub_endpoint() + "/" + name + "/resolve/main/";

  for (const auto& f : kFiles) {
    std::string tmp = staging.add(f.name);
    std::fprintf(stderr, "hyv: downloading %s%s\n", base.c_str(), f.name);
    auto got = native::download_to_file(base + f.name, tmp);
    if (!got.ok()) {
      std::string message = got.status().message();
      if (message.rfind("cannot reach", 0) == 0)
        message += "; download the folder elsewhere and pass --model DIR";
      fail(message);
    }
    const native::Download& d = got.value();
    if (d.status == 404) {
      staging.drop_last();
      if (f.required) fail(base + f.name + ": not found on the hub (is \"" + name + "\" a model?)");
      continue;
    }
    if (!d.linked_etag.empty() && d.linked_etag != d.sha256)
      fail(std::string(f.name) + ": downloaded sha256 " + d.sha256 + " differs from the hub's " +
           d.linked_etag + "; nothing was kept, try again");
    std::fprintf(stderr, "hyv:   %llu bytes, sha256 %s%s\n", (unsigned long long)d.bytes,
                 d.sha256.c_str(), d.linked_etag.empty() ? "" : " (matches the hub)");
  }
  verify_folder(staging);
  staging.commit();
  std::printf("%s\n", dir.c_str());
  std::fprintf(stderr, "hyv: saved %s; use it with: hyv generate text --model %s --prompt ...\n",
               dir.c_str(), dir.c_str());
}

void list() {
  std::set<std::string> seen;
  std::string looked;
  int shown = 0;
  for (const auto& root : native::model_search_dirs()) {
    looked += (looked.empty() ? "" : ", ") + root;
    std::error_code ec;
    std::vector<fs::path> dirs;
    for (const auto& entry : fs::directory_iterator(root, ec)) {
      if (native::file_exists((entry.path() / "config.json").string()))
        dirs.push_back(entry.path());
    }
    std::sort(dirs.begin(), dirs.end());
    for (const auto& d : dirs) {
      std::string canonical = fs::weakly_canonical(d, ec).string();
      if (!seen.insert(canonical).second) continue;
      std::string name = d.filename().string();
      auto config_text = native::read_text_file((d / "config.json").string());
      auto config = config_text.ok() ? engine::parse_gpt2_config(config_text.value())
                                     : Result<engine::Gpt2Config>(config_text.status());
      auto weights = native::MappedFile::open((d / "model.safetensors").string());
      if (shown++ == 0)
        std::printf("%-16s %-5s %12s  %-64s  %s\n", "NAME", "KIND", "PARAMETERS", "SHA256", "PATH");
      std::printf(
          "%-16s %-5s %12s  %-64s  %s\n", name.c_str(),
          name.rfind("code", 0) == 0 ? "code" : "text",
          config.ok() ? std::to_string(engine::gpt2_parameter_count(config.value())).c_str() : "?",
          weights.ok() ? native::sha256_hex(weights.value()->bytes()).c_str()
                       : "(no model.safetensors)",
          d.string().c_str());
    }
  }
  if (shown == 0) fail("no models found (looked in " + looked + "); set HYV_MODELS_DIR");
}

Registration reg("models", [](CLI::App& app) {
  auto* cmd = app.add_subcommand("models", "Download and list models");
  cmd->require_subcommand(1);
  auto name = std::make_shared<std::string>();
  auto dir = std::make_shared<std::string>();
  auto* pull_cmd = cmd->add_subcommand(
      "pull",
      "Download a GPT-2-family model folder (distilgpt2, gpt2) from the Hugging Face hub "
      "($HYV_HF_ENDPOINT overrides https://huggingface.co) and check that it loads");
  pull_cmd->add_option("name", *name, "Hub model name, e.g. distilgpt2 or gpt2")->required();
  pull_cmd->add_option("--dir", *dir, "Folder to write (default: ./NAME)");
  pull_cmd->callback([name, dir] { pull(*name, *dir); });
  auto* list_cmd =
      cmd->add_subcommand("list", "Show bundled models: name, kind, parameters, sha256");
  list_cmd->callback([] { list(); });
});

}  // namespace
}  // namespace hyv::cli
