#include "hyv/quality/text_report.h"

#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <unordered_set>

#include "hyv/json_nesting.h"
#include "hyv/quality/python_syntax.h"

namespace hyv::quality {
namespace {

std::vector<std::string_view> lines_of(std::string_view bytes) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= bytes.size()) {
    size_t end = bytes.find('\n', start);
    if (end == std::string_view::npos) end = bytes.size();
    std::string_view line = bytes.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out.push_back(line);
    start = end + 1;
  }
  return out;
}

bool blank(std::string_view s) {
  return s.find_first_not_of(" \t") == std::string_view::npos;
}

// The "text" or "code" string of a JSON object line, if it is one.
bool json_text(std::string_view line, std::string* out) {
  // RapidJSON recurses per level: a deeply nested line is scored as plain text, not parsed.
  if (json_nesting_too_deep_at(line)) return false;
  rapidjson::Document d;
  d.Parse(line.data(), line.size());
  if (d.HasParseError() || !d.IsObject()) return false;
  for (const char* key : {"text", "code"}) {
    if (d.HasMember(key) && d[key].IsString()) {
      out->assign(d[key].GetString(), d[key].GetStringLength());
      return true;
    }
  }
  return false;
}

std::vector<std::string_view> words_of(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    size_t b = i;
    while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    if (i > b) out.push_back(s.substr(b, i - b));
  }
  return out;
}

size_t code_points(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Type-7 quantile of sorted values.
double quantile(const std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  double h = (static_cast<double>(v.size()) - 1) * p;
  size_t lo = static_cast<size_t>(h);
  size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (h - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

LengthStats stats_of(std::vector<double> v) {
  LengthStats s;
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  double sum = 0;
  for (double x : v) sum += x;
  s.mean = sum / static_cast<double>(v.size());
  s.min = v.front();
  s.max = v.back();
  s.p10 = quantile(v, 0.1);
  s.median = quantile(v, 0.5);
  s.p90 = quantile(v, 0.9);
  return s;
}

std::string joined(const std::vector<std::string_view>& words, size_t from, size_t n) {
  std::string out;
  for (size_t k = 0; k < n; ++k) {
    if (k) out += '\x1f';  // a separator no word contains
    out.append(words[from + k]);
  }
  return out;
}

}  // namespace

Result<TextSamples> parse_text_samples(std::string_view bytes, std::string_view source) {
  TextSamples out;
  std::vector<std::string_view> lines = lines_of(bytes);
  size_t first = 0;
  while (first < lines.size() && blank(lines[first])) ++first;
  if (first == lines.size()) {
    return Status::Error(std::string(source) + ": no samples (the file is empty)");
  }
  std::string text;
  out.jsonl = json_text(lines[first], &text);
  for (size_t i = first; i < lines.size(); ++i) {
    if (blank(lines[i])) continue;
    if (!out.jsonl) {
      out.samples.emplace_back(lines[i]);
    } else if (json_text(lines[i], &text)) {
      out.samples.push_back(text);
    } else {
      return Status::Error(
          std::string(source) + ": line " + std::to_string(i + 1) +
          ": not a JSON object with a \"text\" (or \"code\") string, though line " +
          std::to_string(first + 1) +
          " is; make every line one, or give plain text with one sample per line");
    }
  }
  return out;
}

TextReport text_report(const TextSamples& in, bool code) {
  TextReport r;
  r.samples = in.samples.size();
  r.jsonl = in.jsonl;
  r.code = code;
  std::vector<double> chars, word_counts;
  std::unordered_set<std::string_view> unigrams;
  std::unordered_set<std::string> bigrams, seen_samples;
  double total_words = 0, total_pairs = 0, duplicates = 0, repeated_sum = 0, with_4grams = 0;
  for (size_t i = 0; i < in.samples.size(); ++i) {
    const std::string& s = in.samples[i];
    chars.push_back(static_cast<double>(code_points(s)));
    std::vector<std::string_view> words = words_of(s);
    word_counts.push_back(static_cast<double>(words.size()));
    total_words += static_cast<double>(words.size());
    for (auto w : words) unigrams.insert(w);
    for (size_t k = 0; k + 1 < words.size(); ++k) {
      bigrams.insert(joined(words, k, 2));
      total_pairs += 1;
    }
    if (!seen_samples.insert(s).second) duplicates += 1;
    if (words.size() >= 4) {
      std::unordered_set<std::string> grams;
      double repeated = 0, n = 0;
      for (size_t k = 0; k + 4 <= words.size(); ++k) {
        repeated += grams.insert(joined(words, k, 4)).second ? 0 : 1;
        n += 1;
      }
      repeated_sum += repeated / n;
      with_4grams += 1;
    }
    if (code) {
      PythonCheck c = check_python_syntax(s);
      r.parses.push_back(c.ok);
      if (c.ok) {
        ++r.parsed;
      } else if (r.failures.size() < 5) {
        r.failures.push_back({i, c.line, c.message});
      }
    }
  }
  r.chars = stats_of(chars);
  r.words = stats_of(word_counts);
  r.distinct_1 = total_words ? static_cast<double>(unigrams.size()) / total_words : 0;
  r.distinct_2 = total_pairs ? static_cast<double>(bigrams.size()) / total_pairs : 0;
  r.duplicate_rate = r.samples ? duplicates / static_cast<double>(r.samples) : 0;
  r.repeated_4gram_rate = with_4grams ? repeated_sum / with_4grams : 0;
  r.parse_rate = r.samples ? static_cast<double>(r.parsed) / static_cast<double>(r.samples) : 0;
  return r;
}

namespace {

void write_stats(rapidjson::PrettyWriter<rapidjson::StringBuffer>& w, const char* name,
                 const LengthStats& s) {
  w.Key(name);
  w.StartObject();
  w.Key("mean");
  w.Double(s.mean);
  w.Key("min");
  w.Double(s.min);
  w.Key("p10");
  w.Double(s.p10);
  w.Key("median");
  w.Double(s.median);
  w.Key("p90");
  w.Double(s.p90);
  w.Key("max");
  w.Double(s.max);
  w.EndObject();
}

}  // namespace

std::string text_report_json(const TextReport& r, bool per_sample) {
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buffer);
  w.SetIndent(' ', 2);
  w.SetFormatOptions(rapidjson::kFormatSingleLineArray);
  w.StartObject();
  w.Key("samples");
  w.Uint64(r.samples);
  w.Key("input");
  w.String(r.jsonl ? "jsonl" : "lines");
  write_stats(w, "chars", r.chars);
  write_stats(w, "words", r.words);
  w.Key("distinct_1");
  w.Double(r.distinct_1);
  w.Key("distinct_2");
  w.Double(r.distinct_2);
  w.Key("duplicate_rate");
  w.Double(r.duplicate_rate);
  w.Key("repeated_4gram_rate");
  w.Double(r.repeated_4gram_rate);
  if (r.code) {
    w.Key("python");
    w.StartObject();
    w.Key("parse_rate");
    w.Double(r.parse_rate);
    w.Key("parsed");
    w.Uint64(r.parsed);
    w.Key("checker");
    w.String("hyv tokenizer-level check (strings, brackets, indentation, colons)");
    w.Key("first_failures");
    w.StartArray();
    for (const auto& f : r.failures) {
      w.StartObject();
      w.Key("sample");
      w.Uint64(f.sample);
      w.Key("line");
      w.Uint64(f.line);
      w.Key("message");
      w.String(f.message.c_str());
      w.EndObject();
    }
    w.EndArray();
    if (per_sample) {
      w.Key("parses");
      w.StartArray();
      for (bool p : r.parses) w.Bool(p);
      w.EndArray();
    }
    w.EndObject();
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

std::string text_report_text(const TextReport& r) {
  char buf[512];
  std::string out;
  std::snprintf(buf, sizeof buf, "Samples: %zu (%s)\n", r.samples,
                r.jsonl ? "JSON Lines" : "one per line");
  out += buf;
  for (const auto* s : {&r.chars, &r.words}) {
    std::snprintf(
        buf, sizeof buf,
        "%-6s per sample: mean %.1f  min %.0f  p10 %.1f  median %.1f  p90 %.1f  max %.0f\n",
        s == &r.chars ? "chars" : "words", s->mean, s->min, s->p10, s->median, s->p90, s->max);
    out += buf;
  }
  std::snprintf(buf, sizeof buf,
                "distinct-1 %.3f   distinct-2 %.3f   duplicate samples %.1f%%   repeated 4-grams "
                "%.1f%%\n",
                r.distinct_1, r.distinct_2, 100 * r.duplicate_rate, 100 * r.repeated_4gram_rate);
  out += buf;
  if (r.code) {
    std::snprintf(buf, sizeof buf, "Python: %zu of %zu samples parse (%.1f%%)\n", r.parsed,
                  r.samples, 100 * r.parse_rate);
    out += buf;
    for (const auto& f : r.failures) {
      std::snprintf(buf, sizeof buf, "  sample %zu, line %zu: %s\n", f.sample + 1, f.line,
                    f.message.c_str());
      out += buf;
    }
  }
  return out;
}

}  // namespace hyv::quality
