#include "hyv/service/table_charts.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "json_util.h"

namespace hyv::service {
namespace {

using quality::TypedColumn;
using quality::TypedTables;

// Bin edges in at most 6 significant digits, so labels read "0.1-0.2", not
// "0.1-0.20000000000000001".
std::string edge_text(double v) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 6);
  return std::string(buf, r.ptr);
}

void write_double(JsonWriter& w, double v) {
  std::isfinite(v) ? w.Double(v) : w.Null();
}

void write_frequencies(JsonWriter& w, const std::vector<double>& counts) {
  double total = 0;
  for (double c : counts) total += c;
  w.StartArray();
  for (double c : counts) w.Double(total > 0 ? c / total : 0.0);
  w.EndArray();
}

std::vector<double> finite_values(const TypedColumn& c, size_t t) {
  std::vector<double> out;
  if (t >= c.numbers.size()) return out;
  for (double v : c.numbers[t]) {
    if (std::isfinite(v)) out.push_back(v);
  }
  return out;
}

struct Bins {
  double lo = 0, hi = 0;
  size_t n = 1;
  size_t index(double v) const {
    if (n == 1 || !(hi > lo)) return 0;
    double k = std::floor((v - lo) / (hi - lo) * static_cast<double>(n));
    return static_cast<size_t>(std::clamp(k, 0.0, static_cast<double>(n - 1)));
  }
  double edge(size_t i) const { return lo + (hi - lo) * static_cast<double>(i) / n; }
};

std::vector<double> bin_counts(const std::vector<double>& values, const Bins& bins) {
  std::vector<double> counts(bins.n, 0.0);
  for (double v : values) counts[bins.index(v)] += 1;
  return counts;
}

// The tables to draw: real (when there is one) and synthetic.
struct Sides {
  bool has_real;
  size_t ref;  // the table whose values fix the bins and categories
  size_t syn;
};

bool numeric_chart(JsonWriter& w, const TypedColumn& c, const Sides& s) {
  std::vector<double> ref = finite_values(c, s.ref);
  if (ref.empty()) ref = finite_values(c, s.syn);
  if (ref.empty()) return false;
  auto [lo, hi] = std::minmax_element(ref.begin(), ref.end());
  Bins bins{*lo, *hi, *hi > *lo ? kMaxChartBins : 1};
  w.StartObject();
  w.Key("name");
  write_json_string(w, c.name);
  w.Key("kind");
  w.String("numeric");
  w.Key("bins");
  w.StartArray();
  for (size_t i = 0; i < bins.n; ++i) {
    double a = bins.n == 1 ? bins.lo : bins.edge(i);
    double b = bins.n == 1 ? bins.hi : bins.edge(i + 1);
    write_json_string(w, edge_text(a) + "-" + edge_text(b));
  }
  w.EndArray();
  if (s.has_real) {
    w.Key("real");
    write_frequencies(w, bin_counts(finite_values(c, s.ref), bins));
  }
  w.Key("synthetic");
  write_frequencies(w, bin_counts(finite_values(c, s.syn), bins));
  w.EndObject();
  return true;
}

std::vector<double> code_counts(const TypedColumn& c, size_t t) {
  std::vector<double> counts(c.dictionary.size(), 0.0);
  if (t >= c.codes.size()) return counts;
  for (int32_t code : c.codes[t]) {
    if (code >= 0 && static_cast<size_t>(code) < counts.size())
      counts[static_cast<size_t>(code)] += 1;
  }
  return counts;
}

// The most frequent categories of the reference table, ties by text.
std::vector<size_t> top_categories(const TypedColumn& c, const std::vector<double>& ref) {
  std::vector<size_t> order;
  for (size_t k = 0; k < ref.size(); ++k) {
    if (ref[k] > 0) order.push_back(k);
  }
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return ref[a] != ref[b] ? ref[a] > ref[b] : c.dictionary[a] < c.dictionary[b];
  });
  if (order.size() > kMaxChartCategories) order.resize(kMaxChartCategories);
  return order;
}

// Counts over `top` plus an "other" entry (always computed; written only when used).
std::vector<double> grouped(const std::vector<double>& counts, const std::vector<size_t>& top) {
  std::vector<double> out(top.size() + 1, 0.0);
  std::vector<bool> taken(counts.size(), false);
  for (size_t i = 0; i < top.size(); ++i) {
    out[i] = counts[top[i]];
    taken[top[i]] = true;
  }
  for (size_t k = 0; k < counts.size(); ++k) {
    if (!taken[k]) out.back() += counts[k];
  }
  return out;
}

bool categorical_chart(JsonWriter& w, const TypedColumn& c, const Sides& s) {
  std::vector<double> ref = code_counts(c, s.ref);
  std::vector<double> syn = code_counts(c, s.syn);
  std::vector<size_t> top = top_categories(c, ref);
  if (top.empty()) top = top_categories(c, syn);
  if (top.empty()) return false;
  std::vector<double> real_g = grouped(ref, top), syn_g = grouped(syn, top);
  bool other = (s.has_real && real_g.back() > 0) || syn_g.back() > 0;
  if (!other) real_g.pop_back(), syn_g.pop_back();
  w.StartObject();
  w.Key("name");
  write_json_string(w, c.name);
  w.Key("kind");
  w.String("categorical");
  w.Key("categories");
  w.StartArray();
  for (size_t k : top) write_json_string(w, c.dictionary[k]);
  if (other) w.String("other");
  w.EndArray();
  if (s.has_real) {
    w.Key("real");
    write_frequencies(w, real_g);
  }
  w.Key("synthetic");
  write_frequencies(w, syn_g);
  w.EndObject();
  return true;
}

// Pearson correlation over the rows where both columns have a value.
double pearson(const std::vector<double>& x, const std::vector<double>& y) {
  double n = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
    if (!std::isfinite(x[i]) || !std::isfinite(y[i])) continue;
    n += 1, sx += x[i], sy += y[i];
    sxx += x[i] * x[i], syy += y[i] * y[i], sxy += x[i] * y[i];
  }
  double vx = sxx - sx * sx / n, vy = syy - sy * sy / n;
  if (n < 2 || !(vx > 0) || !(vy > 0)) return std::nan("");
  return std::clamp((sxy - sx * sy / n) / std::sqrt(vx * vy), -1.0, 1.0);
}

void write_matrix(JsonWriter& w, const TypedTables& t, const std::vector<size_t>& cols,
                  size_t table) {
  w.StartArray();
  for (size_t a : cols) {
    w.StartArray();
    for (size_t b : cols) {
      const auto& ca = t.columns[a].numbers;
      const auto& cb = t.columns[b].numbers;
      bool have = table < ca.size() && table < cb.size();
      write_double(w, have ? pearson(ca[table], cb[table]) : std::nan(""));
    }
    w.EndArray();
  }
  w.EndArray();
}

void correlation(JsonWriter& w, const TypedTables& t, const Sides& s) {
  std::vector<size_t> cols;
  for (size_t i = 0; i < t.columns.size() && cols.size() < kMaxChartCorrelationColumns; ++i) {
    if (t.columns[i].continuous()) cols.push_back(i);
  }
  w.StartObject();
  w.Key("columns");
  w.StartArray();
  for (size_t i : cols) write_json_string(w, t.columns[i].name);
  w.EndArray();
  if (s.has_real) {
    w.Key("real");
    write_matrix(w, t, cols, s.ref);
  }
  w.Key("synthetic");
  write_matrix(w, t, cols, s.syn);
  w.EndObject();
}

}  // namespace

std::string table_charts_json(const TypedTables& tables) {
  bool has_real = tables.rows.size() >= 2;
  Sides s{has_real, 0, has_real ? size_t{1} : size_t{0}};
  rapidjson::StringBuffer b;
  JsonWriter w(b);
  w.StartObject();
  w.Key("columns");
  w.StartArray();
  for (const TypedColumn& c : tables.columns) {
    if (c.sdtype == synth::Sdtype::id || c.sdtype == synth::Sdtype::text) continue;
    c.continuous() ? numeric_chart(w, c, s) : categorical_chart(w, c, s);
  }
  w.EndArray();
  w.Key("correlation");
  correlation(w, tables, s);
  w.EndObject();
  return buffer_text(b);
}

Result<std::string> add_charts_to_report(std::string_view report_json,
                                         std::string_view charts_json) {
  rapidjson::Document report;
  HYV_RETURN_IF_ERROR(parse_json_object(report_json, report, "quality report"));
  rapidjson::Document charts(&report.GetAllocator());
  HYV_RETURN_IF_ERROR(parse_json_object(charts_json, charts, "charts"));
  report.RemoveMember("charts");
  rapidjson::Value value(charts, report.GetAllocator());
  report.AddMember("charts", value, report.GetAllocator());
  return json_text(report);
}

}  // namespace hyv::service
