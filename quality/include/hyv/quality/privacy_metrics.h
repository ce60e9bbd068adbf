// Privacy metrics with SDMetrics' definitions, on TypedTables (0 = real training data,
// 1 = synthetic, 2 = holdout when given). They use the numerical, datetime, categorical and
// boolean columns; id and text columns are left out, as SDMetrics does.
//
// Distance between two rows (DCR's): the mean over columns of, for numbers, |a - b| / (real max -
// real min) capped at 1, and for categories 0 when equal else 1; two missing values are 0 apart,
// a missing and a present one 1.
//
//   DCRBaselineProtection     median DCR(synthetic -> real) / median DCR(random -> real), capped
//                             at 1; random rows are uniform within the real ranges and categories,
//                             as many as the synthetic rows used
//   DCROverfittingProtection  p = share of synthetic rows closer to the training rows than to the
//                             holdout rows; score = min(1, 2 (1 - p))
//   NewRowSynthesis           share of synthetic rows that match no real row (categories equal,
//                             numbers within 1% of the synthetic value, missing matches missing)
//
// DCR compares every used synthetic row with every real row, so large inputs are subsampled
// (fixed seed): at most synthetic_rows synthetic and reference_rows real/holdout rows, the way
// SDMetrics' num_rows_subsample does; NewRowSynthesis checks at most 10,000 synthetic rows as the
// SDMetrics diagnostic report does.
#pragma once

#include <cstddef>
#include <cstdint>

#include "hyv/quality/typed_tables.h"

namespace hyv::quality {

struct PrivacyOptions {
  size_t synthetic_rows = 1000;
  size_t reference_rows = 50000;
  size_t new_row_synthesis_rows = 10000;
  double numerical_match_tolerance = 0.01;
  uint64_t seed = 0;
};

struct DcrBaselineResult {
  double score = 0;
  double median_synthetic = 0;
  double median_random = 0;
  size_t synthetic_rows = 0;
  size_t reference_rows = 0;
};

struct DcrOverfittingResult {
  double score = 0;
  double closer_to_training = 0;
  double closer_to_holdout = 0;
  size_t synthetic_rows = 0;
};

struct NewRowSynthesisResult {
  double score = 0;
  uint64_t new_rows = 0;
  uint64_t matched_rows = 0;
};

DcrBaselineResult dcr_baseline_protection(const TypedTables& t, const PrivacyOptions& o);
// Needs a third table (holdout).
DcrOverfittingResult dcr_overfitting_protection(const TypedTables& t, const PrivacyOptions& o);
NewRowSynthesisResult new_row_synthesis(const TypedTables& t, const PrivacyOptions& o);

}  // namespace hyv::quality
