// Job parameters (the `params` object of a job, docs/studio design): parsed, checked, defaults
// filled in, and written back in canonical form, so a manifest records every parameter and
// regenerating from it gives the same bytes.
//
// text / code:
//   {"model": "<id>" (default: the default model of the type, resolved by the host),
//    "prompt": "The" or "prompts": ["a", "b"] (not both; default [""]; samples cycle through
//    them; "" starts from <|endoftext|>), "samples": 1..1000 (5), "max_tokens": 1..1024
//    (64 text, 128 code), "temperature": 0..2 (0.8), "top_k": 0..1000 (40), "top_p": 0..1
//    (0.95), "min_p": 0..1 (0), "repetition_penalty": 1..2 (1.1), "stop": [strings] ([]),
//    "seed": "<decimal uint64>" or a non-negative integer (default: the host's fallback seed)}
// table:
//   {"mode": "schema", "schema": {...docs/schema.md...}, "rows": 1..1000000 (1000), "seed": ...}
//   {"mode": "learned", "sample_csv": "<csv>", "rows": ..., "seed": ..., "metadata": {...}}
//   ("rows" overrides every top-level table's row count of the schema; all tables together, children
//   at their rows_per_parent maximum, may make at most kMaxTableRows rows.)
//
// Canonical JSON (compact, keys in this order, seed as a decimal string):
//   text/code: {"model","prompts","samples","max_tokens","temperature","top_k","top_p","min_p",
//               "repetition_penalty","stop","seed"}  ("prompt" becomes "prompts": [it])
//   schema:    {"mode","schema","rows","seed"}
//   learned:   {"mode","sample_csv","metadata" (object, {} when none),"rows","seed"}
// Unknown fields are refused. Errors have code kInvalidArgument and name the field:
//   "params.temperature: must be in [0, 2] (got 3)".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hyv/service/dataset_manifest.h"
#include "hyv/status.h"

namespace hyv::service {

inline constexpr uint32_t kMaxSamples = 1000;
inline constexpr int kMaxNewTokens = 1024;
inline constexpr uint64_t kMaxTableRows = 1000000;
inline constexpr size_t kMaxPrompts = 1000;
inline constexpr size_t kMaxStopStrings = 16;

struct TextParams {
  std::string model;  // empty: the type's default (the host's resolver picks it)
  std::vector<std::string> prompts = {""};
  uint32_t samples = 5;
  int max_tokens = 64;  // 128 for code
  double temperature = 0.8;
  int top_k = 40;
  double top_p = 0.95;
  double min_p = 0.0;
  double repetition_penalty = 1.1;
  std::vector<std::string> stop;
  uint64_t seed = 0;
};

struct TableParams {
  enum class Mode { kSchema, kLearned };
  Mode mode = Mode::kSchema;
  std::string schema_json;           // schema mode: the schema object, compact
  std::string sample_csv;            // learned mode
  std::string metadata_json = "{}";  // learned mode: SDV-style overrides (table_metadata.h)
  uint64_t rows = 1000;
  uint64_t seed = 0;
};

// `fallback_seed` is used when params has no "seed" (the host draws it at random and the
// canonical params record it).
Result<TextParams> parse_text_params(DataType type, std::string_view params_json,
                                     uint64_t fallback_seed);
Result<TableParams> parse_table_params(std::string_view params_json, uint64_t fallback_seed);

// Canonical JSON as above; `p.model` must already be resolved (non-empty).
std::string text_params_json(const TextParams& p);
std::string table_params_json(const TableParams& p);

// The seed of sample (or table row stream) i: splitmix64 of seed and i, so every sample's bytes
// depend only on (seed, i), never on step sizes, threads or the other samples.
uint64_t derive_seed(uint64_t seed, uint64_t i);

}  // namespace hyv::service
