#include "hyv/synth/copula_fit.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <unordered_map>

#include "hyv/engine/rng.h"
#include "hyv/synth/cell_values.h"
#include "hyv/synth/normal_math.h"
#include "linalg.h"

namespace hyv::synth {
namespace {

// The generator that spreads ties and categories over their slice of (0, 1): a fixed seed, so
// the same table always gives the same model file.
constexpr uint64_t kFitSeed = 0x6879762d666974ULL;

// Normal scores of a numerical column: rank-based uniforms, ties spread over their rank block.
void continuous_scores(std::span<const double> x, engine::Rng& rng, std::vector<double>* sorted,
                       std::vector<double>* z) {
  std::vector<uint32_t> order;
  for (uint32_t r = 0; r < x.size(); ++r) {
    if (!std::isnan(x[r])) order.push_back(r);
  }
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return x[a] < x[b]; });
  sorted->resize(order.size());
  for (size_t i = 0; i < order.size(); ++i) (*sorted)[i] = x[order[i]];
  const double n = static_cast<double>(order.size());
  z->assign(x.size(), 0.0);
  for (size_t a = 0; a < order.size();) {
    size_t b = a;
    while (b < order.size() && x[order[b]] == x[order[a]]) ++b;
    for (size_t i = a; i < b; ++i) {
      double u = (static_cast<double>(a) + open_uniform(rng) * static_cast<double>(b - a)) / n;
      (*z)[order[i]] = normal_quantile(u);
    }
    a = b;
  }
}

Status fit_continuous(const CsvTable& table, size_t col, const ColumnInfo& info,
                      const CopulaFitOptions& options, engine::Rng& rng, ColumnModel* m,
                      std::vector<double>* z) {
  std::vector<double> x;
  HYV_RETURN_IF_ERROR(column_numbers(table, col, info, &x));
  std::vector<double> sorted;
  continuous_scores(x, rng, &sorted, z);
  m->missing_rate = 1.0 - static_cast<double>(sorted.size()) / static_cast<double>(x.size());
  m->integer = info.integer;
  m->decimals = info.decimals;
  m->thousands = info.thousands;
  m->datetime_format = info.datetime_format;
  m->frac_digits = info.frac_digits;
  m->marginal = fit_numeric_marginal(sorted, options.family);
  return Status::Ok();
}

// A continuous column's normal scores and which rows have a value.
struct ScoreColumn {
  std::vector<double> z;
  std::vector<bool> present;
};

// The category order for the frequency intervals. SDV sorts by frequency; when a numerical column
// explains enough of the category (correlation ratio eta^2 >= kMinEta2) sorting by that column's
// mean normal score instead puts neighbouring categories in neighbouring slices, so a monotone
// link (income bands -> segment) becomes a correlation the copula can keep.
constexpr double kMinEta2 = 0.02;

std::vector<uint32_t> category_order(
    const std::vector<std::pair<std::string_view, uint64_t>>& counts,
    const std::vector<int32_t>& codes, std::span<const ScoreColumn> references, int* chosen) {
  *chosen = -1;
  const size_t k = counts.size();
  std::vector<uint32_t> order(k);
  std::iota(order.begin(), order.end(), 0u);
  // Most frequent first; ties by first appearance, so the order is deterministic.
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return counts[a].second != counts[b].second ? counts[a].second > counts[b].second : a < b;
  });
  double best_eta2 = kMinEta2;
  std::vector<double> best_means;
  for (size_t ri = 0; ri < references.size(); ++ri) {
    const ScoreColumn& ref = references[ri];
    std::vector<double> sum(k, 0.0), n(k, 0.0);
    double total = 0, count = 0;
    for (size_t r = 0; r < codes.size(); ++r) {
      if (codes[r] < 0 || !ref.present[r]) continue;
      sum[codes[r]] += ref.z[r];
      n[codes[r]] += 1;
      total += ref.z[r];
      count += 1;
    }
    if (count < 2) continue;
    const double mean = total / count;
    double between = 0, within_total = 0;
    for (size_t c = 0; c < k; ++c) {
      if (n[c] > 0) between += n[c] * (sum[c] / n[c] - mean) * (sum[c] / n[c] - mean);
    }
    for (size_t r = 0; r < codes.size(); ++r) {
      if (codes[r] < 0 || !ref.present[r]) continue;
      within_total += (ref.z[r] - mean) * (ref.z[r] - mean);
    }
    if (!(within_total > 0)) continue;
    double eta2 = between / within_total;
    if (eta2 > best_eta2) {
      best_eta2 = eta2;
      *chosen = static_cast<int>(ri);
      best_means.assign(k, 0.0);
      for (size_t c = 0; c < k; ++c) best_means[c] = n[c] > 0 ? sum[c] / n[c] : 0.0;
    }
  }
  if (!best_means.empty()) {
    std::vector<uint32_t> by_frequency(k);
    for (size_t i = 0; i < k; ++i) by_frequency[order[i]] = static_cast<uint32_t>(i);
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
      return best_means[a] != best_means[b] ? best_means[a] < best_means[b]
                                            : by_frequency[a] < by_frequency[b];
    });
  }
  return order;
}

// Olsson's (1982) two-step polyserial correlation between a normal score x and an ordinal y with
// thresholds tau: r(x, y) * sd(y) / sum_k phi(tau_k), y the slice's rank.
double polyserial(const ScoreColumn& ref, const std::vector<int32_t>& codes,
                  const std::vector<size_t>& rank, const std::vector<double>& slice_z) {
  double n = 0, sx = 0, sy = 0;
  for (size_t r = 0; r < codes.size(); ++r) {
    if (codes[r] < 0 || !ref.present[r]) continue;
    n += 1;
    sx += ref.z[r];
    sy += static_cast<double>(rank[codes[r]]);
  }
  if (n < 3) return 0;
  const double mx = sx / n, my = sy / n;
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t r = 0; r < codes.size(); ++r) {
    if (codes[r] < 0 || !ref.present[r]) continue;
    double dx = ref.z[r] - mx, dy = static_cast<double>(rank[codes[r]]) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  double density = 0;
  for (size_t i = 1; i + 1 < slice_z.size(); ++i) {
    density += 0.39894228040143267794 * fdlibm_exp(-0.5 * slice_z[i] * slice_z[i]);
  }
  if (!(sxx > 0) || !(syy > 0) || !(density > 0)) return 0;
  double r_xy = sxy / std::sqrt(sxx * syy);
  double rho = r_xy * std::sqrt(syy / n) / density;
  return std::clamp(rho, -0.995, 0.995);
}

void fit_discrete(const CellColumn& cells, std::span<const ScoreColumn> references,
                  engine::Rng& rng, ColumnModel* m, std::vector<double>* z) {
  std::unordered_map<std::string_view, uint32_t> index;
  std::vector<std::pair<std::string_view, uint64_t>> counts;
  std::vector<int32_t> codes(cells.size(), -1);
  uint64_t values = 0;
  for (size_t r = 0; r < cells.size(); ++r) {
    std::string_view cell = cells.cell(r);
    if (is_null_cell(cell)) continue;
    auto [it, inserted] = index.try_emplace(cell, static_cast<uint32_t>(counts.size()));
    if (inserted) counts.emplace_back(cell, 0);
    ++counts[it->second].second;
    codes[r] = static_cast<int32_t>(it->second);
    ++values;
  }
  int chosen = -1;
  std::vector<uint32_t> order = category_order(counts, codes, references, &chosen);
  std::vector<double> start(counts.size());
  std::vector<double> width(counts.size());
  double cumulative = 0;
  for (uint32_t k : order) {
    double f = static_cast<double>(counts[k].second) / static_cast<double>(values);
    m->categories.emplace_back(counts[k].first);
    m->frequencies.push_back(f);
    start[k] = cumulative;
    width[k] = f;
    cumulative += f;
  }
  m->missing_rate =
      cells.size() ? 1.0 - static_cast<double>(values) / static_cast<double>(cells.size()) : 0;
  z->assign(cells.size(), 0.0);
  std::vector<double> slice_z(counts.size() + 1);  // slice k spans [slice_z[rank], slice_z[rank+1]]
  std::vector<size_t> rank(counts.size());
  for (size_t i = 0; i < order.size(); ++i) rank[order[i]] = i;
  slice_z[0] = -INFINITY;
  for (size_t i = 0; i < order.size(); ++i) {
    slice_z[i + 1] =
        i + 1 == order.size() ? INFINITY : normal_quantile(start[order[i]] + width[order[i]]);
  }
  // With an ordering column, the scores are drawn from their conditional normal given that
  // column's score (rho = Olsson's polyserial correlation), truncated to the category's slice,
  // instead of uniformly within it: the copula then sees the categories' latent correlation,
  // not one diluted by the width of the slices.
  double rho = 0;
  if (chosen >= 0) rho = polyserial(references[chosen], codes, rank, slice_z);
  const double sd = std::sqrt(1 - rho * rho);
  for (size_t r = 0; r < cells.size(); ++r) {
    if (codes[r] < 0) continue;
    size_t i = rank[codes[r]];
    if (chosen >= 0 && references[chosen].present[r]) {
      (*z)[r] =
          truncated_normal(rng, rho * references[chosen].z[r], sd, slice_z[i], slice_z[i + 1]);
    } else {
      double u = start[codes[r]] + open_uniform(rng) * width[codes[r]];
      (*z)[r] = normal_quantile(std::clamp(u, 1e-300, 1.0 - 1e-16));
    }
  }
}

// Keys are never missing in the output (missing_rate stays 0), whatever the training data had.
void fit_id(const CsvTable& table, size_t col, const ColumnInfo& info, ColumnModel* m) {
  const CellColumn& cells = table.columns[col];
  if (info.sdtype == Sdtype::numerical || info.integer) {
    std::vector<double> x;
    if (column_numbers(table, col, info, &x).ok()) {
      double lo = 0;
      bool any = false;
      for (double v : x) {
        if (std::isnan(v)) continue;
        lo = any ? std::min(lo, v) : v;
        any = true;
      }
      m->integer_id = true;
      m->integer_start = any ? static_cast<int64_t>(lo) : 1;
      return;
    }
  }
  bool all_integers = true;
  std::unordered_map<size_t, uint64_t> lengths;
  const size_t scan = std::min<size_t>(cells.size(), 100000);
  int64_t lo = INT64_MAX;
  for (size_t r = 0; r < scan; ++r) {
    std::string_view cell = cells.cell(r);
    if (is_null_cell(cell)) continue;
    ++lengths[cell.size()];
    ParsedNumber n;
    if (all_integers && parse_number(cell, false, &n) && n.integral_text &&
        std::fabs(n.value) < 9e15 && cell.front() != '0') {
      lo = std::min(lo, static_cast<int64_t>(n.value));
    } else {
      all_integers = false;
    }
  }
  if (all_integers && lo != INT64_MAX) {
    m->integer_id = true;
    m->integer_start = lo;
    return;
  }
  size_t common = 0;
  uint64_t best = 0;
  for (const auto& [len, n] : lengths) {
    if (n > best || (n == best && len < common)) {
      best = n;
      common = len;
    }
  }
  // Per position: which characters occur.
  std::vector<std::array<bool, 256>> seen(common);
  for (auto& s : seen) s.fill(false);
  for (size_t r = 0; r < scan; ++r) {
    std::string_view cell = cells.cell(r);
    if (cell.size() != common || is_null_cell(cell)) continue;
    for (size_t i = 0; i < common; ++i) seen[i][static_cast<uint8_t>(cell[i])] = true;
  }
  auto alphabet_of = [](const std::array<bool, 256>& s, std::string* literal) {
    std::string chars;
    for (int c = 0; c < 256; ++c) {
      if (s[c]) chars += static_cast<char>(c);
    }
    if (chars.size() == 1) {
      *literal = chars;
      return std::string();
    }
    literal->clear();
    std::string out;
    bool digit = false, lower = false, lower_hex = true, upper = false, upper_hex = true;
    for (char c : chars) {
      if (c >= '0' && c <= '9') {
        digit = true;
      } else if (c >= 'a' && c <= 'z') {
        lower = true;
        lower_hex = lower_hex && c <= 'f';
      } else if (c >= 'A' && c <= 'Z') {
        upper = true;
        upper_hex = upper_hex && c <= 'F';
      } else {
        out += c;  // other characters stay as observed
      }
    }
    std::string alphabet;
    if (digit) alphabet += "0123456789";
    if (lower) alphabet += lower_hex ? "abcdef" : "abcdefghijklmnopqrstuvwxyz";
    if (upper) alphabet += upper_hex ? "ABCDEF" : "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    return alphabet + out;
  };
  for (size_t i = 0; i < common; ++i) {
    std::string literal;
    std::string alphabet = alphabet_of(seen[i], &literal);
    auto& segs = m->id_segments;
    if (!literal.empty()) {
      if (!segs.empty() && !segs.back().literal.empty()) {
        segs.back().literal += literal;
      } else {
        segs.push_back(IdSegment{literal, {}, 0});
      }
    } else if (!segs.empty() && segs.back().literal.empty() && segs.back().alphabet == alphabet) {
      ++segs.back().length;
    } else {
      segs.push_back(IdSegment{{}, alphabet, 1});
    }
  }
}

void fit_text(const CellColumn& cells, const CopulaFitOptions& options, ColumnModel* m) {
  struct WordStats {
    uint64_t count = 0;
    uint32_t rows = 0;
    size_t last_row = SIZE_MAX;
    size_t first = 0;
  };
  std::unordered_map<std::string_view, WordStats> stats;
  std::vector<double> lengths;
  uint64_t values = 0;
  for (size_t r = 0; r < cells.size(); ++r) {
    std::string_view cell = cells.cell(r);
    if (is_null_cell(cell)) continue;
    ++values;
    double words = 0;
    size_t i = 0;
    while (i < cell.size()) {
      while (i < cell.size() && std::string_view(" \t\r\n").find(cell[i]) != std::string_view::npos)
        ++i;
      size_t start = i;
      while (i < cell.size() && std::string_view(" \t\r\n").find(cell[i]) == std::string_view::npos)
        ++i;
      if (i == start) break;
      auto [it, inserted] = stats.try_emplace(cell.substr(start, i - start));
      if (inserted) it->second.first = stats.size();
      ++it->second.count;
      if (it->second.last_row != r) {
        ++it->second.rows;
        it->second.last_row = r;
      }
      ++words;
    }
    lengths.push_back(words);
  }
  m->missing_rate =
      cells.size() ? 1.0 - static_cast<double>(values) / static_cast<double>(cells.size()) : 0;
  std::vector<std::pair<std::string_view, const WordStats*>> kept;
  for (const auto& [word, s] : stats) {
    if (s.rows >= options.text_min_rows_per_word) kept.emplace_back(word, &s);
  }
  std::sort(kept.begin(), kept.end(), [](const auto& a, const auto& b) {
    if (a.second->count != b.second->count) return a.second->count > b.second->count;
    return a.second->first < b.second->first;
  });
  if (kept.size() > options.text_max_words) kept.resize(options.text_max_words);
  for (const auto& [word, s] : kept) {
    m->words.emplace_back(word);
    m->word_weights.push_back(static_cast<double>(s->count));
  }
  std::sort(lengths.begin(), lengths.end());
  if (!lengths.empty()) {
    m->word_count_knots = fit_numeric_marginal(lengths, MarginalFamily::empirical).knots;
    // 33 knots are plenty for a word count.
    std::vector<double> coarse;
    for (size_t i = 0; i < kEmpiricalKnots; i += (kEmpiricalKnots - 1) / 32) {
      coarse.push_back(m->word_count_knots[i]);
    }
    m->word_count_knots = std::move(coarse);
  }
}

std::vector<double> correlation_of(const std::vector<std::vector<double>>& z, size_t rows) {
  const size_t d = z.size();
  std::vector<double> mean(d, 0), sd(d, 0), corr(d * d, 0);
  for (size_t j = 0; j < d; ++j) {
    double s = 0;
    for (size_t r = 0; r < rows; ++r) s += z[j][r];
    mean[j] = rows ? s / static_cast<double>(rows) : 0;
  }
  std::vector<std::vector<double>> centered(d, std::vector<double>(rows));
  for (size_t j = 0; j < d; ++j) {
    double ss = 0;
    for (size_t r = 0; r < rows; ++r) {
      centered[j][r] = z[j][r] - mean[j];
      ss += centered[j][r] * centered[j][r];
    }
    sd[j] = std::sqrt(ss);
  }
  for (size_t i = 0; i < d; ++i) {
    corr[i * d + i] = 1;
    for (size_t j = i + 1; j < d; ++j) {
      double c = 0;
      if (sd[i] > 0 && sd[j] > 0) {
        double s = 0;
        const double* a = centered[i].data();
        const double* b = centered[j].data();
        for (size_t r = 0; r < rows; ++r) s += a[r] * b[r];
        c = std::clamp(s / (sd[i] * sd[j]), -1.0, 1.0);
      }
      corr[i * d + j] = corr[j * d + i] = c;
    }
  }
  return corr;
}

}  // namespace

size_t CopulaModel::copula_dims() const {
  size_t d = 0;
  for (const auto& c : columns) d += c.in_copula() ? 1 : 0;
  return d;
}

Result<CopulaModel> fit_copula(const CsvTable& table, std::span<const ColumnInfo> types,
                               const CopulaFitOptions& options) {
  if (types.size() != table.names.size()) {
    return Status::Error("fit_copula: " + std::to_string(types.size()) + " column types for " +
                         std::to_string(table.names.size()) + " columns");
  }
  if (table.rows() == 0) {
    return Status::Error(table.source +
                         ": the file has a header but no data rows; there is nothing to learn");
  }
  CopulaModel model;
  model.training_rows = table.rows();
  model.columns.resize(types.size());
  // Continuous columns first: categorical columns order their categories by them.
  std::vector<std::vector<double>> z(types.size());
  std::vector<ScoreColumn> references;
  for (int pass = 0; pass < 2; ++pass) {
    for (size_t c = 0; c < types.size(); ++c) {
      const ColumnInfo& info = types[c];
      ColumnModel& m = model.columns[c];
      m.name = info.name;
      m.sdtype = info.sdtype;
      if (!info.semantic.empty()) {
        // Only the type and the gaps are kept: values are re-generated, never learned.
        m.semantic = info.semantic;
        m.semantic_locale = info.semantic_locale;
        m.missing_rate = static_cast<double>(info.missing) / static_cast<double>(table.rows());
        continue;
      }
      if (info.values == 0 && (is_continuous(info.sdtype) || info.sdtype == Sdtype::id)) {
        m.sdtype = Sdtype::categorical;  // every value missing: nothing to model but the gap
      }
      if ((pass == 0) != is_continuous(m.sdtype)) continue;
      engine::Rng rng(kFitSeed + c);
      if (is_continuous(m.sdtype)) {
        HYV_RETURN_IF_ERROR(fit_continuous(table, c, info, options, rng, &m, &z[c]));
        if (options.order_categories) {
          ScoreColumn ref;
          ref.z = z[c];
          ref.present.resize(table.rows());
          for (size_t r = 0; r < table.rows(); ++r) {
            ref.present[r] = !is_null_cell(table.columns[c].cell(r));
          }
          references.push_back(std::move(ref));
        }
      } else if (is_discrete(m.sdtype)) {
        fit_discrete(table.columns[c], references, rng, &m, &z[c]);
      } else if (m.sdtype == Sdtype::id) {
        fit_id(table, c, info, &m);
      } else {
        fit_text(table.columns[c], options, &m);
      }
    }
  }
  std::vector<std::vector<double>> scores;
  for (size_t c = 0; c < types.size(); ++c) {
    if (model.columns[c].in_copula()) scores.push_back(std::move(z[c]));
  }
  model.correlation = correlation_of(scores, table.rows());
  std::vector<double> l;
  linalg::make_positive_definite(&model.correlation, scores.size(), &l);
  return model;
}

}  // namespace hyv::synth
