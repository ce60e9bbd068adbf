// Fitting the Gaussian copula to a table (SDV's GaussianCopulaSynthesizer, re-derived):
//   1. each numerical/datetime column gets a marginal (numeric_marginal.h); each categorical or
//      boolean column frequency intervals: each category owns a slice of (0, 1) as wide as its
//      share. SDV sorts the slices by frequency; here, when a numerical column explains the
//      category (correlation ratio eta^2 >= 0.02), they are sorted by that column's mean normal
//      score, so a monotone link between them survives as a correlation;
//   2. every value becomes a uniform score u (its rank, ties and categories spread uniformly over
//      their slice with a fixed-seed generator) and a normal score z = Phi^-1(u); missing -> 0;
//   3. the Pearson correlation of the normal scores is the copula; when rounding makes it not
//      positive definite it is shrunk toward the identity until a Cholesky factor exists.
// Missing rates are kept per column and sampled independently; id and text columns are outside
// the copula (see copula_model.h).
#pragma once

#include <optional>
#include <span>

#include "hyv/status.h"
#include "hyv/synth/column_types.h"
#include "hyv/synth/copula_model.h"
#include "hyv/synth/csv_table.h"

namespace hyv::synth {

struct CopulaFitOptions {
  // Marginal family for every numerical/datetime column; nullopt chooses per column.
  std::optional<MarginalFamily> family;
  // Order each categorical column's slices by the numerical column that explains it best
  // (correlation ratio >= 0.02), instead of by frequency alone (SDV); see copula_fit.cpp.
  bool order_categories = true;
  // Text columns keep words that appear in at least this many rows (a privacy floor).
  uint32_t text_min_rows_per_word = 5;
  uint32_t text_max_words = 1000;
};

Result<CopulaModel> fit_copula(const CsvTable& table, std::span<const ColumnInfo> types,
                               const CopulaFitOptions& options);

}  // namespace hyv::synth
