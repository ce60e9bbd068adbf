// The validity report of schema-driven data as JSON (the layout of `hyv validate --json`) plus
// its score:
//   score = 1 - (violations over all checks) / (values checked over all checks)
// (1 when nothing was checked): the share of checked values that met their rule.
#pragma once

#include <string>

#include "hyv/synth/validity.h"

namespace hyv::service {

double validity_score(const synth::ValidityReport& r);

// {"valid", "violations", "rules", "checked", "score", "tables": [{"table", "source", "rows",
//  "checks": [{"column", "rule", "checked", "violations", "example"?}], "notes"}]}
std::string validity_report_json(const synth::ValidityReport& r);

}  // namespace hyv::service
