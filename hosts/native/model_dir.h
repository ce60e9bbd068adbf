// Model folders on disk: maps a Hugging Face folder's files and hands their bytes to
// hyv::engine::load_model_folder, and finds the bundled model for a kind.
//
//   auto dir = hyv::native::ModelDir::open("models/text-small");   // errors name the file
//   auto loaded = hyv::engine::load_model_folder(dir.value().files(), WeightType::f32);
//   std::string sha = dir.value().safetensors_sha256();            // hex, for provenance
//
// Bundled models are looked up under $HYV_MODELS_DIR when it is set, else under ../models beside
// the hyv executable (build/hyv -> models/), then the source tree the binary was built from.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hyv/bytes.h"
#include "hyv/engine/model_folder.h"
#include "hyv/status.h"

namespace hyv::native {

// A read-only memory map of a whole file (empty files map to an empty span).
class MappedFile {
 public:
  static Result<std::unique_ptr<MappedFile>> open(const std::string& path);
  ~MappedFile();
  Bytes bytes() const { return {data_, size_}; }

 private:
  MappedFile() = default;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

class ModelDir {
 public:
  // Maps the files that exist; config.json must, and model.safetensors or pytorch_model.bin.
  static Result<ModelDir> open(const std::string& dir);

  const std::string& path() const { return path_; }
  const engine::ModelFolderFiles& files() const { return files_; }
  // Whether config.json names a T5-family model (load with engine::load_t5_folder).
  bool is_t5() const;
  // Of the weights file: model.safetensors, else pytorch_model.bin.
  std::string safetensors_sha256() const;

 private:
  std::string path_;
  std::vector<std::unique_ptr<MappedFile>> maps_;
  engine::ModelFolderFiles files_;
};

// SHA-256 of bytes as 64 lowercase hex digits (OpenSSL).
std::string sha256_hex(Bytes bytes);

// Directories that may hold bundled models, in lookup order (they need not exist).
std::vector<std::string> model_search_dirs();

// The bundled model folder for a kind: "text" -> text-small, "code" -> code-small.
Result<std::string> default_model_dir(std::string_view kind);

}  // namespace hyv::native
