#include "hyv/synth/copula_sample.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <optional>
#include <unordered_set>

#include "hyv/synth/cell_values.h"
#include "hyv/synth/normal_math.h"
#include "hyv/synth/semantic_column.h"
#include "linalg.h"

namespace hyv::synth {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

std::string op_text(WhereCondition::Op op) {
  switch (op) {
    case WhereCondition::Op::eq:
      return "=";
    case WhereCondition::Op::ge:
      return ">=";
    case WhereCondition::Op::gt:
      return ">";
    case WhereCondition::Op::le:
      return "<=";
    case WhereCondition::Op::lt:
      return "<";
  }
  return "=";
}

// Cholesky with growing diagonal jitter for covariances that rounding made singular.
std::vector<double> robust_cholesky(std::vector<double> c, size_t n) {
  std::vector<double> l;
  if (n == 0 || linalg::cholesky(c, n, &l)) return l;
  double scale = 0;
  for (size_t i = 0; i < n; ++i) scale = std::max(scale, c[i * n + i]);
  if (!(scale > 0)) scale = 1;
  for (double jitter = 1e-12; jitter < 1e6; jitter *= 10) {
    std::vector<double> j = c;
    for (size_t i = 0; i < n; ++i) j[i * n + i] += jitter * scale;
    if (linalg::cholesky(j, n, &l)) return l;
  }
  // Nothing left to correlate: independent draws with the diagonal's spread.
  l.assign(n * n, 0.0);
  for (size_t i = 0; i < n; ++i) l[i * n + i] = std::sqrt(std::max(c[i * n + i], 1e-12));
  return l;
}

double interval_probability(double mu, double sd, double a, double b) {
  double alpha = (a - mu) / sd, beta = (b - mu) / sd;
  if (alpha > 0) return normal_cdf(-alpha) - normal_cdf(-beta);
  return normal_cdf(beta) - normal_cdf(alpha);
}

double pow10(int k) {
  double r = 1;
  for (int i = 0; i < k; ++i) r *= 10;
  return r;
}

}  // namespace

struct CopulaSampler::Plan {
  struct Column {
    int latent = -1;
    std::vector<double> cumulative;  // categorical: interval ends
    double scale = 1;                // numerical: 10^decimals
    double resolution = 1;           // datetime: seconds per step
    double g_low = 0, g_high = 1;    // the marginal's base_range
    bool never_missing = false;
    // Conditions.
    bool fixed = false;
    double fixed_value = 0;
    int fixed_category = -1;
    bool check_range = false;
    double lo = -kInf, hi = kInf;
    bool lo_open = false, hi_open = false;
    // Latent interval (categories and ranges).
    bool has_interval = false;
    double z_lo = -kInf, z_hi = kInf;
    // id pattern: positions counted through a permutation of the capacity.
    uint64_t id_capacity = 1, id_stride = 1, id_offset = 0;
    size_t id_counted_positions = 0;
    std::vector<std::string> id_alphabets;  // one per varying position
    std::vector<double> word_cumulative;    // text: running sum of word weights
    std::vector<bool> truthy;               // boolean: which spellings mean true
    // semantic: the generator; for unique columns the values given so far (a repeat is drawn
    // again, then numbered), so memory grows with the rows of such columns only.
    std::optional<SemanticGenerator> semantic;
    bool semantic_unique = false;
    std::unordered_set<std::string> seen;
    uint64_t repeats = 0;
  };
  std::string id_chars;
  std::vector<Column> cols;
  size_t d = 0;
  std::vector<double> z;   // the current latent vector (d)
  std::vector<int> point;  // dims fixed by an equality
  std::vector<double> point_z;
  std::vector<int> free;     // the other dims
  std::vector<double> mean;  // conditional mean of free dims given the points
  int exact = -1;            // index into free: interval dim drawn exactly
  double exact_sd = 1;
  std::vector<int> rest;      // free dims other than exact (indices into free)
  std::vector<double> slope;  // regression of rest on the exact dim
  std::vector<double> chol;   // Cholesky factor of rest's covariance
  std::vector<double> eps;
  std::vector<int> interval_dims;  // latent dims with an interval to check
  std::vector<double> dim_lo, dim_hi;
};

CopulaSampler::~CopulaSampler() = default;

Result<WhereCondition> parse_where(std::string_view text) {
  size_t pos = text.find_first_of("=<>");
  if (pos == std::string_view::npos || pos == 0) {
    return Status::Error("where \"" + std::string(text) +
                         "\": expected COLUMN=VALUE or COLUMN>=A, COLUMN>A, COLUMN<=A, COLUMN<A");
  }
  WhereCondition w;
  w.column = std::string(trim_blanks(text.substr(0, pos)));
  std::string_view rest = text.substr(pos);
  if (rest.starts_with(">=")) {
    w.op = WhereCondition::Op::ge;
    rest.remove_prefix(2);
  } else if (rest.starts_with("<=")) {
    w.op = WhereCondition::Op::le;
    rest.remove_prefix(2);
  } else if (rest.starts_with(">")) {
    w.op = WhereCondition::Op::gt;
    rest.remove_prefix(1);
  } else if (rest.starts_with("<")) {
    w.op = WhereCondition::Op::lt;
    rest.remove_prefix(1);
  } else if (rest.starts_with("==")) {
    rest.remove_prefix(2);
  } else {
    rest.remove_prefix(1);
  }
  w.value = std::string(trim_blanks(rest));
  if (w.column.empty()) return Status::Error("where \"" + std::string(text) + "\": no column");
  return w;
}

namespace {

Status resolve_numeric(const ColumnModel& c, const WhereCondition& w,
                       CopulaSampler::Plan::Column* p) {
  const std::string what = "where \"" + w.column + op_text(w.op) + w.value + "\"";
  double x = 0;
  bool parsed = false;
  if (c.sdtype == Sdtype::datetime) {
    parsed = parse_datetime(w.value, c.datetime_format, &x);
    for (std::string_view f : known_datetime_formats()) {
      if (!parsed) parsed = parse_datetime(w.value, f, &x);
    }
  } else {
    ParsedNumber n;
    parsed = parse_number(w.value, true, &n);
    x = n.value;
  }
  if (!parsed) {
    return Status::Error(what + ": \"" + w.value + "\" is not " +
                         (c.sdtype == Sdtype::datetime
                              ? "a date/time (the column's format is " + c.datetime_format + ")"
                              : std::string("a number")));
  }
  const double low = c.marginal.low, high = c.marginal.high;
  auto range_text = [&] {
    std::string s;
    if (c.sdtype == Sdtype::datetime) {
      append_datetime(s, low, c.datetime_format, c.frac_digits);
      s += " .. ";
      append_datetime(s, high, c.datetime_format, c.frac_digits);
    } else {
      append_fixed(s, low, c.integer ? 0 : c.decimals, false);
      s += " .. ";
      append_fixed(s, high, c.integer ? 0 : c.decimals, false);
    }
    return s;
  };
  if (w.op == WhereCondition::Op::eq) {
    if (x < low || x > high) {
      return Status::Error(what + ": impossible, the model's values of \"" + w.column +
                           "\" lie in " + range_text());
    }
    if (c.sdtype == Sdtype::numerical && c.integer && x != std::nearbyint(x)) {
      return Status::Error(what + ": impossible, \"" + w.column + "\" holds integers");
    }
    if (p->fixed && p->fixed_value != x) {
      return Status::Error(what + ": contradicts another condition on \"" + w.column + "\"");
    }
    p->fixed = true;
    p->fixed_value = x;
    return Status::Ok();
  }
  p->check_range = true;
  if (w.op == WhereCondition::Op::ge || w.op == WhereCondition::Op::gt) {
    if (x > p->lo || (x == p->lo && w.op == WhereCondition::Op::gt)) {
      p->lo = x;
      p->lo_open = w.op == WhereCondition::Op::gt;
    }
  } else if (x < p->hi || (x == p->hi && w.op == WhereCondition::Op::lt)) {
    p->hi = x;
    p->hi_open = w.op == WhereCondition::Op::lt;
  }
  if (p->lo > high || p->hi < low || (p->lo == high && p->lo_open) ||
      (p->hi == low && p->hi_open)) {
    return Status::Error(what + ": impossible, the model's values of \"" + w.column + "\" lie in " +
                         range_text());
  }
  if (p->lo > p->hi || (p->lo == p->hi && (p->lo_open || p->hi_open))) {
    return Status::Error(what + ": contradicts another condition on \"" + w.column +
                         "\" (the range is empty)");
  }
  return Status::Ok();
}

Status resolve_category(const ColumnModel& c, const WhereCondition& w,
                        CopulaSampler::Plan::Column* p) {
  const std::string what = "where \"" + w.column + op_text(w.op) + w.value + "\"";
  if (w.op != WhereCondition::Op::eq) {
    return Status::Error(what + ": \"" + w.column + "\" is " + std::string(sdtype_name(c.sdtype)) +
                         "; only COLUMN=VALUE applies to it");
  }
  int found = -1;
  for (size_t k = 0; k < c.categories.size(); ++k) {
    if (c.categories[k] == w.value) found = static_cast<int>(k);
  }
  if (found < 0 && c.sdtype == Sdtype::boolean) {
    auto lower = [](std::string s) {
      for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      return s;
    };
    for (size_t k = 0; k < c.categories.size(); ++k) {
      if (lower(c.categories[k]) == lower(w.value)) found = static_cast<int>(k);
    }
  }
  if (found < 0) {
    std::string known;
    for (size_t k = 0; k < c.categories.size() && k < 12; ++k) {
      known += (k ? ", \"" : "\"") + c.categories[k] + "\"";
    }
    if (c.categories.size() > 12) known += ", ...";
    return Status::Error(what + ": impossible, \"" + w.column + "\" never takes the value \"" +
                         w.value + "\" in the model (its values: " + known + ")");
  }
  if (p->fixed_category >= 0 && p->fixed_category != found) {
    return Status::Error(what + ": contradicts another condition on \"" + w.column + "\"");
  }
  p->fixed_category = found;
  return Status::Ok();
}

// Capacity and stride for an id pattern: the rightmost positions that fit in 2^62 are counted
// through (offset + i * stride) mod capacity, which visits every value once, so ids stay unique
// for `capacity` rows; positions left of them are random.
void plan_id(const ColumnModel& c, engine::Rng& rng, CopulaSampler::Plan::Column* p) {
  std::vector<uint64_t> sizes;
  for (const auto& s : c.id_segments) {
    for (uint32_t k = 0; s.literal.empty() && k < s.length; ++k) {
      sizes.push_back(s.alphabet.size());
      p->id_alphabets.push_back(s.alphabet);
    }
  }
  uint64_t capacity = 1;
  size_t counted = 0;
  for (size_t i = sizes.size(); i-- > 0;) {
    if (capacity > (uint64_t{1} << 62) / sizes[i]) break;
    capacity *= sizes[i];
    ++counted;
  }
  p->id_capacity = capacity;
  p->id_counted_positions = counted;
  p->id_offset = capacity > 1 ? rng.next_u64() % capacity : 0;
  uint64_t stride = capacity > 1 ? (0x9E3779B97F4A7C15ULL % capacity) | 1 : 1;
  auto gcd = [](uint64_t a, uint64_t b) {
    while (b) {
      uint64_t t = a % b;
      a = b;
      b = t;
    }
    return a;
  };
  while (capacity > 1 && gcd(stride, capacity) != 1) stride = (stride + 2) % capacity;
  p->id_stride = std::max<uint64_t>(stride, 1);
}

}  // namespace

Result<std::unique_ptr<CopulaSampler>> CopulaSampler::create(CopulaModel model,
                                                             std::span<const WhereCondition> where,
                                                             uint64_t seed, SampleFormat format) {
  std::unique_ptr<CopulaSampler> s(new CopulaSampler());
  s->rng_ = engine::Rng(seed);
  s->format_ = format;
  auto plan = std::make_unique<Plan>();
  Plan& p = *plan;
  p.cols.resize(model.columns.size());
  for (size_t c = 0; c < model.columns.size(); ++c) {
    const ColumnModel& m = model.columns[c];
    s->names_.push_back(m.name);
    Plan::Column& pc = p.cols[c];
    if (m.in_copula()) pc.latent = static_cast<int>(p.d++);
    if (m.is_semantic()) {
      auto g = SemanticGenerator::create(m.semantic, m.semantic_locale);
      if (!g.ok()) return g.status().with_context("column \"" + m.name + "\"");
      pc.semantic = std::move(g).value();
      pc.semantic_unique = m.sdtype == Sdtype::id;
      continue;
    }
    if (m.sdtype == Sdtype::boolean) {
      for (const auto& c : m.categories) {
        std::string l(trim_blanks(c));
        for (char& ch : l) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        pc.truthy.push_back(l == "true" || l == "yes" || l == "t" || l == "y" || l == "1");
      }
    }
    if (is_discrete(m.sdtype)) {
      double sum = 0;
      for (double f : m.frequencies) pc.cumulative.push_back(sum += f);
    }
    pc.scale = pow10(m.decimals);
    if (is_continuous(m.sdtype)) m.marginal.base_range(&pc.g_low, &pc.g_high);
    if (m.sdtype == Sdtype::datetime) {
      pc.resolution = datetime_resolution_seconds(m.datetime_format, m.frac_digits);
    }
    if (m.sdtype == Sdtype::id && !m.integer_id) plan_id(m, s->rng_, &pc);
    double words = 0;
    for (double w : m.word_weights) pc.word_cumulative.push_back(words += w);
  }
  for (const auto& w : where) {
    auto it = std::find(s->names_.begin(), s->names_.end(), w.column);
    if (it == s->names_.end()) {
      std::string known;
      for (size_t i = 0; i < s->names_.size(); ++i) known += (i ? ", " : "") + s->names_[i];
      return Status::Error("where: the model has no column \"" + w.column +
                           "\" (columns: " + known + ")");
    }
    size_t c = static_cast<size_t>(it - s->names_.begin());
    const ColumnModel& m = model.columns[c];
    Plan::Column& pc = p.cols[c];
    pc.never_missing = true;
    if (is_continuous(m.sdtype)) {
      HYV_RETURN_IF_ERROR(resolve_numeric(m, w, &pc));
    } else if (is_discrete(m.sdtype)) {
      if (m.categories.empty()) {
        return Status::Error("where on \"" + w.column +
                             "\": impossible, the column is "
                             "always missing in the model");
      }
      HYV_RETURN_IF_ERROR(resolve_category(m, w, &pc));
    } else {
      return Status::Error("where on \"" + w.column + "\": conditions on " +
                           std::string(m.is_semantic() ? "semantic" : sdtype_name(m.sdtype)) +
                           " columns are not supported (only numerical, datetime, categorical "
                           "and boolean)");
    }
  }
  // Conditions on normal scores.
  p.z.assign(p.d, 0.0);
  p.dim_lo.assign(p.d, -kInf);
  p.dim_hi.assign(p.d, kInf);
  for (size_t c = 0; c < model.columns.size(); ++c) {
    const ColumnModel& m = model.columns[c];
    Plan::Column& pc = p.cols[c];
    if (pc.latent < 0) continue;
    if (pc.fixed) {
      if (pc.check_range &&
          (pc.fixed_value < pc.lo || pc.fixed_value > pc.hi ||
           (pc.lo_open && pc.fixed_value == pc.lo) || (pc.hi_open && pc.fixed_value == pc.hi))) {
        return Status::Error("where on \"" + m.name + "\": the conditions contradict each other");
      }
      pc.check_range = false;
      double u = std::clamp(m.marginal.cdf(pc.fixed_value), 1e-12, 1 - 1e-12);
      p.point.push_back(pc.latent);
      p.point_z.push_back(normal_quantile(u));
    } else if (pc.fixed_category >= 0) {
      size_t k = static_cast<size_t>(pc.fixed_category);
      double a = k == 0 ? 0.0 : pc.cumulative[k - 1];
      double b = k + 1 == pc.cumulative.size() ? 1.0 : pc.cumulative[k];
      pc.has_interval = true;
      pc.z_lo = normal_quantile(a);
      pc.z_hi = normal_quantile(b);
    } else if (pc.check_range) {
      double below, at;
      double u_lo = 0, u_hi = 1;
      if (pc.lo > -kInf) {
        m.marginal.cdf_range(pc.lo, &below, &at);
        u_lo = pc.lo_open ? at : below;
      }
      if (pc.hi < kInf) {
        m.marginal.cdf_range(pc.hi, &below, &at);
        u_hi = pc.hi_open ? below : at;
      }
      if (!(u_hi > u_lo)) {
        return Status::Error("where on \"" + m.name +
                             "\": the range holds no probability in the model; give a wider "
                             "range, or COLUMN=VALUE for a single value");
      }
      pc.has_interval = true;
      pc.z_lo = normal_quantile(u_lo);
      pc.z_hi = normal_quantile(u_hi);
    }
    if (pc.has_interval) {
      p.interval_dims.push_back(pc.latent);
      p.dim_lo[pc.latent] = pc.z_lo;
      p.dim_hi[pc.latent] = pc.z_hi;
    }
  }
  // The Gaussian of the free dims given the points: mean Sigma_FP Sigma_PP^-1 z_P and covariance
  // Sigma_FF - Sigma_FP Sigma_PP^-1 Sigma_PF (the Schur complement).
  const size_t d = p.d;
  const auto& sigma = model.correlation;
  for (size_t i = 0; i < d; ++i) {
    if (std::find(p.point.begin(), p.point.end(), static_cast<int>(i)) == p.point.end()) {
      p.free.push_back(static_cast<int>(i));
    }
  }
  const size_t np = p.point.size(), nf = p.free.size();
  std::vector<double> cov(nf * nf);
  p.mean.assign(nf, 0.0);
  for (size_t a = 0; a < nf; ++a) {
    for (size_t b = 0; b < nf; ++b) cov[a * nf + b] = sigma[p.free[a] * d + p.free[b]];
  }
  if (np > 0) {
    std::vector<double> spp(np * np);
    for (size_t a = 0; a < np; ++a) {
      for (size_t b = 0; b < np; ++b) spp[a * np + b] = sigma[p.point[a] * d + p.point[b]];
    }
    std::vector<double> lpp = robust_cholesky(spp, np);
    std::vector<double> alpha = linalg::cholesky_solve(lpp, np, p.point_z);
    std::vector<std::vector<double>> w(nf);  // Sigma_PP^-1 Sigma_P,f for each free f
    for (size_t f = 0; f < nf; ++f) {
      std::vector<double> col(np);
      for (size_t a = 0; a < np; ++a) col[a] = sigma[p.point[a] * d + p.free[f]];
      for (size_t a = 0; a < np; ++a) p.mean[f] += col[a] * alpha[a];
      w[f] = linalg::cholesky_solve(lpp, np, col);
    }
    for (size_t a = 0; a < nf; ++a) {
      for (size_t b = 0; b < nf; ++b) {
        double s = 0;
        for (size_t k = 0; k < np; ++k) s += sigma[p.free[a] * d + p.point[k]] * w[b][k];
        cov[a * nf + b] -= s;
      }
    }
    for (size_t k = 0; k < np; ++k) p.z[p.point[k]] = p.point_z[k];
  }
  // The most restrictive interval is drawn exactly; the rest of the free dims given it.
  double best = 2;
  for (size_t f = 0; f < nf; ++f) {
    int dim = p.free[f];
    if (p.dim_lo[dim] == -kInf && p.dim_hi[dim] == kInf) continue;
    double sd = std::sqrt(std::max(cov[f * nf + f], 1e-300));
    double prob = interval_probability(p.mean[f], sd, p.dim_lo[dim], p.dim_hi[dim]);
    if (prob < best) {
      best = prob;
      p.exact = static_cast<int>(f);
      p.exact_sd = sd;
    }
  }
  if (p.exact >= 0 && !(best > 1e-300)) {
    return Status::Error(
        "where: impossible, the conditions together hold for no row the model "
        "can make; loosen them");
  }
  for (size_t f = 0; f < nf; ++f) {
    if (static_cast<int>(f) != p.exact) p.rest.push_back(static_cast<int>(f));
  }
  const size_t nr = p.rest.size();
  std::vector<double> rest_cov(nr * nr);
  p.slope.assign(nr, 0.0);
  for (size_t a = 0; a < nr; ++a) {
    for (size_t b = 0; b < nr; ++b) rest_cov[a * nr + b] = cov[p.rest[a] * nf + p.rest[b]];
  }
  if (p.exact >= 0) {
    const size_t e = static_cast<size_t>(p.exact);
    double cee = std::max(cov[e * nf + e], 1e-300);
    for (size_t a = 0; a < nr; ++a) p.slope[a] = cov[p.rest[a] * nf + e] / cee;
    for (size_t a = 0; a < nr; ++a) {
      for (size_t b = 0; b < nr; ++b) {
        rest_cov[a * nr + b] -= cov[p.rest[a] * nf + e] * cov[e * nf + p.rest[b]] / cee;
      }
    }
  }
  p.chol = robust_cholesky(rest_cov, nr);
  p.eps.assign(nr, 0.0);
  s->model_ = std::move(model);
  s->plan_ = std::move(plan);
  return s;
}

bool CopulaSampler::try_row(std::span<Value> row) {
  Plan& p = *plan_;
  // Latent draw.
  double ze = 0;
  if (p.exact >= 0) {
    const size_t e = static_cast<size_t>(p.exact);
    int dim = p.free[e];
    ze = truncated_normal(rng_, p.mean[e], p.exact_sd, p.dim_lo[dim], p.dim_hi[dim]);
    p.z[dim] = ze;
  }
  const size_t nr = p.rest.size();
  for (size_t a = 0; a < nr; ++a) p.eps[a] = standard_normal(rng_);
  for (size_t a = 0; a < nr; ++a) {
    const size_t f = static_cast<size_t>(p.rest[a]);
    double v = p.mean[f];
    if (p.exact >= 0) v += p.slope[a] * (ze - p.mean[static_cast<size_t>(p.exact)]);
    const double* l = &p.chol[a * nr];
    for (size_t k = 0; k <= a; ++k) v += l[k] * p.eps[k];
    p.z[p.free[f]] = v;
  }
  for (int dim : p.interval_dims) {
    if (p.z[dim] < p.dim_lo[dim] || p.z[dim] > p.dim_hi[dim]) return false;
  }
  // Columns.
  for (size_t c = 0; c < model_.columns.size(); ++c) {
    const ColumnModel& m = model_.columns[c];
    const Plan::Column& pc = p.cols[c];
    if (m.is_semantic()) continue;  // drawn once the row is accepted (write_semantic)
    Value& out = row[c];
    double missing_draw = open_uniform(rng_);
    bool missing = !pc.never_missing && missing_draw < m.missing_rate;
    if (is_continuous(m.sdtype)) {
      double x = pc.fixed
                     ? pc.fixed_value
                     : m.marginal.quantile(normal_cdf_fast(p.z[pc.latent]), pc.g_low, pc.g_high);
      if (m.sdtype == Sdtype::datetime) {
        x = std::nearbyint(x / pc.resolution) * pc.resolution;
      } else if (m.integer) {
        x = std::nearbyint(x);
      } else {
        x = std::nearbyint(x * pc.scale) / pc.scale;
      }
      if (pc.check_range &&
          (x < pc.lo || x > pc.hi || (pc.lo_open && x == pc.lo) || (pc.hi_open && x == pc.hi))) {
        return false;
      }
      if (missing) {
        out.set_null();
      } else if (m.sdtype == Sdtype::datetime) {
        append_datetime(out.mutable_string(), x, m.datetime_format, m.frac_digits);
      } else if (m.thousands && !format_.typed_values) {
        append_fixed(out.mutable_string(), x, m.integer ? 0 : m.decimals, true);
      } else if (m.integer) {
        out.set_integer(static_cast<int64_t>(x));
      } else {
        out.set_real(x);
      }
    } else if (is_discrete(m.sdtype)) {
      if (missing || m.categories.empty()) {
        out.set_null();
        continue;
      }
      double u = normal_cdf_fast(p.z[pc.latent]);
      size_t k = static_cast<size_t>(
          std::upper_bound(pc.cumulative.begin(), pc.cumulative.end(), u) - pc.cumulative.begin());
      k = std::min(k, m.categories.size() - 1);
      if (pc.fixed_category >= 0 && static_cast<int>(k) != pc.fixed_category) return false;
      if (m.sdtype == Sdtype::boolean && format_.typed_values) {
        out.set_boolean(pc.truthy[k]);
      } else {
        out.set_string(m.categories[k]);
      }
    } else if (m.sdtype == Sdtype::id) {
      if (m.integer_id) {
        out.set_integer(m.integer_start + static_cast<int64_t>(rows_));
      } else {
        write_id(c, out.mutable_string());
      }
    } else if (missing || pc.word_cumulative.empty() || m.word_count_knots.empty()) {
      out.set_null();
    } else {
      write_text(c, out.mutable_string());
    }
  }
  return true;
}

// counter = offset + rows * stride (mod capacity) visits every value of the capacity once.
void CopulaSampler::write_id(size_t column, std::string& text) {
  const ColumnModel& m = model_.columns[column];
  const Plan::Column& pc = plan_->cols[column];
  uint64_t r = rows_ % pc.id_capacity, step = pc.id_stride % pc.id_capacity, acc = 0;
  while (r) {  // r * step mod capacity without overflow (capacity < 2^62)
    if (r & 1) acc = (acc + step) % pc.id_capacity;
    step = (step + step) % pc.id_capacity;
    r >>= 1;
  }
  uint64_t counter = (pc.id_offset + acc) % pc.id_capacity;
  const size_t positions = pc.id_alphabets.size();
  std::string& chars = plan_->id_chars;
  chars.assign(positions, ' ');
  for (size_t i = positions; i-- > 0;) {
    const std::string& a = pc.id_alphabets[i];
    if (positions - i <= pc.id_counted_positions) {
      chars[i] = a[counter % a.size()];
      counter /= a.size();
    } else {
      chars[i] = a[rng_.next_u64() % a.size()];
    }
  }
  size_t position = 0;
  for (const auto& seg : m.id_segments) {
    if (!seg.literal.empty()) {
      text += seg.literal;
    } else {
      text.append(chars, position, seg.length);
      position += seg.length;
    }
  }
  if (rows_ >= pc.id_capacity) {
    text += '-';
    text += std::to_string(rows_ / pc.id_capacity);
  }
}

// After the row is accepted, so rejected rows neither use up unique values nor change the draws.
void CopulaSampler::write_semantic(std::span<Value> row) {
  constexpr int kRedraws = 16;
  for (size_t c = 0; c < model_.columns.size(); ++c) {
    const ColumnModel& m = model_.columns[c];
    if (!m.is_semantic()) continue;
    Plan::Column& pc = plan_->cols[c];
    if (open_uniform(rng_) < m.missing_rate) {
      row[c].set_null();
      continue;
    }
    std::string& text = row[c].mutable_string();
    pc.semantic->generate(rng_, text);
    if (!pc.semantic_unique) continue;
    for (int k = 0; k < kRedraws && pc.seen.count(text); ++k) {
      text.clear();
      pc.semantic->generate(rng_, text);
    }
    if (pc.seen.count(text)) {
      const std::string drawn = text;
      do {
        text = drawn;
        pc.semantic->disambiguate(text, ++pc.repeats);
      } while (pc.seen.count(text));
    }
    pc.seen.insert(text);
  }
}

void CopulaSampler::write_text(size_t column, std::string& text) {
  const ColumnModel& m = model_.columns[column];
  const Plan::Column& pc = plan_->cols[column];
  const auto& knots = m.word_count_knots;
  double n_words = knots[0];
  if (knots.size() > 1) {
    double pos = open_uniform(rng_) * static_cast<double>(knots.size() - 1);
    size_t i = std::min(static_cast<size_t>(pos), knots.size() - 2);
    n_words = knots[i] + (pos - static_cast<double>(i)) * (knots[i + 1] - knots[i]);
  }
  int64_t n = std::max<int64_t>(1, static_cast<int64_t>(std::nearbyint(n_words)));
  const auto& cum = pc.word_cumulative;
  for (int64_t k = 0; k < n; ++k) {
    double target = open_uniform(rng_) * cum.back();
    size_t w = static_cast<size_t>(std::upper_bound(cum.begin(), cum.end(), target) - cum.begin());
    if (k) text += ' ';
    text += m.words[std::min(w, m.words.size() - 1)];
  }
}

Status CopulaSampler::next_row(std::span<Value> row) {
  if (row.size() != names_.size()) {
    return Status::Error("next_row: the row has " + std::to_string(row.size()) +
                         " values, the "
                         "model " +
                         std::to_string(names_.size()) + " columns");
  }
  for (uint64_t attempt = 0; attempt < kMaxTriesPerRow; ++attempt) {
    ++tries_;
    if (try_row(row)) {
      write_semantic(row);
      ++rows_;
      return Status::Ok();
    }
  }
  return Status::Error("where: no row met the conditions in " + std::to_string(kMaxTriesPerRow) +
                       " tries (they hold for less than about 1 row in " +
                       std::to_string(kMaxTriesPerRow) +
                       " the model would make); loosen them or condition on fewer columns");
}

}  // namespace hyv::synth
