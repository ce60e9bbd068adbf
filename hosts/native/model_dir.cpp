#include "model_dir.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "file_io.h"
#include "hyv/engine/t5.h"

namespace hyv::native {

Result<std::unique_ptr<MappedFile>> MappedFile::open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::Error(path + ": cannot open: " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::Error(path + ": not a regular file");
  }
  std::unique_ptr<MappedFile> file(new MappedFile);
  if (st.st_size > 0) {
    void* p = ::mmap(nullptr, size_t(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      std::string reason = std::strerror(errno);
      ::close(fd);
      return Status::Error(path + ": cannot map: " + reason);
    }
    file->data_ = static_cast<const uint8_t*>(p);
    file->size_ = size_t(st.st_size);
  }
  ::close(fd);
  return file;
}

MappedFile::~MappedFile() {
  if (data_ != nullptr) ::munmap(const_cast<uint8_t*>(data_), size_);
}

Result<ModelDir> ModelDir::open(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    return Status::Error(dir +
                         ": no such model folder (it should hold config.json, "
                         "model.safetensors and the tokenizer files)");
  ModelDir m;
  m.path_ = dir;
  struct Entry {
    const char* name;
    Bytes engine::ModelFolderFiles::*field;
  };
  using F = engine::ModelFolderFiles;
  const Entry entries[] = {
      {"config.json", &F::config_json},
      {"model.safetensors", &F::safetensors},
      {"pytorch_model.bin", &F::pytorch_model_bin},
      {"vocab.json", &F::vocab_json},
      {"merges.txt", &F::merges_txt},
      {"tokenizer.json", &F::tokenizer_json},
      {"added_tokens.json", &F::added_tokens_json},
      {"special_tokens_map.json", &F::special_tokens_map_json},
      {"tokenizer_config.json", &F::tokenizer_config_json},
      {"spiece.model", &F::spiece_model},
  };
  for (const auto& e : entries) {
    std::string path = dir + "/" + e.name;
    if (!file_exists(path)) continue;
    auto mapped = MappedFile::open(path);
    if (!mapped.ok()) return mapped.status();
    if (mapped.value()->bytes().empty()) return Status::Error(path + ": empty file");
    m.files_.*e.field = mapped.value()->bytes();
    m.maps_.push_back(std::move(mapped).value());
  }
  if (m.files_.config_json.empty())
    return Status::Error(dir + "/config.json: missing from the model folder");
  // T5 folders may hold only pytorch_model.bin (Salesforce/codet5-small does); GPT-2's loader
  // says so when it needs model.safetensors.
  if (m.files_.safetensors.empty() && m.files_.pytorch_model_bin.empty())
    return Status::Error(dir +
                         "/model.safetensors: missing from the model folder (nor is there "
                         "a pytorch_model.bin)");
  return m;
}

bool ModelDir::is_t5() const {
  return engine::is_t5_config(as_string_view(files_.config_json));
}

std::string ModelDir::safetensors_sha256() const {
  return sha256_hex(files_.safetensors.empty() ? files_.pytorch_model_bin : files_.safetensors);
}

std::string sha256_hex(Bytes bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &n, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < n; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

std::vector<std::string> model_search_dirs() {
  // An explicit $HYV_MODELS_DIR is the only place looked at, so it cannot be silently bypassed.
  if (const char* env = std::getenv("HYV_MODELS_DIR"); env != nullptr && *env != '\0') return {env};
  std::vector<std::string> candidates;
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) candidates.push_back((exe.parent_path().parent_path() / "models").string());
#ifdef HYV_SOURCE_DIR
  candidates.push_back(std::string(HYV_SOURCE_DIR) + "/models");
#endif
  // build/hyv's ../models usually is the source tree's: list each place once.
  std::vector<std::string> dirs, seen;
  for (const auto& dir : candidates) {
    std::string canonical = std::filesystem::weakly_canonical(dir, ec).string();
    if (ec) canonical = dir;
    if (std::find(seen.begin(), seen.end(), canonical) != seen.end()) continue;
    seen.push_back(canonical);
    dirs.push_back(ec ? dir : canonical);
  }
  return dirs;
}

Result<std::string> default_model_dir(std::string_view kind) {
  std::string name;
  if (kind == "text") name = "text-small";
  if (kind == "code") name = "code-small";
  if (name.empty())
    return Status::Error("unknown kind \"" + std::string(kind) + "\": use text or code");
  std::string looked;
  for (const auto& root : model_search_dirs()) {
    std::string dir = root + "/" + name;
    if (file_exists(dir + "/config.json")) return dir;
    looked += (looked.empty() ? "" : ", ") + dir;
  }
  return Status::Error("the bundled " + std::string(kind) + " model " + name +
                       " was not found (looked in " + looked +
                       "); set HYV_MODELS_DIR or pass --model DIR");
}

}  // namespace hyv::native
