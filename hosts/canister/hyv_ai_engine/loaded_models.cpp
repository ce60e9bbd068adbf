#include "loaded_models.h"

#include <algorithm>
#include <map>
#include <span>
#include <vector>

#include "heap_check.h"
#include "hyv/ic0/api.h"
#include "model_store.h"
#include "sessions.h"

namespace hyv::canister {
namespace {

std::map<std::string, std::shared_ptr<const LoadedModelEntry>, std::less<>>& table() {
  static auto* t = new std::map<std::string, std::shared_ptr<const LoadedModelEntry>, std::less<>>;
  return *t;
}

std::string hex(std::span<const uint8_t> bytes) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (uint8_t b : bytes) {
    s += digits[b >> 4];
    s += digits[b & 15];
  }
  return s;
}

const ModelInfo* find_info(const std::vector<ModelInfo>& all, const std::string& name) {
  for (const ModelInfo& m : all) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

// The files of a model folder, in ModelFolderFiles order; the first two are required.
constexpr const char* kFiles[] = {"config.json", "model.safetensors", "vocab.json", "merges.txt",
                                  "tokenizer.json"};
constexpr int kRequiredFiles = 2;
// Bytes copied from stable memory between two looks at the instruction counter.
constexpr uint64_t kCopyChunkBytes = uint64_t{4} << 20;
// Instructions one parse step (convert, transpose, quantize a tensor) costs per weight, with
// margin: DistilGPT-2 shape measured ~23 (f32) and ~42 (q8) for the whole load, copy included
// (docs/benchmarks.md). A step starts only when this estimate fits what is left of the call (the
// first step of a call always runs); too low only costs a trapped call, rolled back, after which
// the next call starts that step from a fresh budget.
constexpr uint64_t kParseInstructionsPerWeightF32 = 40;
constexpr uint64_t kParseInstructionsPerWeightQ8 = 64;
// The parse's first step reads config.json, the tokenizer and the safetensors header: per byte of
// the first and the tokenizer's files, with margin (GPT-2's 1.5 MB measured 0.56B in all).
constexpr uint64_t kTokenizerInstructionsPerByte = 500;

struct PendingFile {
  std::string upload;   // "<model>.<file>"
  uint64_t id = 0;      // the upload's id: a new upload of the same name has another
  uint64_t total = 0;   // 0 when the (optional) file is absent
  uint64_t copied = 0;  // bytes [0, copied) of `bytes` hold the file's
  // `total` bytes from its first chunk on, left uninitialised: zeroing a model's worth of heap
  // first would cost as much as the copy (~1 instruction a byte).
  std::unique_ptr<uint8_t[]> bytes;
  Bytes view() const { return {bytes.get(), static_cast<size_t>(copied)}; }
};

// A load between calls: what it reads, and how far the copy is.
struct PendingLoad {
  engine::WeightType type = engine::WeightType::f32;
  std::string sha256_hex;
  std::vector<PendingFile> files;
  // Once the files are copied: the parse so far (reads the bytes of `files`).
  std::unique_ptr<engine::ModelFolderLoader> parser;
};

std::map<std::string, PendingLoad, std::less<>>& pending() {
  static auto* p = new std::map<std::string, PendingLoad, std::less<>>;
  return *p;
}

LoadProgress progress_of(const PendingLoad& load) {
  LoadProgress p;
  for (const PendingFile& f : load.files) {
    p.done_bytes += f.copied;
    p.total_bytes += f.total;
  }
  if (load.parser != nullptr) {
    p.done_steps = 1 + static_cast<uint64_t>(load.parser->steps_done());
    p.total_steps = 1 + static_cast<uint64_t>(load.parser->steps_total());
  }
  return p;
}

// The pending load still reads the uploads it started with (same ids, still complete).
bool still_current(const PendingLoad& load, const std::vector<ModelInfo>& all) {
  for (const PendingFile& f : load.files) {
    const ModelInfo* m = find_info(all, f.upload);
    if (f.total == 0 ? m != nullptr : (m == nullptr || m->id != f.id || !m->complete)) {
      return false;
    }
  }
  return true;
}

Result<engine::WeightType> weight_type(std::string_view quantize) {
  if (quantize == "q8") return engine::WeightType::q8;
  if (quantize.empty() || quantize == "none") return engine::WeightType::f32;
  return Status::Error("quantize must be \"q8\" or \"none\", not \"" + std::string(quantize) +
                       "\"");
}

// Checks the folder and the heap, and plans the copy; copies nothing.
Result<PendingLoad> plan_load(std::string_view name, engine::WeightType type,
                              const std::vector<ModelInfo>& all) {
  const std::string prefix = std::string(name) + ".";
  const ModelInfo* weights = find_info(all, prefix + "model.safetensors");
  if (weights == nullptr) {
    return Status::Error("no upload named '" + prefix +
                         "model.safetensors': upload the model folder's files as "
                         "<model>.config.json, <model>.model.safetensors, <model>.vocab.json, "
                         "<model>.merges.txt");
  }
  // The header first (its length, then up to 1 MiB of JSON), to refuse a model that cannot fit.
  Result<std::vector<uint8_t>> head =
      model_read_range(prefix + "model.safetensors", 0, 8 + (1 << 20));
  if (!head.ok()) return head.status();
  Result<uint64_t> elements = safetensors_elements(head.value());
  if (!elements.ok()) return elements.status().with_context("model '" + std::string(name) + "'");
  PendingLoad load;
  load.type = type;
  load.sha256_hex = hex(weights->sha256);
  uint64_t file_bytes = 0;
  for (int i = 0; i < 5; ++i) {
    PendingFile f;
    f.upload = prefix + kFiles[i];
    if (const ModelInfo* m = find_info(all, f.upload); m != nullptr) {
      if (!m->complete) {
        return Status::Error("model '" + f.upload + "' is still uploading: finish it first");
      }
      f.id = m->id;
      f.total = m->total_bytes;
    } else if (i < kRequiredFiles) {
      return Status::Error("no model named '" + f.upload + "' was uploaded");
    }
    file_bytes += f.total;
    load.files.push_back(std::move(f));
  }
  const bool q8 = type == engine::WeightType::q8;
  const uint64_t heap_in_use = uint64_t{__builtin_wasm_memory_size(0)} * 65536;
  if (Status st = check_heap(std::string(name), heap_in_use,
                             load_heap_bytes(file_bytes, elements.value(), q8));
      !st.ok()) {
    return st;
  }
  return load;
}

// Copies the next chunks of the files until all are copied (done) or the budget nears its end.
Status copy_some(PendingLoad& load, CallBudget& budget, bool& done) {
  for (PendingFile& f : load.files) {
    while (f.copied < f.total) {
      if (f.bytes == nullptr) f.bytes.reset(new uint8_t[static_cast<size_t>(f.total)]);
      const uint64_t n = std::min(kCopyChunkBytes, f.total - f.copied);
      HYV_RETURN_IF_ERROR(
          model_read_into(f.upload, f.copied,
                          std::span<uint8_t>(f.bytes.get() + f.copied, static_cast<size_t>(n))));
      f.copied += n;
      if (budget.exhausted()) {
        done = progress_of(load).done_bytes == progress_of(load).total_bytes;
        return Status::Ok();
      }
    }
  }
  done = true;
  return Status::Ok();
}

engine::ModelFolderFiles folder_files(const PendingLoad& load) {
  engine::ModelFolderFiles files;
  files.config_json = load.files[0].view();
  files.safetensors = load.files[1].view();
  files.vocab_json = load.files[2].view();
  files.merges_txt = load.files[3].view();
  files.tokenizer_json = load.files[4].view();
  return files;
}

// Estimated instructions of the parse's next step.
uint64_t next_step_cost(const PendingLoad& load) {
  if (load.parser == nullptr) {
    uint64_t bytes = load.files[0].total;
    for (size_t i = 2; i < load.files.size(); ++i) bytes += load.files[i].total;
    return bytes * kTokenizerInstructionsPerByte;
  }
  const uint64_t per_weight = load.type == engine::WeightType::q8 ? kParseInstructionsPerWeightQ8
                                                                  : kParseInstructionsPerWeightF32;
  return static_cast<uint64_t>(load.parser->next_step_elements()) * per_weight;
}

Status parse_step(PendingLoad& load) {
  if (load.parser != nullptr) return load.parser->step();
  Result<engine::ModelFolderLoader> parser =
      engine::ModelFolderLoader::create(folder_files(load), load.type);
  if (!parser.ok()) return parser.status();
  load.parser = std::make_unique<engine::ModelFolderLoader>(std::move(parser).value());
  return Status::Ok();
}

std::shared_ptr<const LoadedModelEntry> entry_of(std::string_view name, const PendingLoad& load,
                                                 engine::LoadedModel model) {
  auto entry = std::make_shared<LoadedModelEntry>();
  entry->name = std::string(name);
  entry->sha256_hex = load.sha256_hex;
  entry->weights = load.type == engine::WeightType::q8 ? "q8" : "f32";
  entry->model = std::move(model);
  return entry;
}

// Copies, then parses step by step, while the next piece of work surely fits the call; the first
// piece of every call runs, so each call makes progress.
Result<LoadStep> load_step(const std::string& name, PendingLoad& load) {
  CallBudget budget(kUpdateInstructionLimit);
  const LoadProgress before = progress_of(load);
  bool copied = before.done_bytes == before.total_bytes;
  bool worked = !copied;
  if (!copied) HYV_RETURN_IF_ERROR(copy_some(load, budget, copied));
  if (!copied) return LoadStep{nullptr, progress_of(load)};
  while (load.parser == nullptr || !load.parser->done()) {
    const uint64_t cost = next_step_cost(load);
    if (!worked && cost + kReplyReserveInstructions > kUpdateInstructionLimit) {
      const std::string what =
          load.parser == nullptr
              ? std::string("config and tokenizer")
              : "a tensor of " + std::to_string(load.parser->next_step_elements()) + " weights";
      return Status::Error(
          "model '" + name + "': one step of its parse (" + what + ") takes about " +
          std::to_string(cost / 1'000'000'000) + "B instructions, more than one call's " +
          std::to_string(kUpdateInstructionLimit / 1'000'000'000) + "B: use a smaller model");
    }
    if (worked &&
        ic0::instruction_counter() + cost + kReplyReserveInstructions > kUpdateInstructionLimit) {
      return LoadStep{nullptr, progress_of(load)};
    }
    if (Status st = parse_step(load); !st.ok()) return st.with_context("model '" + name + "'");
    worked = true;
  }
  Result<engine::LoadedModel> loaded = std::move(*load.parser).finish();
  if (!loaded.ok()) return loaded.status().with_context("model '" + name + "'");
  return LoadStep{entry_of(name, load, std::move(loaded).value()), progress_of(load)};
}

}  // namespace

Result<LoadStep> model_load(std::string_view name, std::string_view quantize) {
  Result<engine::WeightType> type = weight_type(quantize);
  if (!type.ok()) return type.status();
  const std::vector<ModelInfo> all = models_list();
  auto it = pending().find(name);
  if (it != pending().end() &&
      (it->second.type != type.value() || !still_current(it->second, all))) {
    pending().erase(it);
    it = pending().end();
  }
  if (it == pending().end()) {
    Result<PendingLoad> plan = plan_load(name, type.value(), all);
    if (!plan.ok()) return plan.status();
    it = pending().emplace(std::string(name), std::move(plan.value())).first;
  }
  Result<LoadStep> step = load_step(it->first, it->second);
  if (!step.ok() || step.value().loaded != nullptr) pending().erase(it);
  if (step.ok() && step.value().loaded != nullptr) table()[std::string(name)] = step.value().loaded;
  return step;
}

std::shared_ptr<const LoadedModelEntry> find_loaded(std::string_view name) {
  if (pending().find(name) != pending().end()) return nullptr;
  auto it = table().find(name);
  return it == table().end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<const LoadedModelEntry>> loaded_models() {
  std::vector<std::shared_ptr<const LoadedModelEntry>> out;
  for (const auto& [name, entry] : table()) {
    if (pending().find(name) == pending().end()) out.push_back(entry);
  }
  return out;
}

std::optional<LoadProgress> pending_load(std::string_view name) {
  auto it = pending().find(name);
  if (it == pending().end()) return std::nullopt;
  return progress_of(it->second);
}

void cancel_loads_reading(std::string_view upload_name) {
  std::erase_if(pending(), [&](const auto& item) {
    for (const PendingFile& f : item.second.files) {
      if (f.upload == upload_name) return true;
    }
    return false;
  });
}

}  // namespace hyv::canister
