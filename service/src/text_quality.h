// The quality report of a text or code dataset: quality::text_report's JSON plus one overall
// score in [0, 1]:
//   score = mean(distinct_2, 1 - duplicate_rate, 1 - repeated_4gram_rate[, parse_rate (code)])
// Each term rewards what a user wants from samples: varied wording, no copies, no loops, and
// for code, source that parses.
#pragma once

#include <string>
#include <vector>

#include "hyv/status.h"

namespace hyv::service {

struct TextQuality {
  double score = 0;
  std::string report_json;  // text_report_json (no per-sample verdicts) with "score" added
};

Result<TextQuality> text_quality(const std::vector<std::string>& texts, bool code);

}  // namespace hyv::service
