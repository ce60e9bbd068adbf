// Single-column and column-pair metrics with SDMetrics' published definitions, on typed columns
// (numbers with NaN for missing, or category codes with -1 for missing). Every score is in [0, 1],
// 1 best; NaN means "not defined here" (e.g. no values) and is left out of averages.
//
//   KSComplement          1 - max_x |F_real(x) - F_syn(x)|, missing values ignored
//   TVComplement          1 - 1/2 sum_c |R_c - S_c| over categories, missing values ignored
//   CorrelationSimilarity 1 - |r_real - r_syn| / 2, Pearson r on rows where both are present;
//                         NaN when either column is constant
//   ContingencySimilarity 1 - 1/2 sum_{a,b} |R_ab - S_ab| over the joint table, missing as a
//                         category of its own
//   BoundaryAdherence     share of present synthetic values within the real [min, max]
//   CategoryAdherence     share of synthetic values (missing included) that the real data has
//   KeyUniqueness         1 - share of synthetic keys that are missing or repeat an earlier one
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace hyv::quality {

double ks_complement(std::span<const double> real, std::span<const double> synthetic);
double tv_complement(std::span<const int32_t> real, std::span<const int32_t> synthetic);

struct CorrelationResult {
  double score = 0;
  double real = 0;
  double synthetic = 0;
};
CorrelationResult correlation_similarity(std::span<const double> real_a,
                                         std::span<const double> real_b,
                                         std::span<const double> synthetic_a,
                                         std::span<const double> synthetic_b);
// Pearson correlation over rows where both are present; NaN when either is constant.
double pearson(std::span<const double> a, std::span<const double> b);

double contingency_similarity(std::span<const int32_t> real_a, std::span<const int32_t> real_b,
                              std::span<const int32_t> synthetic_a,
                              std::span<const int32_t> synthetic_b);

// SDMetrics' discretization of a continuous column for ContingencySimilarity: numpy's
// histogram_bin_edges(real, bins) (equal widths between the real min and max) then
// numpy.digitize, so codes are 0 (below the real min) .. bins + 1 (at or above the real max);
// missing stays -1. The same real edges discretize both tables.
std::vector<double> histogram_edges(std::span<const double> real, size_t bins);
std::vector<int32_t> digitize(std::span<const double> values, std::span<const double> edges);

// `invalid` synthetic cells (unparseable) count as outside the boundary.
double boundary_adherence(std::span<const double> real, std::span<const double> synthetic,
                          uint64_t invalid = 0);
double category_adherence(std::span<const int32_t> real, std::span<const int32_t> synthetic);
double key_uniqueness(std::span<const int32_t> synthetic);

}  // namespace hyv::quality
