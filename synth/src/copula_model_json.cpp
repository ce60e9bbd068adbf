#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <algorithm>
#include <cmath>

#include "hyv/json_nesting.h"
#include "hyv/json_parse.h"
#include "hyv/synth/copula_model.h"
#include "hyv/synth/semantic_column.h"
#include "linalg.h"

namespace hyv::synth {
namespace {

using Writer = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

void key(Writer& w, std::string_view k) {
  w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
}
void string(Writer& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}
void doubles(Writer& w, const std::vector<double>& v) {
  w.StartArray();
  for (double x : v) w.Double(x);
  w.EndArray();
}

void write_column(Writer& w, const ColumnModel& c) {
  w.StartObject();
  key(w, "name");
  string(w, c.name);
  key(w, "sdtype");
  string(w, c.is_semantic() ? "semantic" : sdtype_name(c.sdtype));
  key(w, "missing_rate");
  w.Double(c.missing_rate);
  if (c.is_semantic()) {
    key(w, "semantic_type");
    string(w, c.semantic);
    key(w, "locale");
    string(w, c.semantic_locale);
    key(w, "unique");
    w.Bool(c.sdtype == Sdtype::id);
  } else if (is_continuous(c.sdtype)) {
    if (c.sdtype == Sdtype::numerical) {
      key(w, "integer");
      w.Bool(c.integer);
      key(w, "decimals");
      w.Int(c.decimals);
      key(w, "thousands");
      w.Bool(c.thousands);
    } else {
      key(w, "datetime_format");
      string(w, c.datetime_format);
      key(w, "frac_digits");
      w.Int(c.frac_digits);
    }
    key(w, "min");
    w.Double(c.marginal.low);
    key(w, "max");
    w.Double(c.marginal.high);
    key(w, "marginal");
    w.StartObject();
    key(w, "family");
    string(w, marginal_family_name(c.marginal.family));
    if (c.marginal.family == MarginalFamily::empirical) {
      key(w, "knots");
      doubles(w, c.marginal.knots);
    } else if (c.marginal.family != MarginalFamily::uniform) {
      key(w, "mu");
      w.Double(c.marginal.mu);
      key(w, "sigma");
      w.Double(c.marginal.sigma);
    }
    key(w, "ks");
    w.Double(c.marginal.ks);
    w.EndObject();
  } else if (is_discrete(c.sdtype)) {
    key(w, "categories");
    w.StartArray();
    for (const auto& s : c.categories) string(w, s);
    w.EndArray();
    key(w, "frequencies");
    doubles(w, c.frequencies);
  } else if (c.sdtype == Sdtype::id) {
    if (c.integer_id) {
      key(w, "integer_start");
      w.Int64(c.integer_start);
    } else {
      key(w, "pattern");
      w.StartArray();
      for (const auto& s : c.id_segments) {
        w.StartObject();
        if (!s.literal.empty()) {
          key(w, "literal");
          string(w, s.literal);
        } else {
          key(w, "chars");
          string(w, s.alphabet);
          key(w, "length");
          w.Uint(s.length);
        }
        w.EndObject();
      }
      w.EndArray();
    }
  } else {
    key(w, "words");
    w.StartArray();
    for (const auto& s : c.words) string(w, s);
    w.EndArray();
    key(w, "word_weights");
    doubles(w, c.word_weights);
    key(w, "word_count_knots");
    doubles(w, c.word_count_knots);
  }
  w.EndObject();
}

// Field access with messages that name the path.
struct Reader {
  std::string where;
  Status error;

  const rapidjson::Value* get(const rapidjson::Value& obj, const char* name,
                              const std::string& path) {
    if (!error.ok()) return nullptr;
    if (!obj.IsObject() || !obj.HasMember(name)) {
      error = Status::Error(where + ": " + path + "." + name + " is missing");
      return nullptr;
    }
    return &obj[name];
  }
  bool number(const rapidjson::Value& obj, const char* name, const std::string& path, double* out) {
    const auto* v = get(obj, name, path);
    if (!v) return false;
    if (!v->IsNumber()) return fail(path + "." + name + " must be a number");
    *out = v->GetDouble();
    return true;
  }
  bool text(const rapidjson::Value& obj, const char* name, const std::string& path,
            std::string* out) {
    const auto* v = get(obj, name, path);
    if (!v) return false;
    if (!v->IsString()) return fail(path + "." + name + " must be a string");
    out->assign(v->GetString(), v->GetStringLength());
    return true;
  }
  bool flag(const rapidjson::Value& obj, const char* name, const std::string& path, bool* out) {
    const auto* v = get(obj, name, path);
    if (!v) return false;
    if (!v->IsBool()) return fail(path + "." + name + " must be true or false");
    *out = v->GetBool();
    return true;
  }
  bool numbers(const rapidjson::Value& obj, const char* name, const std::string& path,
               std::vector<double>* out) {
    const auto* v = get(obj, name, path);
    if (!v) return false;
    if (!v->IsArray()) return fail(path + "." + name + " must be an array of numbers");
    for (const auto& x : v->GetArray()) {
      if (!x.IsNumber()) return fail(path + "." + name + " must be an array of numbers");
      out->push_back(x.GetDouble());
    }
    return true;
  }
  bool strings(const rapidjson::Value& obj, const char* name, const std::string& path,
               std::vector<std::string>* out) {
    const auto* v = get(obj, name, path);
    if (!v) return false;
    if (!v->IsArray()) return fail(path + "." + name + " must be an array of strings");
    for (const auto& x : v->GetArray()) {
      if (!x.IsString()) return fail(path + "." + name + " must be an array of strings");
      out->emplace_back(x.GetString(), x.GetStringLength());
    }
    return true;
  }
  bool fail(const std::string& message) {
    if (error.ok()) error = Status::Error(where + ": " + message);
    return false;
  }
};

bool read_semantic(Reader& r, const rapidjson::Value& v, const std::string& path, ColumnModel* c) {
  bool unique = false;
  if (!r.text(v, "semantic_type", path, &c->semantic) ||
      !r.text(v, "locale", path, &c->semantic_locale) || !r.flag(v, "unique", path, &unique)) {
    return false;
  }
  auto generator = SemanticGenerator::create(c->semantic, c->semantic_locale);
  if (!generator.ok()) return r.fail(path + ": " + generator.status().message());
  c->semantic = generator.value().type();
  c->sdtype = unique ? Sdtype::id : Sdtype::text;
  return true;
}

bool read_column(Reader& r, const rapidjson::Value& v, const std::string& path, ColumnModel* c) {
  std::string sdtype;
  if (!r.text(v, "name", path, &c->name) || !r.text(v, "sdtype", path, &sdtype) ||
      !r.number(v, "missing_rate", path, &c->missing_rate)) {
    return false;
  }
  if (!(c->missing_rate >= 0 && c->missing_rate <= 1)) {
    return r.fail(path + ".missing_rate must be within [0, 1]");
  }
  if (sdtype == "semantic") return read_semantic(r, v, path, c);
  auto t = parse_sdtype(sdtype);
  if (!t) return r.fail(path + ".sdtype: unknown sdtype \"" + sdtype + "\"");
  c->sdtype = *t;
  if (is_continuous(c->sdtype)) {
    double decimals = 0, frac = 0;
    if (c->sdtype == Sdtype::numerical) {
      if (!r.flag(v, "integer", path, &c->integer) || !r.number(v, "decimals", path, &decimals) ||
          !r.flag(v, "thousands", path, &c->thousands)) {
        return false;
      }
      if (decimals < 0 || decimals > 17) return r.fail(path + ".decimals must be 0..17");
      c->decimals = static_cast<int>(decimals);
    } else {
      if (!r.text(v, "datetime_format", path, &c->datetime_format) ||
          !r.number(v, "frac_digits", path, &frac)) {
        return false;
      }
      if (frac < 0 || frac > 9) return r.fail(path + ".frac_digits must be 0..9");
      c->frac_digits = static_cast<int>(frac);
    }
    const std::string mpath = path + ".marginal";
    const rapidjson::Value* m = r.get(v, "marginal", path);
    std::string family;
    if (!m || !r.number(v, "min", path, &c->marginal.low) ||
        !r.number(v, "max", path, &c->marginal.high) || !r.text(*m, "family", mpath, &family) ||
        !r.number(*m, "ks", mpath, &c->marginal.ks)) {
      return false;
    }
    if (!(c->marginal.low <= c->marginal.high)) return r.fail(path + ": min is above max");
    auto f = parse_marginal_family(family);
    if (!f) return r.fail(mpath + ".family: unknown family \"" + family + "\"");
    c->marginal.family = *f;
    if (*f == MarginalFamily::empirical) {
      if (!r.numbers(*m, "knots", mpath, &c->marginal.knots)) return false;
      const auto& k = c->marginal.knots;
      if (k.size() < 2) return r.fail(mpath + ".knots needs at least two values");
      for (size_t i = 1; i < k.size(); ++i) {
        if (!(k[i - 1] <= k[i])) return r.fail(mpath + ".knots must be ascending");
      }
      if (k.front() != c->marginal.low || k.back() != c->marginal.high) {
        return r.fail(mpath + ".knots must start at min and end at max");
      }
    } else if (*f != MarginalFamily::uniform) {
      if (!r.number(*m, "mu", mpath, &c->marginal.mu) ||
          !r.number(*m, "sigma", mpath, &c->marginal.sigma)) {
        return false;
      }
      if (!(c->marginal.sigma > 0)) return r.fail(mpath + ".sigma must be positive");
      if (*f == MarginalFamily::lognormal && !(c->marginal.low > 0)) {
        return r.fail(path + ": a lognormal column needs min > 0");
      }
    }
  } else if (is_discrete(c->sdtype)) {
    if (!r.strings(v, "categories", path, &c->categories) ||
        !r.numbers(v, "frequencies", path, &c->frequencies)) {
      return false;
    }
    if (c->categories.size() != c->frequencies.size()) {
      return r.fail(path + ": categories and frequencies differ in length");
    }
    double sum = 0;
    for (double f : c->frequencies) {
      if (!(f >= 0)) return r.fail(path + ".frequencies must not be negative");
      sum += f;
    }
    if (!c->categories.empty() && std::fabs(sum - 1) > 1e-6) {
      return r.fail(path + ".frequencies must sum to 1");
    }
    if (c->categories.empty() && c->missing_rate != 1) {
      return r.fail(path + ": no categories, so missing_rate must be 1");
    }
  } else if (c->sdtype == Sdtype::id) {
    if (v.HasMember("integer_start")) {
      if (!v["integer_start"].IsInt64()) return r.fail(path + ".integer_start must be an integer");
      c->integer_id = true;
      c->integer_start = v["integer_start"].GetInt64();
    } else {
      const rapidjson::Value* p = r.get(v, "pattern", path);
      if (!p) return false;
      if (!p->IsArray() || p->Empty()) return r.fail(path + ".pattern must be a non-empty array");
      for (rapidjson::SizeType i = 0; i < p->Size(); ++i) {
        const std::string spath = path + ".pattern[" + std::to_string(i) + "]";
        const auto& s = (*p)[i];
        IdSegment seg;
        if (s.IsObject() && s.HasMember("literal")) {
          if (!r.text(s, "literal", spath, &seg.literal)) return false;
          if (seg.literal.empty()) return r.fail(spath + ".literal must not be empty");
        } else {
          double length = 0;
          if (!r.text(s, "chars", spath, &seg.alphabet) || !r.number(s, "length", spath, &length)) {
            return false;
          }
          if (seg.alphabet.empty() || length < 1 || length > 1024) {
            return r.fail(spath + ": needs non-empty chars and a length of 1..1024");
          }
          seg.length = static_cast<uint32_t>(length);
        }
        c->id_segments.push_back(std::move(seg));
      }
    }
  } else {
    if (!r.strings(v, "words", path, &c->words) ||
        !r.numbers(v, "word_weights", path, &c->word_weights) ||
        !r.numbers(v, "word_count_knots", path, &c->word_count_knots)) {
      return false;
    }
    if (c->words.size() != c->word_weights.size()) {
      return r.fail(path + ": words and word_weights differ in length");
    }
  }
  return true;
}

}  // namespace

std::string copula_model_json(const CopulaModel& model) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.SetIndent(' ', 1);
  w.SetFormatOptions(rapidjson::kFormatSingleLineArray);
  w.StartObject();
  key(w, "format");
  string(w, kCopulaFormat);
  key(w, "version");
  bool semantic = std::any_of(model.columns.begin(), model.columns.end(),
                              [](const ColumnModel& c) { return c.is_semantic(); });
  w.Int(semantic ? kCopulaVersionSemantic : kCopulaVersion);
  key(w, "training_rows");
  w.Uint64(model.training_rows);
  key(w, "columns");
  w.StartArray();
  for (const auto& c : model.columns) write_column(w, c);
  w.EndArray();
  key(w, "correlation");
  w.StartObject();
  key(w, "columns");
  w.StartArray();
  for (const auto& c : model.columns) {
    if (c.in_copula()) string(w, c.name);
  }
  w.EndArray();
  key(w, "matrix");
  w.StartArray();
  const size_t d = model.copula_dims();
  for (size_t i = 0; i < d; ++i) {
    w.StartArray();
    for (size_t j = 0; j < d; ++j) w.Double(model.correlation[i * d + j]);
    w.EndArray();
  }
  w.EndArray();
  w.EndObject();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

Result<CopulaModel> parse_copula_model(std::string_view json, std::string_view source) {
  Reader r{std::string(source), Status::Ok()};
  HYV_RETURN_IF_ERROR(check_json_nesting(json, r.where));  // RapidJSON recurses per level
  rapidjson::Document doc;
  rapidjson::ParseResult parsed = parse_json(doc, json);
  if (!parsed) {
    return Status::Error(r.where + ": not valid JSON at byte " + std::to_string(parsed.Offset()) +
                         ": " + rapidjson::GetParseError_En(parsed.Code()));
  }
  std::string format;
  double version = 0, rows = 0;
  if (!r.text(doc, "format", "model", &format)) return r.error;
  if (format != kCopulaFormat) {
    return Status::Error(r.where + ": not a Hyv copula model (format \"" + format +
                         "\"); make one with `hyv fit DATA.csv -o MODEL.json`");
  }
  if (!r.number(doc, "version", "model", &version)) return r.error;
  if (version != kCopulaVersion && version != kCopulaVersionSemantic) {
    return Status::Error(r.where + ": model version " + std::to_string(static_cast<int>(version)) +
                         " is not supported (this build reads versions " +
                         std::to_string(kCopulaVersion) + " and " +
                         std::to_string(kCopulaVersionSemantic) + "); refit with this hyv");
  }
  CopulaModel model;
  if (!r.number(doc, "training_rows", "model", &rows)) return r.error;
  model.training_rows = static_cast<uint64_t>(rows);
  const rapidjson::Value* cols = r.get(doc, "columns", "model");
  if (!cols) return r.error;
  if (!cols->IsArray() || cols->Empty()) {
    return Status::Error(r.where + ": model.columns must be a non-empty array");
  }
  for (rapidjson::SizeType i = 0; i < cols->Size(); ++i) {
    ColumnModel c;
    if (!read_column(r, (*cols)[i], "columns[" + std::to_string(i) + "]", &c)) return r.error;
    model.columns.push_back(std::move(c));
  }
  const rapidjson::Value* corr = r.get(doc, "correlation", "model");
  std::vector<std::string> names;
  if (!corr || !r.strings(*corr, "columns", "correlation", &names)) return r.error;
  std::vector<std::string> expected;
  for (const auto& c : model.columns) {
    if (c.in_copula()) expected.push_back(c.name);
  }
  if (names != expected) {
    return Status::Error(r.where +
                         ": correlation.columns must list the numerical, datetime, "
                         "categorical and boolean columns in column order");
  }
  const rapidjson::Value* matrix = r.get(*corr, "matrix", "correlation");
  if (!matrix) return r.error;
  const size_t d = expected.size();
  if (!matrix->IsArray() || matrix->Size() != d) {
    return Status::Error(r.where + ": correlation.matrix must be " + std::to_string(d) + " x " +
                         std::to_string(d));
  }
  for (const auto& row : matrix->GetArray()) {
    if (!row.IsArray() || row.Size() != d) {
      return Status::Error(r.where + ": correlation.matrix must be " + std::to_string(d) + " x " +
                           std::to_string(d));
    }
    for (const auto& x : row.GetArray()) {
      if (!x.IsNumber() || !(std::fabs(x.GetDouble()) <= 1)) {
        return Status::Error(r.where + ": correlation.matrix holds a value outside [-1, 1]");
      }
      model.correlation.push_back(x.GetDouble());
    }
  }
  for (size_t i = 0; i < d; ++i) {
    if (model.correlation[i * d + i] != 1) {
      return Status::Error(r.where + ": correlation.matrix must have ones on its diagonal");
    }
    for (size_t j = 0; j < i; ++j) {
      if (model.correlation[i * d + j] != model.correlation[j * d + i]) {
        return Status::Error(r.where + ": correlation.matrix must be symmetric");
      }
    }
  }
  std::vector<double> l;
  if (!linalg::cholesky(model.correlation, d, &l)) {
    return Status::Error(r.where + ": correlation.matrix is not positive definite");
  }
  return model;
}

}  // namespace hyv::synth
