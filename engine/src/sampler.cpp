// Sampling in llama.cpp's order: penalties, top-k, top-p, min-p, temperature, draw.
//
// Candidates are kept as ids; every ordering uses one total order (logit descending, then id
// ascending), so the kept set and the draw never depend on how a sort breaks ties. Probabilities
// are computed in double with std::exp; glibc and musl (wasi-libc) share the same exp
// implementation, and a 24-bit uniform draw would have to land within ~1e-7 of a boundary for a
// last-bit difference to change the token.
#include "hyv/engine/sampler.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace hyv::engine {
namespace {

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

Status range_error(const char* name, const char* flag, const char* range, double got) {
  return Status::Error(std::string(name) + " (" + flag + ") must be " + range + ", got " +
                       number(got));
}

// NaN logits would break the total order; they rank below every real logit.
float rank_value(float logit) {
  return std::isnan(logit) ? -INFINITY : logit;
}

struct BetterFirst {
  std::span<const float> logits;
  bool operator()(int32_t a, int32_t b) const {
    float la = rank_value(logits[a]), lb = rank_value(logits[b]);
    return la != lb ? la > lb : a < b;
  }
};

// llama.cpp's penalties: for each distinct token in the last repeat_last_n of history, a positive
// logit is divided by repeat_penalty and a non-positive one multiplied; then count *
// frequency_penalty + presence_penalty is subtracted.
void apply_penalties(std::span<float> logits, std::span<const int32_t> history,
                     const SamplingParams& p, std::vector<int32_t>& counts) {
  if (p.repeat_last_n == 0) return;
  if (p.repeat_penalty == 1.0f && p.frequency_penalty == 0.0f && p.presence_penalty == 0.0f) return;
  size_t window =
      p.repeat_last_n < 0 ? history.size() : std::min(history.size(), size_t(p.repeat_last_n));
  counts.assign(history.end() - window, history.end());
  std::sort(counts.begin(), counts.end());
  const auto vocab = static_cast<int32_t>(logits.size());
  for (size_t i = 0; i < counts.size();) {
    size_t j = i;
    while (j < counts.size() && counts[j] == counts[i]) ++j;
    int32_t id = counts[i];
    if (id >= 0 && id < vocab) {
      float& l = logits[id];
      l = l <= 0.0f ? l * p.repeat_penalty : l / p.repeat_penalty;
      l -= float(j - i) * p.frequency_penalty + p.presence_penalty;
    }
    i = j;
  }
}

int32_t argmax(std::span<const float> logits) {
  int32_t best = 0;
  BetterFirst better{logits};
  for (int32_t i = 1; i < int32_t(logits.size()); ++i) {
    if (better(i, best)) best = i;
  }
  return best;
}

// Fills probs with softmax(logits[ids] / temperature) in ids' order; ids[0] must be the best.
void softmax(std::span<const float> logits, const std::vector<int32_t>& ids, float temperature,
             std::vector<double>& probs) {
  probs.resize(ids.size());
  double max = rank_value(logits[ids[0]]);
  double sum = 0.0;
  for (size_t i = 0; i < ids.size(); ++i) {
    double l = rank_value(logits[ids[i]]);
    // An infinite best logit takes all the mass (shared among equals) instead of producing NaN.
    probs[i] = std::isfinite(max) ? std::exp((l - max) / temperature) : (l == max ? 1.0 : 0.0);
    sum += probs[i];
  }
  for (double& q : probs) q /= sum;
}

void keep_top_k(std::span<const float> logits, int top_k, std::vector<int32_t>& ids) {
  BetterFirst better{logits};
  if (top_k > 0 && size_t(top_k) < ids.size()) {
    std::nth_element(ids.begin(), ids.begin() + top_k, ids.end(), better);
    ids.resize(size_t(top_k));
  }
  std::sort(ids.begin(), ids.end(), better);
}

// Smallest best-first prefix whose probability reaches top_p (at least one token).
void keep_top_p(std::span<const float> logits, float top_p, std::vector<int32_t>& ids,
                std::vector<double>& probs) {
  if (top_p >= 1.0f) return;
  softmax(logits, ids, 1.0f, probs);
  double cumulative = 0.0;
  for (size_t i = 0; i < ids.size(); ++i) {
    cumulative += probs[i];
    if (cumulative >= top_p) {
      ids.resize(i + 1);
      return;
    }
  }
}

// Drops tokens less likely than min_p times the most likely one.
void keep_min_p(std::span<const float> logits, float min_p, std::vector<int32_t>& ids,
                std::vector<double>& probs) {
  if (min_p <= 0.0f) return;
  softmax(logits, ids, 1.0f, probs);
  double threshold = double(min_p) * probs[0];
  size_t kept = 1;
  while (kept < ids.size() && probs[kept] >= threshold) ++kept;
  ids.resize(kept);
}

// Inverse-CDF draw over probs in ids' order with one 24-bit uniform number.
int32_t draw(const std::vector<int32_t>& ids, const std::vector<double>& probs, Rng& rng) {
  double target = double(rng.next_float());
  double cumulative = 0.0;
  for (size_t i = 0; i < ids.size(); ++i) {
    cumulative += probs[i];
    if (target < cumulative) return ids[i];
  }
  return ids.back();  // rounding left the sum just below 1
}

}  // namespace

Status validate(const SamplingParams& p) {
  if (!std::isfinite(p.temperature) || p.temperature < 0.0f)
    return range_error("temperature", "--temperature", "a number >= 0 (0 = greedy)", p.temperature);
  if (!(p.top_p >= 0.0f && p.top_p <= 1.0f))
    return range_error("top_p", "--top-p", "between 0 and 1 (1 = off)", p.top_p);
  if (!(p.min_p >= 0.0f && p.min_p <= 1.0f))
    return range_error("min_p", "--min-p", "between 0 and 1 (0 = off)", p.min_p);
  if (!std::isfinite(p.repeat_penalty) || p.repeat_penalty <= 0.0f)
    return range_error("repeat_penalty", "--repeat-penalty", "a number > 0 (1 = off)",
                       p.repeat_penalty);
  if (!std::isfinite(p.frequency_penalty))
    return range_error("frequency_penalty", "--frequency-penalty", "a finite number",
                       p.frequency_penalty);
  if (!std::isfinite(p.presence_penalty))
    return range_error("presence_penalty", "--presence-penalty", "a finite number",
                       p.presence_penalty);
  if (p.repeat_last_n < -1)
    return range_error("repeat_last_n", "--repeat-last-n", ">= -1 (-1 = whole history, 0 = off)",
                       p.repeat_last_n);
  return Status::Ok();
}

int32_t sample_token(std::span<float> logits, std::span<const int32_t> history,
                     const SamplingParams& params, Rng& rng, SamplerScratch& scratch) {
  apply_penalties(logits, history, params, scratch.counts);
  if (params.temperature <= 0.0f) return argmax(logits);

  auto& ids = scratch.ids;
  ids.resize(logits.size());
  for (size_t i = 0; i < ids.size(); ++i) ids[i] = int32_t(i);
  keep_top_k(logits, params.top_k, ids);
  keep_top_p(logits, params.top_p, ids, scratch.probs);
  keep_min_p(logits, params.min_p, ids, scratch.probs);
  softmax(logits, ids, params.temperature, scratch.probs);
  return draw(ids, scratch.probs, rng);
}

int32_t sample_token(std::span<float> logits, std::span<const int32_t> history,
                     const SamplingParams& params, Rng& rng, std::vector<float>& scratch) {
  (void)scratch;  // the id and probability buffers do not fit a float vector
  SamplerScratch local;
  return sample_token(logits, history, params, rng, local);
}

}  // namespace hyv::engine
