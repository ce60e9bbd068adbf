// Sampling rows from a fitted Gaussian copula, one row per call (so a host can stream millions of
// rows, stop, or spread the work over steps), optionally under conditions.
//
//   auto sampler = CopulaSampler::create(model, conditions, /*seed=*/42);
//   std::vector<Value> row(sampler.value()->column_names().size());
//   for (uint64_t i = 0; i < rows; ++i) HYV_RETURN_IF_ERROR(sampler.value()->next_row(row));
//
// Each row: draw d independent N(0, 1) by inverting the normal CDF, correlate them with the
// Cholesky factor of the copula, map each coordinate through Phi to (0, 1) and then through the
// column's inverse marginal (or its frequency intervals); draw each missing value with the
// column's missing rate; count ids up; draw text words. One engine::Rng drives everything, in a
// fixed order, and all math is portable (normal_math.h), so a seed gives the same bytes anywhere.
//
// Conditions (`--where`): "col=value" on any numerical, datetime, categorical or boolean column,
// and "col>=a", "col>a", "col<=a", "col<a" on numerical and datetime columns. Each becomes a
// constraint on the column's normal score: an equality on a number fixes the score (the Gaussian
// is conditioned on it exactly, via the Schur complement); a category or a range becomes an
// interval. The most restrictive interval is drawn exactly from its truncated normal and the rest
// is drawn from the Gaussian conditioned on it; rows that miss another interval (or a bound after
// rounding) are rejected, at most kMaxTriesPerRow times per row. A condition that cannot hold
// (unknown category, a value outside the column's range) is an error at create(); one too rare
// to meet within the budget is an error from next_row() that says how rare it was.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hyv/engine/rng.h"
#include "hyv/status.h"
#include "hyv/synth/copula_model.h"
#include "hyv/synth/table_writer.h"

namespace hyv::synth {

struct WhereCondition {
  enum class Op { eq, ge, gt, le, lt };
  std::string column;
  Op op = Op::eq;
  std::string value;
};

// "col=value", "col>=3", "col < 2024-01-01"; the column name may not contain = < >.
Result<WhereCondition> parse_where(std::string_view text);

inline constexpr uint64_t kMaxTriesPerRow = 100000;

// How values are handed to the writer. CSV keeps the training data's spelling (thousands
// separators, "True"/"yes"); JSON wants numbers as numbers and booleans as true/false.
struct SampleFormat {
  bool typed_values = false;  // numbers without separators, booleans as Value::boolean
};

class CopulaSampler {
 public:
  static Result<std::unique_ptr<CopulaSampler>> create(CopulaModel model,
                                                       std::span<const WhereCondition> where,
                                                       uint64_t seed, SampleFormat format = {});
  ~CopulaSampler();

  const std::vector<std::string>& column_names() const { return names_; }
  // Fills row (one Value per column). Fails only when the conditions are too rare.
  Status next_row(std::span<Value> row);

  uint64_t rows() const { return rows_; }
  uint64_t tries() const { return tries_; }

  struct Plan;  // conditions resolved against the model (copula_sample.cpp)

 private:
  CopulaSampler() = default;
  bool try_row(std::span<Value> row);
  void write_id(size_t column, std::string& text);
  void write_text(size_t column, std::string& text);
  void write_semantic(std::span<Value> row);

  CopulaModel model_;
  std::vector<std::string> names_;
  engine::Rng rng_{0};
  SampleFormat format_;
  std::unique_ptr<Plan> plan_;
  uint64_t rows_ = 0;
  uint64_t tries_ = 0;
};

}  // namespace hyv::synth
