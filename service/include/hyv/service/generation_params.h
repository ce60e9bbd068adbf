// Job parameters (the `params` object of a job, docs/studio design): parsed, checked, defaults
// filled in, and written back in canonical form, so a manifest records every parameter and
// regenerating from it gives the same bytes.
//
// The fields, their defaults and ranges are the request model's (request_model.h); this is its JSON
// form, the studio's and the stored manifests':
//   text/code: {"model", "prompt": "The" or "prompts": ["a", "b"] (not both), "samples",
//               "max_tokens", "temperature", "top_k", "top_p", "min_p", "repetition_penalty",
//               "stop": [strings], "seed": "<decimal uint64>" or a non-negative integer}
//   table:     {"mode": "schema", "schema": {...docs/schema.md...}, "rows", "seed"}
//              {"mode": "learned", "sample_csv": "<csv>", "rows", "seed", "metadata": {...}}
//   ("rows" overrides every top-level table's row count of the schema; all tables together,
//   children at their rows_per_parent maximum, may make at most kMaxTableRows rows.)
//
// Canonical JSON (compact, keys in this order, seed as a decimal string):
//   text/code: {"model","prompts","samples","max_tokens","temperature","top_k","top_p","min_p",
//               "repetition_penalty","stop","seed"}  ("prompt" becomes "prompts": [it])
//   schema:    {"mode","schema","rows","seed"}
//   learned:   {"mode","sample_csv","metadata" (object, {} when none),"rows","seed"}
// Unknown fields are refused. Errors have code kInvalidArgument and name the field: a value out of
// range gets check_field's message ("params.temperature must be 0..2 (got 3)"), a wrong type
// "params.top_k: expected a whole number".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hyv/service/dataset_manifest.h"
#include "hyv/service/request_model.h"
#include "hyv/status.h"

namespace hyv::service {

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
