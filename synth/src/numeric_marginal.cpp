#include "hyv/synth/numeric_marginal.h"

#include <algorithm>
#include <cmath>

#include "hyv/synth/normal_math.h"

namespace hyv::synth {
namespace {

// The family's CDF before truncation to [low, high].
double base_cdf(const NumericMarginal& m, double x) {
  switch (m.family) {
    case MarginalFamily::normal:
      return normal_cdf((x - m.mu) / m.sigma);
    case MarginalFamily::lognormal:
      return x <= 0 ? 0.0 : normal_cdf((fdlibm_log(x) - m.mu) / m.sigma);
    case MarginalFamily::uniform:
      return m.high > m.low ? std::clamp((x - m.low) / (m.high - m.low), 0.0, 1.0) : 0.5;
    case MarginalFamily::empirical:
      break;
  }
  return 0.5;
}

double base_quantile(const NumericMarginal& m, double p) {
  switch (m.family) {
    case MarginalFamily::normal:
      return m.mu + m.sigma * normal_quantile(p);
    case MarginalFamily::lognormal:
      return fdlibm_exp(m.mu + m.sigma * normal_quantile(p));
    case MarginalFamily::uniform:
      return m.low + p * (m.high - m.low);
    case MarginalFamily::empirical:
      break;
  }
  return m.low;
}

double knot_probability(size_t i, size_t k) {
  return static_cast<double>(i) / static_cast<double>(k - 1);
}

void mean_and_sd(std::span<const double> v, bool logs, double* mean, double* sd) {
  double sum = 0;
  for (double x : v) sum += logs ? fdlibm_log(x) : x;
  *mean = sum / static_cast<double>(v.size());
  double ss = 0;
  for (double x : v) {
    double d = (logs ? fdlibm_log(x) : x) - *mean;
    ss += d * d;
  }
  *sd = std::sqrt(ss / static_cast<double>(v.size()));
}

}  // namespace

std::string_view marginal_family_name(MarginalFamily f) {
  switch (f) {
    case MarginalFamily::empirical:
      return "empirical";
    case MarginalFamily::normal:
      return "normal";
    case MarginalFamily::lognormal:
      return "lognormal";
    case MarginalFamily::uniform:
      return "uniform";
  }
  return "empirical";
}

std::optional<MarginalFamily> parse_marginal_family(std::string_view name) {
  for (auto f : {MarginalFamily::empirical, MarginalFamily::normal, MarginalFamily::lognormal,
                 MarginalFamily::uniform}) {
    if (marginal_family_name(f) == name) return f;
  }
  return std::nullopt;
}

void NumericMarginal::cdf_range(double x, double* below, double* at_or_below) const {
  if (x < low) {
    *below = *at_or_below = 0;
    return;
  }
  if (x > high) {
    *below = *at_or_below = 1;
    return;
  }
  if (family != MarginalFamily::empirical) {
    double g_low = base_cdf(*this, low), g_high = base_cdf(*this, high);
    double mass = g_high - g_low;
    double p = mass > 0 ? std::clamp((base_cdf(*this, x) - g_low) / mass, 0.0, 1.0) : 0.5;
    *below = *at_or_below = p;
    return;
  }
  const size_t k = knots.size();
  size_t a = static_cast<size_t>(std::lower_bound(knots.begin(), knots.end(), x) - knots.begin());
  size_t b_end =
      static_cast<size_t>(std::upper_bound(knots.begin(), knots.end(), x) - knots.begin());
  if (a < b_end) {  // x equals knots a .. b_end-1
    *below = knot_probability(a, k);
    *at_or_below = knot_probability(b_end - 1, k);
    return;
  }
  // knots[a-1] < x < knots[a]
  double p0 = knot_probability(a - 1, k), p1 = knot_probability(a, k);
  double p = p0 + (x - knots[a - 1]) / (knots[a] - knots[a - 1]) * (p1 - p0);
  *below = *at_or_below = p;
}

double NumericMarginal::cdf(double x) const {
  double below, at;
  cdf_range(x, &below, &at);
  return 0.5 * (below + at);
}

void NumericMarginal::base_range(double* g_low, double* g_high) const {
  *g_low = family == MarginalFamily::empirical ? 0.0 : base_cdf(*this, low);
  *g_high = family == MarginalFamily::empirical ? 1.0 : base_cdf(*this, high);
}

double NumericMarginal::quantile(double u) const {
  double g_low, g_high;
  base_range(&g_low, &g_high);
  return quantile(u, g_low, g_high);
}

double NumericMarginal::quantile(double u, double g_low, double g_high) const {
  u = std::clamp(u, 0.0, 1.0);
  if (family == MarginalFamily::empirical) {
    const size_t k = knots.size();
    if (k == 1) return knots[0];
    double pos = u * static_cast<double>(k - 1);
    size_t i = std::min(static_cast<size_t>(pos), k - 2);
    double t = pos - static_cast<double>(i);
    return knots[i] + t * (knots[i + 1] - knots[i]);
  }
  if (!(g_high > g_low)) return low;
  double x = base_quantile(*this, g_low + u * (g_high - g_low));
  return std::clamp(x, low, high);
}

double ks_statistic(const NumericMarginal& m, std::span<const double> v) {
  const double n = static_cast<double>(v.size());
  double d = 0;
  for (size_t a = 0; a < v.size();) {
    size_t b = a;
    while (b < v.size() && v[b] == v[a]) ++b;
    double below, at;
    m.cdf_range(v[a], &below, &at);
    d = std::max({d, std::fabs(at - static_cast<double>(b) / n),
                  std::fabs(below - static_cast<double>(a) / n)});
    a = b;
  }
  return d;
}

NumericMarginal fit_numeric_marginal(std::span<const double> v,
                                     std::optional<MarginalFamily> force) {
  NumericMarginal empirical;
  empirical.family = MarginalFamily::empirical;
  empirical.low = v.front();
  empirical.high = v.back();
  empirical.knots.resize(kEmpiricalKnots);
  for (size_t i = 0; i < kEmpiricalKnots; ++i) {
    // Type-7 quantile (numpy's default): linear between order statistics.
    double h = static_cast<double>(v.size() - 1) * knot_probability(i, kEmpiricalKnots);
    size_t lo = std::min(static_cast<size_t>(h), v.size() - 1);
    size_t hi = std::min(lo + 1, v.size() - 1);
    empirical.knots[i] = v[lo] + (h - static_cast<double>(lo)) * (v[hi] - v[lo]);
  }
  empirical.ks = ks_statistic(empirical, v);
  if (v.front() == v.back() || force == MarginalFamily::empirical) return empirical;

  std::vector<NumericMarginal> candidates;
  auto add = [&](MarginalFamily f, double mu, double sigma) {
    NumericMarginal m;
    m.family = f;
    m.mu = mu;
    m.sigma = sigma;
    m.low = v.front();
    m.high = v.back();
    if (f != MarginalFamily::uniform && !(sigma > 0)) return;
    m.ks = ks_statistic(m, v);
    candidates.push_back(std::move(m));
  };
  double mean, sd;
  if (!force || force == MarginalFamily::normal) {
    mean_and_sd(v, false, &mean, &sd);
    add(MarginalFamily::normal, mean, sd);
  }
  if ((!force || force == MarginalFamily::lognormal) && v.front() > 0) {
    mean_and_sd(v, true, &mean, &sd);
    add(MarginalFamily::lognormal, mean, sd);
  }
  if (!force || force == MarginalFamily::uniform) add(MarginalFamily::uniform, 0, 0);
  if (candidates.empty()) return empirical;
  const NumericMarginal* best = &candidates[0];
  for (const auto& c : candidates) {
    if (c.ks < best->ks) best = &c;
  }
  if (force) return *best;
  double critical = 1.36 / std::sqrt(static_cast<double>(v.size()));
  return best->ks <= critical ? *best : empirical;
}

}  // namespace hyv::synth
