// One numerical (or datetime) column's distribution, as the Gaussian copula sees it: a CDF that
// maps values to (0, 1) and its inverse. Either empirical — a bounded number of quantile knots
// with linear interpolation between them, so no raw rows are stored — or a parametric family
// truncated to the observed [min, max].
//
//   std::vector<double> sorted = ...;  // the column's non-missing values, ascending
//   NumericMarginal m = fit_numeric_marginal(sorted, std::nullopt);
//   double x = m.quantile(0.5);        // about the median
//
// Family choice ("auto"): the parametric family (normal, lognormal, uniform) with the smallest
// Kolmogorov-Smirnov statistic D against the data is used when D <= 1.36 / sqrt(n), i.e. when a
// KS test at the 5% level would not reject it; otherwise the empirical quantiles are used.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace hyv::synth {

enum class MarginalFamily { empirical, normal, lognormal, uniform };

std::string_view marginal_family_name(MarginalFamily f);
std::optional<MarginalFamily> parse_marginal_family(std::string_view name);

// Quantile knots kept for an empirical marginal (at probabilities i / (kEmpiricalKnots - 1)).
inline constexpr size_t kEmpiricalKnots = 257;

struct NumericMarginal {
  MarginalFamily family = MarginalFamily::empirical;
  std::vector<double> knots;  // empirical only: ascending values at equally spaced probabilities
  double mu = 0, sigma = 1;   // normal: of x; lognormal: of log(x)
  double low = 0, high = 0;   // observed min and max: every family is truncated to them
  double ks = 0;              // KS statistic of this fit against the training values

  // Probability range [P(X < x), P(X <= x)]: equal unless x sits on a point mass (flat knots).
  void cdf_range(double x, double* below, double* at_or_below) const;
  double cdf(double x) const;
  // For u in [0, 1]; result within [low, high].
  double quantile(double u) const;
  // The same with the family's untruncated CDF at low and high computed once (base_range), for
  // callers that draw many values.
  void base_range(double* g_low, double* g_high) const;
  double quantile(double u, double g_low, double g_high) const;
};

// values: ascending, finite, at least one. force: use this family instead of choosing.
NumericMarginal fit_numeric_marginal(std::span<const double> sorted_values,
                                     std::optional<MarginalFamily> force);

// Two-sided KS statistic of marginal m against the sorted sample (ties handled as steps).
double ks_statistic(const NumericMarginal& m, std::span<const double> sorted_values);

}  // namespace hyv::synth
