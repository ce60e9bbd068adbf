// Beam search over T5Session's beams (the algorithm is described in t5_session.h). Scores are
// doubles summed from float log-probabilities in a fixed order, and every sort breaks ties by
// beam then token, so the same logits give the same beams everywhere.
#include <algorithm>
#include <cmath>

#include "t5_session_impl.h"

namespace hyv::engine {
namespace {

struct Candidate {
  double score;  // the beam's score plus the token's log-probability
  int beam;
  int32_t token;
};

bool better(const Candidate& a, const Candidate& b) {
  if (a.score != b.score) return a.score > b.score;
  if (a.beam != b.beam) return a.beam < b.beam;
  return a.token < b.token;
}

// Appends beam b's best `want` continuations, scored by log-softmax of its logits.
void add_candidates(const std::vector<float>& logits, const T5Beam& beam, int b, size_t want,
                    std::vector<Candidate>& all) {
  const float top = *std::max_element(logits.begin(), logits.end());
  double sum = 0;
  for (float v : logits) sum += std::exp(double(v) - double(top));
  const double log_norm = double(top) + std::log(sum);
  const size_t first = all.size();
  for (size_t id = 0; id < logits.size(); ++id)
    all.push_back({beam.score + double(logits[id]) - log_norm, b, int32_t(id)});
  const auto begin = all.begin() + std::ptrdiff_t(first);
  want = std::min(want, logits.size());
  std::nth_element(begin, begin + std::ptrdiff_t(want - 1), all.end(), better);
  all.resize(first + want);
}

double normalised(double score, size_t length, float length_penalty) {
  return score / std::pow(double(length), double(length_penalty));
}

// Keeps the `beams` best hypotheses; among equal scores the earlier one stays.
void add_hypothesis(T5SessionState& s, T5Hypothesis h) {
  auto& f = s.finished;
  if (f.size() < size_t(s.request.beams)) {
    f.push_back(std::move(h));
    return;
  }
  auto worst = std::min_element(f.begin(), f.end(),
                                [](const auto& a, const auto& b) { return a.score < b.score; });
  if (h.score > worst->score) *worst = std::move(h);
}

// The answer is the best hypothesis (the first of equals).
void finish_search(T5SessionState& s, StepOutput& out) {
  if (s.finished.empty()) {  // only with a vocabulary smaller than 2 beams
    finish_t5(s, FinishReason::max_tokens, out.text);
    return;
  }
  const T5Hypothesis* best = &s.finished.front();
  for (const auto& h : s.finished) {
    if (h.score > best->score) best = &h;
  }
  s.result = best->generated;
  out.tokens = s.result;
  finish_t5(s, best->eos ? FinishReason::eos : FinishReason::max_tokens, out.text);
}

// The next live beams: each survivor's tokens, score and cache (moved from its parent when it is
// the parent's last child, else copied).
std::vector<T5Beam> next_beams(std::vector<T5Beam>& beams, const std::vector<Candidate>& chosen) {
  std::vector<int> children(beams.size(), 0);
  for (const auto& c : chosen) ++children[size_t(c.beam)];
  std::vector<T5Beam> next(chosen.size());
  for (size_t i = 0; i < chosen.size(); ++i) {
    T5Beam& parent = beams[size_t(chosen[i].beam)];
    T5Beam& child = next[i];
    child.tokens = parent.tokens;
    child.tokens.push_back(chosen[i].token);
    child.score = chosen[i].score;
    child.n_cached = parent.n_cached;
    if (--children[size_t(chosen[i].beam)] == 0) {
      child.self_k = std::move(parent.self_k);
      child.self_v = std::move(parent.self_v);
    } else {
      child.self_k = parent.self_k;
      child.self_v = parent.self_v;
    }
  }
  return next;
}

}  // namespace

Status beam_step(T5SessionState& s, TaskRunner* runner, StepOutput& out) {
  const size_t n = size_t(s.request.beams);
  std::vector<Candidate> all;
  for (size_t b = 0; b < s.beams.size(); ++b) {
    HYV_RETURN_IF_ERROR(decode_beam(s, s.beams[b], runner));
    add_candidates(s.logits, s.beams[b], int(b), 2 * n, all);
  }
  std::sort(all.begin(), all.end(), better);
  std::vector<Candidate> chosen;
  for (size_t rank = 0; rank < all.size() && chosen.size() < n; ++rank) {
    const Candidate& c = all[rank];
    if (!ends_generation(s, c.token)) {
      chosen.push_back(c);
    } else if (rank < n) {
      const auto& tokens = s.beams[size_t(c.beam)].tokens;
      add_hypothesis(s, {std::vector<int32_t>(tokens.begin() + 1, tokens.end()),
                         normalised(c.score, tokens.size(), s.request.length_penalty), true});
    }
  }
  s.beams = next_beams(s.beams, chosen);
  const size_t generated = s.beams.empty() ? 0 : s.beams[0].tokens.size() - 1;
  const float alpha = s.request.length_penalty;
  if (s.beams.empty() || generated >= size_t(s.request.max_tokens)) {
    for (const auto& b : s.beams) {
      add_hypothesis(s, {std::vector<int32_t>(b.tokens.begin() + 1, b.tokens.end()),
                         normalised(b.score, generated, alpha), false});
    }
    finish_search(s, out);
  } else if (s.finished.size() >= n) {
    double worst = s.finished.front().score;
    for (const auto& h : s.finished) worst = std::min(worst, h.score);
    if (normalised(s.beams[0].score, generated, alpha) <= worst) finish_search(s, out);
  }
  return Status::Ok();
}

}  // namespace hyv::engine
