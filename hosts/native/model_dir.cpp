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
    bool required;
  };
  const Entry entries[] = {
      {"config.json", &engine::ModelFolderFiles::config_json, true},
      {"model.safetensors", &engine::ModelFolderFiles::safetensors, true},
      {"vocab.json", &engine::ModelFolderFiles::vocab_json, false},
      {"merges.txt", &engine::ModelFolderFiles::merges_txt, false},
      {"tokenizer.json", &engine::ModelFolderFiles::tokenizer_json, false},
  };
  for (const auto& e : entries) {
    std::string path = dir + "/" + e.name;
    if (!file_exists(path)) {
      if (e.required) return Status::Error(path + ": missing from the model folder");
      continue;
    }
    auto mapped = MappedFile::open(path);
    if (!mapped.ok()) return mapped.status();
    m.files_.*e.field = mapped.value()->bytes();
    if (e.required && mapped.value()->bytes().empty()) return Status::Error(path + ": empty file");
    m.maps_.push_back(std::move(mapped).value());
  }
  return m;
}

std::string ModelDir::safetensors_sha256() const {
  return sha256_hex(files_.safetensors);
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
