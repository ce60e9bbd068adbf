#include "hyv/quality/privacy_metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <unordered_map>

#include "hyv/engine/rng.h"

namespace hyv::quality {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The columns DCR uses, and their real ranges.
struct Layout {
  std::vector<const TypedColumn*> numeric;
  std::vector<double> lo, range;
  std::vector<const TypedColumn*> discrete;
  size_t width() const { return numeric.size() + discrete.size(); }
};

Layout layout_of(const TypedTables& t, size_t tables) {
  Layout l;
  for (const auto& c : t.columns) {
    bool everywhere = true;
    for (size_t k = 0; k < tables; ++k) everywhere = everywhere && c.present[k];
    if (!everywhere) continue;
    if (c.continuous()) {
      double lo = INFINITY, hi = -INFINITY;
      for (double x : c.numbers[0]) {
        if (std::isnan(x)) continue;
        lo = std::min(lo, x);
        hi = std::max(hi, x);
      }
      l.numeric.push_back(&c);
      l.lo.push_back(lo > hi ? 0 : lo);
      l.range.push_back(lo > hi ? 0 : hi - lo);
    } else if (synth::is_discrete(c.sdtype)) {
      l.discrete.push_back(&c);
    }
  }
  return l;
}

// Rows as flat arrays: numbers scaled by their range (NaN = missing), codes.
struct Rows {
  size_t n = 0;
  std::vector<double> num;   // n x numeric
  std::vector<int32_t> cat;  // n x discrete
};

Rows rows_of(const Layout& l, size_t table, const std::vector<uint32_t>& pick) {
  Rows r;
  r.n = pick.size();
  const size_t dn = l.numeric.size(), dk = l.discrete.size();
  r.num.resize(r.n * dn);
  r.cat.resize(r.n * dk);
  for (size_t i = 0; i < r.n; ++i) {
    for (size_t j = 0; j < dn; ++j) {
      double x = l.numeric[j]->numbers[table][pick[i]];
      r.num[i * dn + j] = std::isnan(x) ? x : (l.range[j] > 0 ? (x - l.lo[j]) / l.range[j] : x);
    }
    for (size_t j = 0; j < dk; ++j) r.cat[i * dk + j] = l.discrete[j]->codes[table][pick[i]];
  }
  return r;
}

double column_distance(double a, double b, bool ranged) {
  bool ma = std::isnan(a), mb = std::isnan(b);
  if (ma || mb) return ma && mb ? 0.0 : 1.0;
  if (!ranged) return a == b ? 0.0 : 1.0;
  return std::min(std::fabs(a - b), 1.0);
}

// For each query row, the distance to the closest reference row (mean over columns).
std::vector<double> closest(const Layout& l, const Rows& query, const Rows& ref) {
  const size_t dn = l.numeric.size(), dk = l.discrete.size();
  const double width = static_cast<double>(l.width());
  std::vector<double> out(query.n);
  for (size_t q = 0; q < query.n; ++q) {
    // data() + offset, not &v[offset]: a layout without numeric (or discrete) columns has empty
    // vectors, and indexing one is undefined even when nothing is read (UBSan, make test-asan).
    const double* qn = query.num.data() + q * dn;
    const int32_t* qk = query.cat.data() + q * dk;
    double best = INFINITY;
    for (size_t r = 0; r < ref.n && best > 0; ++r) {
      const int32_t* rk = ref.cat.data() + r * dk;
      double sum = 0;
      for (size_t j = 0; j < dk && sum < best; ++j) sum += qk[j] == rk[j] ? 0.0 : 1.0;
      const double* rn = ref.num.data() + r * dn;
      for (size_t j = 0; j < dn && sum < best; ++j) {
        sum += column_distance(qn[j], rn[j], l.range[j] > 0);
      }
      best = std::min(best, sum);
    }
    out[q] = ref.n ? best / width : kNaN;
  }
  return out;
}

std::vector<uint32_t> subsample(size_t n, size_t k, uint64_t seed) {
  std::vector<uint32_t> idx(n);
  std::iota(idx.begin(), idx.end(), 0u);
  if (k >= n) return idx;
  engine::Rng rng(seed);
  for (size_t i = 0; i < k; ++i) {  // partial Fisher-Yates
    size_t j = i + rng.next_u64() % (n - i);
    std::swap(idx[i], idx[j]);
  }
  idx.resize(k);
  std::sort(idx.begin(), idx.end());
  return idx;
}

double median(std::vector<double> v) {
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return std::isnan(x); }), v.end());
  if (v.empty()) return kNaN;
  size_t m = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + m, v.end());
  double hi = v[m];
  if (v.size() % 2) return hi;
  double lo = *std::max_element(v.begin(), v.begin() + m);
  return 0.5 * (lo + hi);
}

}  // namespace

DcrBaselineResult dcr_baseline_protection(const TypedTables& t, const PrivacyOptions& o) {
  DcrBaselineResult result;
  Layout l = layout_of(t, 2);
  if (l.width() == 0 || t.rows[0] == 0 || t.rows[1] == 0) {
    result.score = kNaN;
    return result;
  }
  Rows real = rows_of(l, 0, subsample(t.rows[0], o.reference_rows, o.seed + 1));
  Rows syn = rows_of(l, 1, subsample(t.rows[1], o.synthetic_rows, o.seed + 2));
  // Random rows: uniform within each real range / over each real column's categories.
  Rows random;
  random.n = syn.n;
  const size_t dn = l.numeric.size(), dk = l.discrete.size();
  random.num.resize(random.n * dn);
  random.cat.resize(random.n * dk);
  engine::Rng rng(o.seed + 3);
  std::vector<std::vector<int32_t>> categories(dk);
  for (size_t j = 0; j < dk; ++j) {
    std::vector<bool> seen;
    for (int32_t c : l.discrete[j]->codes[0]) {
      if (c < 0) continue;
      if (static_cast<size_t>(c) >= seen.size()) seen.resize(c + 1, false);
      if (!seen[c]) categories[j].push_back(c);
      seen[c] = true;
    }
    std::sort(categories[j].begin(), categories[j].end());
  }
  for (size_t i = 0; i < random.n; ++i) {
    for (size_t j = 0; j < dn; ++j) {
      double u = rng.next_double();
      random.num[i * dn + j] = l.range[j] > 0 ? u : l.lo[j];
    }
    for (size_t j = 0; j < dk; ++j) {
      random.cat[i * dk + j] =
          categories[j].empty() ? -1 : categories[j][rng.next_u64() % categories[j].size()];
    }
  }
  result.median_synthetic = median(closest(l, syn, real));
  result.median_random = median(closest(l, random, real));
  result.synthetic_rows = syn.n;
  result.reference_rows = real.n;
  result.score = result.median_random > 0
                     ? std::min(1.0, result.median_synthetic / result.median_random)
                     : kNaN;
  return result;
}

DcrOverfittingResult dcr_overfitting_protection(const TypedTables& t, const PrivacyOptions& o) {
  DcrOverfittingResult result;
  Layout l = layout_of(t, 3);
  if (t.rows.size() < 3 || l.width() == 0 || t.rows[1] == 0 || t.rows[2] == 0) {
    result.score = kNaN;
    return result;
  }
  Rows train = rows_of(l, 0, subsample(t.rows[0], o.reference_rows, o.seed + 1));
  Rows holdout = rows_of(l, 2, subsample(t.rows[2], o.reference_rows, o.seed + 4));
  Rows syn = rows_of(l, 1, subsample(t.rows[1], o.synthetic_rows, o.seed + 2));
  std::vector<double> to_train = closest(l, syn, train), to_holdout = closest(l, syn, holdout);
  double closer = 0;
  for (size_t i = 0; i < syn.n; ++i) closer += to_train[i] < to_holdout[i] ? 1 : 0;
  result.synthetic_rows = syn.n;
  result.closer_to_training = closer / static_cast<double>(syn.n);
  result.closer_to_holdout = 1 - result.closer_to_training;
  result.score = std::min(1.0, 2 * (1 - result.closer_to_training));
  return result;
}

NewRowSynthesisResult new_row_synthesis(const TypedTables& t, const PrivacyOptions& o) {
  NewRowSynthesisResult result;
  Layout l = layout_of(t, 2);
  std::vector<uint32_t> pick = subsample(t.rows[1], o.new_row_synthesis_rows, o.seed + 5);
  if (pick.empty()) {
    result.score = kNaN;
    return result;
  }
  std::vector<uint32_t> all(t.rows[0]);
  std::iota(all.begin(), all.end(), 0u);
  // Raw (unscaled) values: the tolerance is relative to the synthetic value.
  Layout raw = l;
  std::fill(raw.range.begin(), raw.range.end(), 0.0);
  Rows real = rows_of(raw, 0, all), syn = rows_of(raw, 1, pick);
  const size_t dn = l.numeric.size(), dk = l.discrete.size();
  // Buckets of real rows by their categories and missing pattern, sorted by the first number.
  auto key_of = [&](const Rows& r, size_t i) {
    uint64_t h = 1469598103934665603ULL;
    for (size_t j = 0; j < dk; ++j)
      h = (h ^ static_cast<uint32_t>(r.cat[i * dk + j])) * 1099511628211ULL;
    for (size_t j = 0; j < dn; ++j)
      h = (h ^ (std::isnan(r.num[i * dn + j]) ? 7 : 3)) * 1099511628211ULL;
    return h;
  };
  auto first = [&](const Rows& r, size_t i) { return dn ? r.num[i * dn] : 0.0; };
  std::unordered_map<uint64_t, std::vector<uint32_t>> buckets;
  for (size_t i = 0; i < real.n; ++i) buckets[key_of(real, i)].push_back(static_cast<uint32_t>(i));
  for (auto& [k, rows] : buckets) {
    std::sort(rows.begin(), rows.end(), [&](uint32_t a, uint32_t b) {
      double fa = first(real, a), fb = first(real, b);
      if (std::isnan(fa) || std::isnan(fb)) return std::isnan(fb) && !std::isnan(fa);
      return fa < fb;
    });
  }
  auto matches = [&](size_t s, size_t r) {
    for (size_t j = 0; j < dk; ++j) {
      if (syn.cat[s * dk + j] != real.cat[r * dk + j]) return false;
    }
    for (size_t j = 0; j < dn; ++j) {
      double a = syn.num[s * dn + j], b = real.num[r * dn + j];
      if (std::isnan(a) || std::isnan(b)) {
        if (std::isnan(a) != std::isnan(b)) return false;
        continue;
      }
      if (!(std::fabs(b - a) <= std::fabs(o.numerical_match_tolerance * a))) return false;
    }
    return true;
  };
  for (size_t s = 0; s < syn.n; ++s) {
    auto it = buckets.find(key_of(syn, s));
    bool found = false;
    if (it != buckets.end()) {
      const auto& rows = it->second;
      double v = first(syn, s);
      if (dn == 0 || std::isnan(v)) {
        for (uint32_t r : rows) {
          if ((found = matches(s, r))) break;
        }
      } else {
        double tol = std::fabs(o.numerical_match_tolerance * v);
        auto lo = std::lower_bound(rows.begin(), rows.end(), v - tol, [&](uint32_t r, double x) {
          double f = first(real, r);
          return !std::isnan(f) && f < x;
        });
        for (auto r = lo; r != rows.end() && !found; ++r) {
          double f = first(real, *r);
          if (std::isnan(f) || f > v + tol) break;
          found = matches(s, *r);
        }
      }
    }
    (found ? result.matched_rows : result.new_rows) += 1;
  }
  result.score = static_cast<double>(result.new_rows) / static_cast<double>(syn.n);
  return result;
}

}  // namespace hyv::quality
