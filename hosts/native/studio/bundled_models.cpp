#include "studio/bundled_models.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>

#include "file_io.h"
#include "hyv/engine/gpt2.h"
#include "model_dir.h"

namespace hyv::studio {
namespace {

namespace fs = std::filesystem;

std::string trim(std::string s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  size_t e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// "license: apache-2.0" from the Hugging Face front matter, and the first paragraph after the
// title as the description.
void read_model_card(const std::string& readme, service::ModelInfo& info) {
  size_t pos = 0;
  bool in_front_matter = false, past_title = false;
  std::string paragraph;
  while (pos < readme.size()) {
    size_t end = readme.find('\n', pos);
    if (end == std::string::npos) end = readme.size();
    std::string line = trim(readme.substr(pos, end - pos));
    pos = end + 1;
    if (line == "---") {
      in_front_matter = !in_front_matter;
      continue;
    }
    if (in_front_matter) {
      if (line.rfind("license:", 0) == 0) info.license = trim(line.substr(8));
      continue;
    }
    if (line.rfind("# ", 0) == 0) {
      past_title = true;
      continue;
    }
    if (!past_title) continue;
    if (line.empty()) {
      if (!paragraph.empty()) break;
      continue;
    }
    if (line[0] == '#') break;
    if (!paragraph.empty()) paragraph += ' ';
    paragraph += line;
  }
  if (!paragraph.empty()) info.description = paragraph;
}

}  // namespace

Result<service::ModelInfo> describe_model_folder(const std::string& id, const std::string& dir,
                                                 service::DataType type) {
  service::ModelInfo info;
  info.id = id;
  info.name = id;
  info.data_type = type;
  info.license = "unknown";
  auto config = native::read_text_file(dir + "/config.json");
  if (!config.ok()) return config.status();
  auto parsed = engine::parse_gpt2_config(config.value());
  if (!parsed.ok()) return parsed.status().with_context(dir + "/config.json");
  info.parameter_count = engine::gpt2_parameter_count(parsed.value());
  if (auto readme = native::read_text_file(dir + "/README.md"); readme.ok()) {
    read_model_card(readme.value(), info);
  }
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file()) names.push_back(entry.path().filename().string());
  }
  if (ec) return Status::Error(dir + ": " + ec.message());
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    auto map = native::MappedFile::open(dir + "/" + name);
    if (!map.ok()) return map.status();
    Bytes bytes = map.value()->bytes();
    service::ModelFile file{name, bytes.size(), native::sha256_hex(bytes)};
    info.size_bytes += file.size;
    if (name == "model.safetensors") info.sha256 = file.sha256;
    info.files.push_back(std::move(file));
  }
  if (info.sha256.empty()) return Status::Error(dir + "/model.safetensors: missing");
  struct stat st {};
  if (::stat((dir + "/model.safetensors").c_str(), &st) == 0) {
    info.created_at_ms = static_cast<int64_t>(st.st_mtime) * 1000;
  }
  return info;
}

std::vector<BundledModel> find_bundled_models(std::vector<std::string>& missing) {
  std::vector<BundledModel> out;
  for (auto [kind, type] :
       {std::pair{"text", service::DataType::kText}, std::pair{"code", service::DataType::kCode}}) {
    auto dir = native::default_model_dir(kind);
    if (!dir.ok()) {
      missing.push_back(dir.status().message());
      continue;
    }
    std::string id = fs::path(dir.value()).filename().string();
    auto info = describe_model_folder(id, dir.value(), type);
    if (!info.ok()) {
      missing.push_back(info.status().message());
      continue;
    }
    out.push_back({std::move(info).value(), dir.value()});
  }
  return out;
}

}  // namespace hyv::studio
