#include "hyv/quality/quality_report.h"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "hyv/quality/column_metrics.h"

namespace hyv::quality {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

template <typename T>
double mean_of(const std::vector<T>& items) {
  double sum = 0, n = 0;
  for (const auto& it : items) {
    if (std::isnan(it.score)) continue;
    sum += it.score;
    n += 1;
  }
  return n ? sum / n : kNaN;
}

double mean2(double a, double b) {
  if (std::isnan(a)) return b;
  if (std::isnan(b)) return a;
  return 0.5 * (a + b);
}

bool modelled(const TypedColumn& c) {
  return c.continuous() || synth::is_discrete(c.sdtype);
}

}  // namespace

QualityReport build_quality_report(const TypedTables& t, const QualityReportOptions& options) {
  QualityReport r;
  r.real_rows = t.rows[0];
  r.synthetic_rows = t.rows.size() > 1 ? t.rows[1] : 0;
  r.holdout_rows = t.rows.size() > 2 ? t.rows[2] : 0;
  // Column shapes and validity.
  for (const auto& c : t.columns) {
    r.column_types.emplace_back(c.name, std::string(synth::sdtype_name(c.sdtype)));
    if (!c.present[1]) r.missing_columns.push_back(c.name);
    if (c.sdtype == synth::Sdtype::text) continue;
    if (modelled(c)) {
      ColumnScore s{c.name, c.continuous() ? "KSComplement" : "TVComplement", 0, 0};
      if (c.present[1]) {
        s.score = c.continuous() ? ks_complement(c.numbers[0], c.numbers[1])
                                 : tv_complement(c.codes[0], c.codes[1]);
      }
      r.shapes.push_back(s);
    }
    ColumnScore v{c.name, "", 0, c.present[1] ? c.invalid_cells[1] : 0};
    if (c.continuous()) {
      v.metric = "BoundaryAdherence";
      if (c.present[1]) v.score = boundary_adherence(c.numbers[0], c.numbers[1], v.invalid_cells);
    } else if (synth::is_discrete(c.sdtype)) {
      v.metric = "CategoryAdherence";
      if (c.present[1]) v.score = category_adherence(c.codes[0], c.codes[1]);
    } else {
      v.metric = "KeyUniqueness";
      if (c.present[1]) v.score = key_uniqueness(c.codes[1]);
    }
    r.validity.push_back(v);
  }
  // Column pairs.
  std::vector<std::vector<int32_t>> binned_real(t.columns.size()), binned_syn(t.columns.size());
  for (size_t i = 0; i < t.columns.size(); ++i) {
    const auto& c = t.columns[i];
    if (!c.continuous() || !c.present[1]) continue;
    auto edges = histogram_edges(c.numbers[0], options.contingency_bins);
    binned_real[i] = digitize(c.numbers[0], edges);
    binned_syn[i] = digitize(c.numbers[1], edges);
  }
  for (size_t i = 0; i < t.columns.size(); ++i) {
    const auto& a = t.columns[i];
    if (!modelled(a)) continue;
    for (size_t j = i + 1; j < t.columns.size(); ++j) {
      const auto& b = t.columns[j];
      if (!modelled(b)) continue;
      PairScore p{a.name, b.name, "", 0, kNaN, kNaN};
      bool both = a.present[1] && b.present[1];
      if (a.continuous() && b.continuous()) {
        p.metric = "CorrelationSimilarity";
        if (both) {
          auto cs = correlation_similarity(a.numbers[0], b.numbers[0], a.numbers[1], b.numbers[1]);
          p.score = cs.score;
          p.real_correlation = cs.real;
          p.synthetic_correlation = cs.synthetic;
        }
      } else {
        p.metric = "ContingencySimilarity";
        if (both) {
          const auto& ra = a.continuous() ? binned_real[i] : a.codes[0];
          const auto& sa = a.continuous() ? binned_syn[i] : a.codes[1];
          const auto& rb = b.continuous() ? binned_real[j] : b.codes[0];
          const auto& sb = b.continuous() ? binned_syn[j] : b.codes[1];
          p.score = contingency_similarity(ra, rb, sa, sb);
        }
      }
      r.pairs.push_back(p);
    }
  }
  r.column_shapes = mean_of(r.shapes);
  r.column_pair_trends = mean_of(r.pairs);
  r.overall = mean2(r.column_shapes, r.column_pair_trends);
  // Structure: columns in both over columns in either.
  r.extra_columns = t.extra_columns.size() > 1 ? t.extra_columns[1] : std::vector<std::string>{};
  double both = static_cast<double>(t.columns.size() - r.missing_columns.size());
  double either = static_cast<double>(t.columns.size() + r.extra_columns.size());
  r.data_structure = either ? both / either : kNaN;
  r.data_validity = mean_of(r.validity);
  r.diagnostic = mean2(r.data_validity, r.data_structure);
  // Privacy.
  r.privacy = options.privacy;
  if (options.privacy) {
    r.dcr_baseline = dcr_baseline_protection(t, options.privacy_options);
    if (t.rows.size() > 2)
      r.dcr_overfitting = dcr_overfitting_protection(t, options.privacy_options);
    r.new_rows = new_row_synthesis(t, options.privacy_options);
  }
  return r;
}

namespace {

using Writer = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

void number(Writer& w, double x) {
  if (std::isnan(x)) {
    w.Null();
  } else {
    w.Double(x);
  }
}

void key_number(Writer& w, const char* k, double x) {
  w.Key(k);
  number(w, x);
}

void key_string(Writer& w, const char* k, const std::string& s) {
  w.Key(k);
  w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
}

std::string percent(double x) {
  if (std::isnan(x)) return "   n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%5.1f%%", 100 * x);
  return buf;
}

std::string pad(std::string s, size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

}  // namespace

std::string quality_report_json(const QualityReport& r) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.SetIndent(' ', 2);
  w.SetFormatOptions(rapidjson::kFormatSingleLineArray);
  w.StartObject();
  w.Key("rows");
  w.StartObject();
  w.Key("real");
  w.Uint64(r.real_rows);
  w.Key("synthetic");
  w.Uint64(r.synthetic_rows);
  if (r.holdout_rows) {
    w.Key("holdout");
    w.Uint64(r.holdout_rows);
  }
  w.EndObject();
  w.Key("column_types");
  w.StartObject();
  for (const auto& [name, type] : r.column_types) {
    w.Key(name.c_str(), static_cast<rapidjson::SizeType>(name.size()));
    w.String(type.c_str());
  }
  w.EndObject();
  w.Key("quality");
  w.StartObject();
  key_number(w, "score", r.overall);
  w.Key("properties");
  w.StartObject();
  key_number(w, "Column Shapes", r.column_shapes);
  key_number(w, "Column Pair Trends", r.column_pair_trends);
  w.EndObject();
  w.Key("column_shapes");
  w.StartArray();
  for (const auto& s : r.shapes) {
    w.StartObject();
    key_string(w, "column", s.column);
    key_string(w, "metric", s.metric);
    key_number(w, "score", s.score);
    w.EndObject();
  }
  w.EndArray();
  w.Key("column_pair_trends");
  w.StartArray();
  for (const auto& p : r.pairs) {
    w.StartObject();
    key_string(w, "column_1", p.column_1);
    key_string(w, "column_2", p.column_2);
    key_string(w, "metric", p.metric);
    key_number(w, "score", p.score);
    if (p.metric == "CorrelationSimilarity") {
      key_number(w, "real_correlation", p.real_correlation);
      key_number(w, "synthetic_correlation", p.synthetic_correlation);
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  w.Key("diagnostic");
  w.StartObject();
  key_number(w, "score", r.diagnostic);
  w.Key("properties");
  w.StartObject();
  key_number(w, "Data Validity", r.data_validity);
  key_number(w, "Data Structure", r.data_structure);
  w.EndObject();
  w.Key("data_validity");
  w.StartArray();
  for (const auto& v : r.validity) {
    w.StartObject();
    key_string(w, "column", v.column);
    key_string(w, "metric", v.metric);
    key_number(w, "score", v.score);
    if (v.invalid_cells) {
      w.Key("invalid_cells");
      w.Uint64(v.invalid_cells);
    }
    w.EndObject();
  }
  w.EndArray();
  w.Key("missing_columns");
  w.StartArray();
  for (const auto& c : r.missing_columns) w.String(c.c_str());
  w.EndArray();
  w.Key("extra_columns");
  w.StartArray();
  for (const auto& c : r.extra_columns) w.String(c.c_str());
  w.EndArray();
  w.EndObject();
  if (r.privacy) {
    w.Key("privacy");
    w.StartObject();
    w.Key("DCRBaselineProtection");
    w.StartObject();
    key_number(w, "score", r.dcr_baseline.score);
    key_number(w, "median_dcr_synthetic", r.dcr_baseline.median_synthetic);
    key_number(w, "median_dcr_random", r.dcr_baseline.median_random);
    w.Key("synthetic_rows_used");
    w.Uint64(r.dcr_baseline.synthetic_rows);
    w.Key("real_rows_used");
    w.Uint64(r.dcr_baseline.reference_rows);
    w.EndObject();
    if (r.dcr_overfitting) {
      w.Key("DCROverfittingProtection");
      w.StartObject();
      key_number(w, "score", r.dcr_overfitting->score);
      key_number(w, "closer_to_training", r.dcr_overfitting->closer_to_training);
      key_number(w, "closer_to_holdout", r.dcr_overfitting->closer_to_holdout);
      w.Key("synthetic_rows_used");
      w.Uint64(r.dcr_overfitting->synthetic_rows);
      w.EndObject();
    }
    w.Key("NewRowSynthesis");
    w.StartObject();
    key_number(w, "score", r.new_rows.score);
    w.Key("new_rows");
    w.Uint64(r.new_rows.new_rows);
    w.Key("matched_rows");
    w.Uint64(r.new_rows.matched_rows);
    w.EndObject();
    w.EndObject();
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

std::string quality_report_text(const QualityReport& r, size_t worst) {
  std::string out;
  char line[256];
  std::snprintf(
      line, sizeof line, "Real: %zu rows   Synthetic: %zu rows%s\n\n", r.real_rows,
      r.synthetic_rows,
      r.holdout_rows ? ("   Holdout: " + std::to_string(r.holdout_rows) + " rows").c_str() : "");
  out += line;
  out += "Quality (SDMetrics definitions)         " + percent(r.overall) + "\n";
  out += "  Column Shapes                         " + percent(r.column_shapes) + "\n";
  out += "  Column Pair Trends                    " + percent(r.column_pair_trends) + "\n";
  out += "Diagnostic                              " + percent(r.diagnostic) + "\n";
  out += "  Data Validity                         " + percent(r.data_validity) + "\n";
  out += "  Data Structure                        " + percent(r.data_structure) + "\n";
  if (r.privacy) {
    out += "Privacy\n";
    out += "  DCRBaselineProtection                 " + percent(r.dcr_baseline.score) + "\n";
    if (r.dcr_overfitting) {
      out += "  DCROverfittingProtection              " + percent(r.dcr_overfitting->score) + "\n";
    }
    std::snprintf(line, sizeof line,
                  "  NewRowSynthesis                       %s  (%llu of %llu "
                  "rows checked copy a real row)\n",
                  percent(r.new_rows.score).c_str(),
                  static_cast<unsigned long long>(r.new_rows.matched_rows),
                  static_cast<unsigned long long>(r.new_rows.matched_rows + r.new_rows.new_rows));
    out += line;
  }
  for (const auto& c : r.missing_columns) out += "  missing in the synthetic data: " + c + "\n";
  for (const auto& c : r.extra_columns) out += "  not in the real data: " + c + "\n";
  auto by_score = [](const auto& a, const auto& b) {
    double sa = std::isnan(a.score) ? 2 : a.score, sb = std::isnan(b.score) ? 2 : b.score;
    return sa < sb;
  };
  std::vector<ColumnScore> shapes = r.shapes;
  std::stable_sort(shapes.begin(), shapes.end(), by_score);
  size_t width = 8;
  for (const auto& s : shapes) width = std::max(width, s.column.size() + 2);
  out += "\nColumn shapes (lowest " + std::to_string(std::min(worst, shapes.size())) + " of " +
         std::to_string(shapes.size()) + "):\n";
  for (size_t i = 0; i < shapes.size() && i < worst; ++i) {
    out += "  " + pad(shapes[i].column, width) + pad(shapes[i].metric, 24) +
           percent(shapes[i].score) + "\n";
  }
  std::vector<PairScore> pairs = r.pairs;
  std::stable_sort(pairs.begin(), pairs.end(), by_score);
  out += "\nColumn pair trends (lowest " + std::to_string(std::min(worst, pairs.size())) + " of " +
         std::to_string(pairs.size()) + "):\n";
  size_t pw = 8;
  for (size_t i = 0; i < pairs.size() && i < worst; ++i) {
    pw = std::max(pw, pairs[i].column_1.size() + pairs[i].column_2.size() + 5);
  }
  for (size_t i = 0; i < pairs.size() && i < worst; ++i) {
    out += "  " + pad(pairs[i].column_1 + " / " + pairs[i].column_2, pw) +
           pad(pairs[i].metric, 24) + percent(pairs[i].score);
    if (pairs[i].metric == "CorrelationSimilarity" && !std::isnan(pairs[i].real_correlation)) {
      std::snprintf(line, sizeof line, "   (r real %+.2f, synthetic %+.2f)",
                    pairs[i].real_correlation, pairs[i].synthetic_correlation);
      out += line;
    }
    out += "\n";
  }
  out += "\nFull breakdown per column and pair: --json\n";
  return out;
}

}  // namespace hyv::quality
