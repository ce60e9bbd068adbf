// The fitted Gaussian copula: per-column marginals plus one correlation matrix of normal scores.
// It is plain data, saved as a portable, versioned JSON file that holds no raw rows: numerical
// columns keep a bounded number of quantile knots (or two parameters), categorical columns their
// categories and frequencies, text columns a vocabulary of words seen in several rows, id columns
// only their shape.
//
//   Result<CopulaModel> model = fit_copula(table, types, {});   // copula_fit.h
//   std::string json = copula_model_json(model.value());
//   Result<CopulaModel> back = parse_copula_model(json, "model.json");
//
// Model file (version 1; version 2 when a column is semantic, which version 1 cannot express):
//   {"format": "hyv-gaussian-copula", "version": 1, "training_rows": N,
//    "columns": [ {"name", "sdtype", "missing_rate", ...per sdtype, see docs/tables-learned.md} ],
//    "correlation": {"columns": [names of the copula's columns], "matrix": [[...], ...]}}
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hyv/status.h"
#include "hyv/synth/column_types.h"
#include "hyv/synth/numeric_marginal.h"

namespace hyv::synth {

inline constexpr std::string_view kCopulaFormat = "hyv-gaussian-copula";
inline constexpr int kCopulaVersion = 1;
// Written only by models with a semantic column, so older builds refuse them by version (with
// "refit with this hyv") rather than by an unknown sdtype; this build reads both.
inline constexpr int kCopulaVersionSemantic = 2;

// An id column's shape: runs of literal text or of characters drawn from an alphabet.
struct IdSegment {
  std::string literal;   // when non-empty, written as is
  std::string alphabet;  // otherwise `length` characters from this set
  uint32_t length = 0;
};

struct ColumnModel {
  std::string name;
  Sdtype sdtype = Sdtype::categorical;
  double missing_rate = 0;
  // numerical / datetime
  bool integer = false;
  int decimals = 0;
  bool thousands = false;
  std::string datetime_format;
  int frac_digits = 0;
  NumericMarginal marginal;
  // categorical / boolean: categories in interval order (most frequent first)
  std::vector<std::string> categories;
  std::vector<double> frequencies;
  // id: integers count up from integer_start; otherwise the segments give the shape
  bool integer_id = false;
  int64_t integer_start = 1;
  std::vector<IdSegment> id_segments;
  // text: words drawn by weight, word count from its quantile knots
  std::vector<std::string> words;
  std::vector<double> word_weights;
  std::vector<double> word_count_knots;
  // semantic (semantic_column.h): values re-generated from the locale, not learned; sdtype is
  // then id (unique values, kept unique) or text. The file says "sdtype": "semantic".
  std::string semantic;
  std::string semantic_locale;

  bool is_semantic() const { return !semantic.empty(); }
  bool in_copula() const { return is_continuous(sdtype) || is_discrete(sdtype); }
};

struct CopulaModel {
  uint64_t training_rows = 0;
  std::vector<ColumnModel> columns;
  // Row-major correlation of the normal scores of the columns with in_copula(), in column order.
  std::vector<double> correlation;
  size_t copula_dims() const;
};

std::string copula_model_json(const CopulaModel& model);
// `source` names the file in messages; every field is checked (a damaged file is an error).
Result<CopulaModel> parse_copula_model(std::string_view json, std::string_view source);

}  // namespace hyv::synth
