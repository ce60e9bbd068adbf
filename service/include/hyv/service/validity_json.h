// The validity report of schema-driven data as JSON: what `hyv validate --json` prints and, with
// its score, what the service stores for a table dataset. The score is
//   score = 1 - (violations over all checks) / (values checked over all checks)
// (1 when nothing was checked): the share of checked values that met their rule.
#pragma once

#include <string>

#include "hyv/synth/validity.h"

namespace hyv::service {

double validity_score(const synth::ValidityReport& r);

// {"valid", "violations", "rules", "checked", "score", "tables": [{"table", "source", "rows",
//  "checks": [{"column", "rule", "checked", "violations", "example"?}], "notes"}]}; without
// "checked" and "score" when with_score is false (the CLI's layout).
std::string validity_report_json(const synth::ValidityReport& r, bool with_score = true);

}  // namespace hyv::service
