// Sampling in llama.cpp's order: penalties, top-k, top-p, min-p, temperature, draw.
//
// Every ordering uses one total order (logit descending, then id ascending), so the kept set and
// the draw order never depend on how a standard library's sort or partition breaks ties; with no
// filter active nothing is sorted and the draw runs over ids in order. Probabilities
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

// Names the parameter as the engine calls it, not a host's spelling of it: the CLI, the studio and
// the canisters each check their request first (service/request_model.h) and add their own words.
Status range_error(const char* name, const char* range, double got) {
  return Status::Error(std::string(name) + " must be " + range + " (got " + number(got) + ")");
}

using Candidate = SamplerScratch::Candidate;

// NaN logits would break the total order; they rank below every real logit.
float rank_value(float logit) {
  return std::isnan(logit) ? -INFINITY : logit;
}

// The one order every filter uses: logit descending, then id ascending.
bool better(const Candidate& a, const Candidate& b) {
  return a.logit != b.logit ? a.logit > b.logit : a.id < b.id;
}

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
  Candidate best{rank_value(logits[0]), 0};
  for (int32_t i = 1; i < int32_t(logits.size()); ++i) {
    Candidate c{rank_value(logits[i]), i};
    if (better(c, best)) best = c;
  }
  return best.id;
}

float max_logit(const std::vector<Candidate>& c) {
  float m = -INFINITY;
  for (const auto& x : c) m = std::max(m, x.logit);
  return m;
}

// exp(logit - max) / temperature-scaled: the unnormalised probability. An infinite best logit
// takes all the mass (shared among equals) instead of producing NaN.
double weight(float logit, float max, float temperature) {
  if (!std::isfinite(max)) return logit == max ? 1.0 : 0.0;
  return std::exp((double(logit) - double(max)) / double(temperature));
}

// Keeps the top_k best, best first. A small k is selected in one pass with a heap whose root is
// the worst kept so far: most candidates lose one comparison against it (~0.05 ms for 50k).
void keep_top_k(int top_k, std::vector<Candidate>& c) {
  if (top_k <= 0 || size_t(top_k) >= c.size()) return;
  const size_t k = size_t(top_k);
  if (k * 16 <= c.size()) {
    std::make_heap(c.begin(), c.begin() + long(k), better);
    for (size_t i = k; i < c.size(); ++i) {
      if (better(c[i], c[0])) {
        std::pop_heap(c.begin(), c.begin() + long(k), better);
        c[k - 1] = c[i];
        std::push_heap(c.begin(), c.begin() + long(k), better);
      }
    }
  } else {
    std::nth_element(c.begin(), c.begin() + long(k), c.end(), better);
  }
  c.resize(k);
  std::sort(c.begin(), c.end(), better);
}

// top-p then min-p, as llama.cpp runs them. Both keep a best-first prefix, and min-p's test
// (p >= min_p * p_max) does not change with renormalisation, so the result is the shorter of the
// two prefixes computed on the same distribution. That allows min-p to cut first and sorting to
// stop as soon as top-p's mass is reached: with 50k tokens only the head is ever sorted.
void keep_nucleus(float top_p, float min_p, std::vector<Candidate>& c) {
  if (top_p >= 1.0f && min_p <= 0.0f) return;
  const float max = max_logit(c);
  // Total mass, summed in the canonical order c has now (ids, or best-first after top-k).
  double total = 0.0;
  if (top_p < 1.0f) {
    for (const auto& x : c) total += weight(x.logit, max, 1.0f);
  }
  auto end = c.end();
  if (min_p > 0.0f) {
    end = std::partition(c.begin(), c.end(),
                         [&](const Candidate& x) { return weight(x.logit, max, 1.0f) >= min_p; });
  }
  const size_t survivors = size_t(end - c.begin());
  const double target = top_p < 1.0f ? double(top_p) * total : INFINITY;
  double cumulative = 0.0;
  for (size_t sorted = 0, chunk = 64; sorted < survivors; chunk *= 4) {
    size_t stop = std::min(survivors, sorted + chunk);
    if (stop < survivors)
      std::nth_element(c.begin() + long(sorted), c.begin() + long(stop), end, better);
    std::sort(c.begin() + long(sorted), c.begin() + long(stop), better);
    for (; sorted < stop; ++sorted) {
      cumulative += weight(c[sorted].logit, max, 1.0f);
      if (cumulative >= target) {
        c.resize(sorted + 1);
        return;
      }
    }
  }
  c.resize(std::max<size_t>(survivors, 1));
}

// Inverse-CDF draw with one 24-bit uniform number over softmax(logit / temperature) in c's order.
int32_t draw(const std::vector<Candidate>& c, float temperature, std::vector<double>& probs,
             Rng& rng) {
  const float max = max_logit(c);
  probs.resize(c.size());
  double total = 0.0;
  for (size_t i = 0; i < c.size(); ++i) total += probs[i] = weight(c[i].logit, max, temperature);
  double target = double(rng.next_float()) * total;
  double cumulative = 0.0;
  for (size_t i = 0; i < c.size(); ++i) {
    cumulative += probs[i];
    if (target < cumulative) return c[i].id;
  }
  return c.back().id;  // rounding left the sum just below the target
}

}  // namespace

Status validate(const SamplingParams& p) {
  if (!std::isfinite(p.temperature) || p.temperature < 0.0f)
    return range_error("temperature", "a number >= 0 (0 = greedy)", p.temperature);
  if (!(p.top_p >= 0.0f && p.top_p <= 1.0f))
    return range_error("top_p", "between 0 and 1 (1 = off)", p.top_p);
  if (!(p.min_p >= 0.0f && p.min_p <= 1.0f))
    return range_error("min_p", "between 0 and 1 (0 = off)", p.min_p);
  if (!std::isfinite(p.repeat_penalty) || p.repeat_penalty <= 0.0f)
    return range_error("repeat_penalty", "a number > 0 (1 = off)", p.repeat_penalty);
  if (!std::isfinite(p.frequency_penalty))
    return range_error("frequency_penalty", "a finite number", p.frequency_penalty);
  if (!std::isfinite(p.presence_penalty))
    return range_error("presence_penalty", "a finite number", p.presence_penalty);
  if (p.repeat_last_n < -1)
    return range_error("repeat_last_n", ">= -1 (-1 = whole history, 0 = off)", p.repeat_last_n);
  return Status::Ok();
}

int32_t sample_token(std::span<float> logits, std::span<const int32_t> history,
                     const SamplingParams& params, Rng& rng, SamplerScratch& scratch) {
  apply_penalties(logits, history, params, scratch.counts);
  if (params.temperature <= 0.0f) return argmax(logits);

  auto& c = scratch.candidates;
  c.resize(logits.size());
  for (size_t i = 0; i < c.size(); ++i) c[i] = {rank_value(logits[i]), int32_t(i)};
  keep_top_k(params.top_k, c);
  keep_nucleus(params.top_p, params.min_p, c);
  return draw(c, params.temperature, scratch.probs, rng);
}

int32_t sample_token(std::span<float> logits, std::span<const int32_t> history,
                     const SamplingParams& params, Rng& rng, std::vector<float>& scratch) {
  (void)scratch;  // the id and probability buffers do not fit a float vector
  SamplerScratch local;
  return sample_token(logits, history, params, rng, local);
}

}  // namespace hyv::engine
