// Quality of a text or code dataset (`hyv score text|code --input FILE`).
//
// Input: JSON Lines where every non-blank line is an object with a "text" (or "code") string, one
// sample per line; otherwise plain text with one sample per non-blank line.
//
// Measures (words = runs of non-blank characters):
//   length         characters (Unicode code points) and words per sample: mean, min, p10, median,
//                  p90, max
//   distinct-1/2   distinct words / all words, distinct word pairs / all pairs within samples
//                  (Li et al., 2016), over the whole dataset
//   duplicate rate share of samples identical to an earlier sample
//   repeated 4-grams  share of each sample's word 4-grams that already occurred earlier in the
//                  same sample, averaged over samples (the loops a language model falls into)
//   parses (code)  share of samples that pass check_python_syntax (python_syntax.h)
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hyv/status.h"

namespace hyv::quality {

struct TextSamples {
  std::vector<std::string> samples;
  bool jsonl = false;
};

Result<TextSamples> parse_text_samples(std::string_view bytes, std::string_view source);

struct LengthStats {
  double mean = 0, min = 0, p10 = 0, median = 0, p90 = 0, max = 0;
};

struct TextReport {
  size_t samples = 0;
  bool jsonl = false;
  LengthStats chars, words;
  double distinct_1 = 0, distinct_2 = 0;
  double duplicate_rate = 0;
  double repeated_4gram_rate = 0;
  bool code = false;
  double parse_rate = 0;
  size_t parsed = 0;
  std::vector<bool> parses;  // per sample (code)
  struct Failure {
    size_t sample;  // 0-based
    size_t line;
    std::string message;
  };
  std::vector<Failure> failures;  // the first few
};

TextReport text_report(const TextSamples& samples, bool code);
// per_sample: include the per-sample parse verdicts.
std::string text_report_json(const TextReport& r, bool per_sample);
std::string text_report_text(const TextReport& r);

}  // namespace hyv::quality
