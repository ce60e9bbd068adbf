// The table quality report (`hyv score --real R.csv --synthetic S.csv`), laid out as SDMetrics'
// single-table Quality and Diagnostic reports plus its DCR privacy metrics, so the numbers read
// the same as theirs:
//
//   Quality     = mean(Column Shapes, Column Pair Trends)
//     Column Shapes       mean over columns: KSComplement (numerical, datetime) or TVComplement
//                         (categorical, boolean); a column the synthetic data lacks scores 0
//     Column Pair Trends  mean over pairs: CorrelationSimilarity (both numerical/datetime) or
//                         ContingencySimilarity (otherwise; numbers cut into 10 bins on the real
//                         data's range)
//   Diagnostic  = mean(Data Validity, Data Structure)
//     Data Validity       mean over columns: BoundaryAdherence (numerical, datetime),
//                         CategoryAdherence (categorical, boolean), KeyUniqueness (id)
//     Data Structure      columns in both tables / columns in either
//   Privacy     DCRBaselineProtection, DCROverfittingProtection (with a holdout), NewRowSynthesis
// Text columns take part in none of the averages (as in SDMetrics, which has no text sdtype).
// Undefined scores (NaN, e.g. a constant column's correlation) are listed but not averaged.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hyv/quality/privacy_metrics.h"
#include "hyv/quality/typed_tables.h"

namespace hyv::quality {

struct ColumnScore {
  std::string column;
  std::string metric;
  double score = 0;
  uint64_t invalid_cells = 0;  // validity only
};

struct PairScore {
  std::string column_1, column_2;
  std::string metric;
  double score = 0;
  double real_correlation = 0;  // CorrelationSimilarity only (else NaN)
  double synthetic_correlation = 0;
};

struct QualityReport {
  size_t real_rows = 0, synthetic_rows = 0, holdout_rows = 0;
  std::vector<std::pair<std::string, std::string>> column_types;  // name, sdtype
  std::vector<ColumnScore> shapes;
  std::vector<PairScore> pairs;
  double column_shapes = 0, column_pair_trends = 0, overall = 0;
  std::vector<ColumnScore> validity;
  double data_validity = 0, data_structure = 0, diagnostic = 0;
  std::vector<std::string> missing_columns, extra_columns;
  bool privacy = false;
  DcrBaselineResult dcr_baseline;
  std::optional<DcrOverfittingResult> dcr_overfitting;
  NewRowSynthesisResult new_rows;
};

struct QualityReportOptions {
  bool privacy = true;
  PrivacyOptions privacy_options;
  size_t contingency_bins = 10;
};

// t: tables 0 = real, 1 = synthetic, 2 = holdout (optional).
QualityReport build_quality_report(const TypedTables& t, const QualityReportOptions& options);

std::string quality_report_json(const QualityReport& r);
// A human-readable summary with the worst columns and pairs.
std::string quality_report_text(const QualityReport& r, size_t worst = 8);

}  // namespace hyv::quality
