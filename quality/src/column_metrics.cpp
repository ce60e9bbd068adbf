#include "hyv/quality/column_metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>
#include <unordered_set>

namespace hyv::quality {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<double> present_sorted(std::span<const double> v) {
  std::vector<double> out;
  out.reserve(v.size());
  for (double x : v) {
    if (!std::isnan(x)) out.push_back(x);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Shares of each code (missing excluded, or included as its own key when `with_missing`).
std::unordered_map<int64_t, double> shares(std::span<const int32_t> codes, bool with_missing) {
  std::unordered_map<int64_t, double> out;
  double n = 0;
  for (int32_t c : codes) {
    if (c < 0 && !with_missing) continue;
    out[c] += 1;
    n += 1;
  }
  for (auto& [k, v] : out) v /= n;
  return out;
}

// Half the L1 distance between two distributions given as maps.
double total_variation(const std::unordered_map<int64_t, double>& a,
                       const std::unordered_map<int64_t, double>& b) {
  double sum = 0;
  for (const auto& [k, p] : a) {
    auto it = b.find(k);
    sum += std::fabs(p - (it == b.end() ? 0.0 : it->second));
  }
  for (const auto& [k, q] : b) {
    if (!a.count(k)) sum += q;
  }
  return 0.5 * sum;
}

}  // namespace

double ks_complement(std::span<const double> real, std::span<const double> synthetic) {
  std::vector<double> a = present_sorted(real), b = present_sorted(synthetic);
  if (a.empty() || b.empty()) return kNaN;
  size_t i = 0, j = 0;
  double d = 0;
  const double na = static_cast<double>(a.size()), nb = static_cast<double>(b.size());
  while (i < a.size() && j < b.size()) {
    double x = std::min(a[i], b[j]);
    while (i < a.size() && a[i] == x) ++i;
    while (j < b.size() && b[j] == x) ++j;
    d = std::max(d, std::fabs(static_cast<double>(i) / na - static_cast<double>(j) / nb));
  }
  return 1.0 - d;
}

double tv_complement(std::span<const int32_t> real, std::span<const int32_t> synthetic) {
  auto r = shares(real, false), s = shares(synthetic, false);
  if (r.empty() || s.empty()) return kNaN;
  return 1.0 - total_variation(r, s);
}

double pearson(std::span<const double> a, std::span<const double> b) {
  double n = 0, ma = 0, mb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::isnan(a[i]) || std::isnan(b[i])) continue;
    n += 1;
    ma += a[i];
    mb += b[i];
  }
  if (n < 2) return kNaN;
  ma /= n;
  mb /= n;
  double sab = 0, saa = 0, sbb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::isnan(a[i]) || std::isnan(b[i])) continue;
    double da = a[i] - ma, db = b[i] - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  if (!(saa > 0) || !(sbb > 0)) return kNaN;
  return std::clamp(sab / std::sqrt(saa * sbb), -1.0, 1.0);
}

CorrelationResult correlation_similarity(std::span<const double> real_a,
                                         std::span<const double> real_b,
                                         std::span<const double> synthetic_a,
                                         std::span<const double> synthetic_b) {
  CorrelationResult r;
  r.real = pearson(real_a, real_b);
  r.synthetic = pearson(synthetic_a, synthetic_b);
  r.score = std::isnan(r.real) || std::isnan(r.synthetic)
                ? kNaN
                : 1.0 - std::fabs(r.real - r.synthetic) / 2.0;
  return r;
}

double contingency_similarity(std::span<const int32_t> real_a, std::span<const int32_t> real_b,
                              std::span<const int32_t> synthetic_a,
                              std::span<const int32_t> synthetic_b) {
  auto joint = [](std::span<const int32_t> a, std::span<const int32_t> b) {
    std::unordered_map<int64_t, double> out;
    for (size_t i = 0; i < a.size(); ++i) {
      // Missing (-1) is a category: shift codes by one so it keys as 0.
      int64_t key = (static_cast<int64_t>(a[i]) + 1) * 0x100000000LL + (b[i] + 1);
      out[key] += 1;
    }
    for (auto& [k, v] : out) v /= static_cast<double>(a.size());
    return out;
  };
  if (real_a.empty() || synthetic_a.empty()) return kNaN;
  return 1.0 - total_variation(joint(real_a, real_b), joint(synthetic_a, synthetic_b));
}

std::vector<double> histogram_edges(std::span<const double> real, size_t bins) {
  std::vector<double> v = present_sorted(real);
  if (v.empty()) return {};
  double lo = v.front(), hi = v.back();
  if (lo == hi) {  // numpy widens a degenerate range by 0.5 on each side
    lo -= 0.5;
    hi += 0.5;
  }
  std::vector<double> edges(bins + 1);
  for (size_t i = 0; i <= bins; ++i) {
    edges[i] = lo + (hi - lo) * static_cast<double>(i) / static_cast<double>(bins);
  }
  edges[bins] = hi;
  return edges;
}

std::vector<int32_t> digitize(std::span<const double> values, std::span<const double> edges) {
  std::vector<int32_t> out(values.size(), -1);
  for (size_t i = 0; i < values.size(); ++i) {
    if (std::isnan(values[i]) || edges.empty()) continue;
    // numpy.digitize(x, edges): i such that edges[i-1] <= x < edges[i].
    out[i] = static_cast<int32_t>(std::upper_bound(edges.begin(), edges.end(), values[i]) -
                                  edges.begin());
  }
  return out;
}

double boundary_adherence(std::span<const double> real, std::span<const double> synthetic,
                          uint64_t invalid) {
  double lo = INFINITY, hi = -INFINITY;
  for (double x : real) {
    if (std::isnan(x)) continue;
    lo = std::min(lo, x);
    hi = std::max(hi, x);
  }
  double inside = 0, n = static_cast<double>(invalid);
  for (double x : synthetic) {
    if (std::isnan(x)) continue;
    n += 1;
    inside += x >= lo && x <= hi;
  }
  if (n == 0 || lo > hi) return kNaN;
  return inside / n;
}

double category_adherence(std::span<const int32_t> real, std::span<const int32_t> synthetic) {
  std::unordered_set<int32_t> known(real.begin(), real.end());  // includes -1 if real has missing
  if (synthetic.empty()) return kNaN;
  double ok = 0;
  for (int32_t c : synthetic) ok += known.count(c) ? 1 : 0;
  return ok / static_cast<double>(synthetic.size());
}

double key_uniqueness(std::span<const int32_t> synthetic) {
  if (synthetic.empty()) return kNaN;
  std::unordered_set<int32_t> seen;
  double bad = 0;
  for (int32_t c : synthetic) {
    if (c < 0 || !seen.insert(c).second) bad += 1;
  }
  return 1.0 - bad / static_cast<double>(synthetic.size());
}

}  // namespace hyv::quality
