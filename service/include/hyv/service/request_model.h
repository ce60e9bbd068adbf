// The one request model: every parameter a text, code or table job takes, with its name, default
// and range, defined here once for every host. The studio parses it from JSON
// (generation_params.h), the CLI maps its flags onto it (`hyv generate`), the canisters fill it
// from Candid; each then calls check_text_params / check_table_params, so a value is accepted or
// refused the same way everywhere, with a message that names the request field:
//
//   params.max_tokens must be 1..4096 (got 5000)
//
// A host adds its own wording in front where it wants (the CLI: "--max-tokens: ...").
//
// text / code (TextParams):
//   model               a model id, at most 64 bytes (empty: the type's default, host-resolved)
//   prompts             1..1000 prompts, each at most 64 KiB of UTF-8 (default [""]; "" starts from
//                       <|endoftext|>); samples cycle through them
//   samples             1..1000 (5)
//   max_tokens          1..4096 (64 text, 128 code)
//   temperature         0..2 (0.8; 0 = greedy)
//   top_k               0..1000 (40; 0 = off)
//   top_p               0..1 (0.95; 1 = off)
//   min_p               0..1 (0.05; 0 = off)
//   repetition_penalty  1..2 (1.1; 1 = off)
//   stop                at most 16 strings, each 1..256 bytes of UTF-8 ([])
//   seed                any uint64 (default: drawn by the host, then recorded)
// The engine's other sampling knobs (repeat_last_n, frequency and presence penalties) are not part
// of the request model: only the CLI exposes them, as developer flags, and a dataset's manifest
// always means the engine's defaults for them.
//
// table (TableParams): mode "schema" (schema) or "learned" (sample_csv, metadata); rows
// 1..1000000 (1000); seed as above.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hyv/engine/sampler.h"
#include "hyv/service/dataset_manifest.h"
#include "hyv/status.h"

namespace hyv::service {

// A whole-number field: its request name, range (inclusive) and default.
struct IntField {
  std::string_view name;
  int64_t min;
  int64_t max;
  int64_t fallback;
};

// A real-number field; NaN is never in range.
struct RealField {
  std::string_view name;
  double min;
  double max;
  double fallback;
};

// A list of strings: how many entries, and how many bytes each.
struct StringListField {
  std::string_view name;
  size_t min_count;
  size_t max_count;
  size_t min_bytes;
  size_t max_bytes;
};

namespace fields {
inline constexpr IntField kSamples{"samples", 1, 1000, 5};
inline constexpr IntField kMaxTokens{"max_tokens", 1, 4096, 64};
inline constexpr int64_t kMaxTokensCodeDefault = 128;
inline constexpr RealField kTemperature{"temperature", 0, 2, 0.8};
inline constexpr IntField kTopK{"top_k", 0, 1000, 40};
inline constexpr RealField kTopP{"top_p", 0, 1, 0.95};
inline constexpr RealField kMinP{"min_p", 0, 1, 0.05};
inline constexpr RealField kRepetitionPenalty{"repetition_penalty", 1, 2, 1.1};
inline constexpr StringListField kPrompts{"prompts", 1, 1000, 0, 64 * 1024};
inline constexpr StringListField kStop{"stop", 0, 16, 1, 256};
inline constexpr size_t kMaxModelIdBytes = 64;
inline constexpr IntField kRows{"rows", 1, 1000000, 1000};
}  // namespace fields

// The engine samples with these defaults when a host sets nothing; the request model's defaults
// are the same numbers, so a CLI run and a studio job with defaults draw the same tokens.
static_assert(float(fields::kTemperature.fallback) == engine::SamplingParams{}.temperature);
static_assert(fields::kTopK.fallback == engine::SamplingParams{}.top_k);
static_assert(float(fields::kTopP.fallback) == engine::SamplingParams{}.top_p);
static_assert(float(fields::kMinP.fallback) == engine::SamplingParams{}.min_p);
static_assert(float(fields::kRepetitionPenalty.fallback) ==
              engine::SamplingParams{}.repeat_penalty);

// Older names of the limits, kept for the code that sizes buffers by them.
inline constexpr uint32_t kMaxSamples = static_cast<uint32_t>(fields::kSamples.max);
inline constexpr int kMaxNewTokens = static_cast<int>(fields::kMaxTokens.max);
inline constexpr uint64_t kMaxTableRows = static_cast<uint64_t>(fields::kRows.max);
inline constexpr size_t kMaxPrompts = fields::kPrompts.max_count;
inline constexpr size_t kMaxStopStrings = fields::kStop.max_count;

struct TextParams {
  std::string model;  // empty: the type's default (the host's resolver picks it)
  std::vector<std::string> prompts = {""};
  uint32_t samples = static_cast<uint32_t>(fields::kSamples.fallback);
  int max_tokens = static_cast<int>(fields::kMaxTokens.fallback);  // use text_params(type)
  double temperature = fields::kTemperature.fallback;
  int top_k = static_cast<int>(fields::kTopK.fallback);
  double top_p = fields::kTopP.fallback;
  double min_p = fields::kMinP.fallback;
  double repetition_penalty = fields::kRepetitionPenalty.fallback;
  std::vector<std::string> stop;
  uint64_t seed = 0;
};

struct TableParams {
  enum class Mode { kSchema, kLearned };
  Mode mode = Mode::kSchema;
  std::string schema_json;           // schema mode: the schema object, compact
  std::string sample_csv;            // learned mode
  std::string metadata_json = "{}";  // learned mode: SDV-style overrides (table_metadata.h)
  uint64_t rows = static_cast<uint64_t>(fields::kRows.fallback);
  uint64_t seed = 0;
};

// The defaults of a text or code job (they differ only in max_tokens).
TextParams text_params(DataType type);
int64_t default_max_tokens(DataType type);

// "params.<name> must be <min>..<max> (got <value>)", code kInvalidArgument, or Ok.
Status check_field(const IntField& field, int64_t value);
Status check_field(const RealField& field, double value);
// Entry count, then each entry's length ("params.stop[2] must be 1..256 bytes (got 0)") and UTF-8.
Status check_field(const StringListField& field, const std::vector<std::string>& values);

// Every field of p against its range, in the order of the table above; the first problem wins.
Status check_text_params(const TextParams& p);
// rows; the mode's input present (schema mode: schema_json; learned: sample_csv); and a schema's
// tables together (children at their rows_per_parent maximum) at most kMaxTableRows rows. A schema
// that does not parse is left to the run, which names the first problem with its path.
Status check_table_params(const TableParams& p);

// The engine's sampling parameters for a request's sample seeded with `seed`; the fields outside
// the request model keep the engine's defaults.
engine::SamplingParams sampling_params(const TextParams& p, uint64_t seed);

}  // namespace hyv::service
