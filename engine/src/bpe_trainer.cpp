#include "hyv/engine/bpe_trainer.h"

#include <algorithm>
#include <queue>
#include <unordered_map>
#include <utility>

#include "byte_level.h"
#include "bytes_index.h"
#include "pretokenizer.h"

namespace hyv::engine {
namespace {

uint64_t pack(int32_t left, int32_t right) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32) | static_cast<uint32_t>(right);
}
int32_t left_of(uint64_t pair) {
  return static_cast<int32_t>(pair >> 32);
}
int32_t right_of(uint64_t pair) {
  return static_cast<int32_t>(pair & 0xFFFFFFFFu);
}

// Max-heap order: higher count first, then the smaller pair, so ties resolve the same everywhere.
struct Candidate {
  int64_t count;
  uint64_t pair;
  bool operator<(const Candidate& o) const {
    return count != o.count ? count < o.count : pair > o.pair;
  }
};

// The training state. Invariants between merges: for every pair, counts[pair] is the number of
// its occurrences in all words weighted by word frequency, and words_with[pair] lists (possibly
// with stale entries) every word that contains it. Every pair with a positive count is in the heap
// with its current count or a higher, stale one.
class MergeLearner {
 public:
  MergeLearner(const bpe::BytesIndex& words, const std::vector<int64_t>& word_counts) {
    int32_t byte_id[256];
    for (int i = 0; i < 256; ++i) byte_id[bpe::byte_order()[i]] = i;
    for (uint32_t w = 0; w < words.size(); ++w) {
      std::string_view bytes = words.key(w);
      if (bytes.size() < 2) continue;  // no pair to merge
      start_.push_back(static_cast<uint32_t>(symbols_.size()));
      length_.push_back(static_cast<uint32_t>(bytes.size()));
      count_.push_back(word_counts[w]);
      for (unsigned char b : bytes) symbols_.push_back(byte_id[b]);
    }
    stamp_.assign(count_.size(), -1);
    for (uint32_t w = 0; w < count_.size(); ++w) {
      const int32_t* s = &symbols_[start_[w]];
      for (uint32_t i = 0; i + 1 < length_[w]; ++i) add(pack(s[i], s[i + 1]), count_[w], w);
    }
    for (const auto& [pair, slot] : slot_of_) heap_.push({slots_[slot].count, pair});
  }

  // The pair to merge next (count >= min_count), or false when none is left.
  bool best(int64_t min_count, uint64_t* pair) {
    while (!heap_.empty()) {
      Candidate top = heap_.top();
      heap_.pop();
      int64_t now = slots_[slot_of_.at(top.pair)].count;
      if (now != top.count) {  // stale: counts only fall, so re-queue and look again
        if (now > 0) heap_.push({now, top.pair});
        continue;
      }
      if (now < min_count) return false;
      *pair = top.pair;
      return true;
    }
    return false;
  }

  // Replaces every occurrence of `pair` by the token `merged`, updating the counts of the pairs
  // around each occurrence.
  void merge(uint64_t pair, int32_t merged, int32_t merge_no) {
    const int32_t l = left_of(pair);
    const int32_t r = right_of(pair);
    std::vector<uint32_t> words = std::move(slots_[slot_of_.at(pair)].words);
    new_pairs_.clear();
    for (uint32_t w : words) {
      if (stamp_[w] == merge_no) continue;
      stamp_[w] = merge_no;
      merge_in_word(w, l, r, merged);
    }
    for (uint64_t p : new_pairs_) heap_.push({slots_[slot_of_.at(p)].count, p});
  }

 private:
  struct Slot {
    int64_t count = 0;
    std::vector<uint32_t> words;
  };

  uint32_t slot(uint64_t pair) {
    auto [it, added] = slot_of_.try_emplace(pair, static_cast<uint32_t>(slots_.size()));
    if (added) slots_.emplace_back();
    return it->second;
  }

  void add(uint64_t pair, int64_t count, uint32_t word) {
    Slot& s = slots_[slot(pair)];
    s.count += count;
    if (s.words.empty() || s.words.back() != word) s.words.push_back(word);
  }

  void merge_in_word(uint32_t w, int32_t l, int32_t r, int32_t merged) {
    int32_t* s = &symbols_[start_[w]];
    const uint32_t n = length_[w];
    const int64_t c = count_[w];
    uint32_t out = 0;  // the rewritten word is s[0, out); out <= i, so it is safe in place
    for (uint32_t i = 0; i < n;) {
      if (i + 1 < n && s[i] == l && s[i + 1] == r) {
        slots_[slot(pack(l, r))].count -= c;
        if (out > 0) {
          int32_t prev = s[out - 1];
          slots_[slot(pack(prev, l))].count -= c;
          add_new(pack(prev, merged), c, w);
        }
        if (i + 2 < n) {
          int32_t next = s[i + 2];
          slots_[slot(pack(r, next))].count -= c;
          add_new(pack(merged, next), c, w);
        }
        s[out++] = merged;
        i += 2;
      } else {
        s[out++] = s[i++];
      }
    }
    length_[w] = out;
  }

  // A pair that contains the new token: counted now, queued once the merge is done.
  void add_new(uint64_t pair, int64_t count, uint32_t word) {
    bool fresh = slot_of_.find(pair) == slot_of_.end();
    add(pair, count, word);
    if (fresh) new_pairs_.push_back(pair);
  }

  // Words with at least two bytes, their symbols packed one after the other.
  std::vector<int32_t> symbols_;
  std::vector<uint32_t> start_;
  std::vector<uint32_t> length_;
  std::vector<int64_t> count_;
  std::vector<int32_t> stamp_;  // last merge that visited the word
  std::unordered_map<uint64_t, uint32_t> slot_of_;
  std::vector<Slot> slots_;
  std::priority_queue<Candidate> heap_;
  std::vector<uint64_t> new_pairs_;
};

}  // namespace

struct BpeTrainer::Impl {
  BpeTrainerOptions options;
  bpe::BytesIndex words;
  std::vector<int64_t> counts;
  uint64_t total = 0;

  void count_plain(std::string_view text) {
    bpe::for_each_pretoken(text, [this](std::string_view word) {
      bool added = false;
      uint32_t i = words.insert(word, &added);
      if (added) counts.push_back(0);
      ++counts[i];
      ++total;
    });
  }
};

BpeTrainer::BpeTrainer(BpeTrainerOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
}
BpeTrainer::~BpeTrainer() = default;
BpeTrainer::BpeTrainer(BpeTrainer&&) noexcept = default;
BpeTrainer& BpeTrainer::operator=(BpeTrainer&&) noexcept = default;

void BpeTrainer::add_text(std::string_view text) {
  const auto& specials = impl_->options.special_tokens;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t at = text.size();
    size_t len = 0;
    for (const std::string& s : specials) {
      if (s.empty()) continue;
      size_t found = text.find(s, pos);
      if (found < at || (found == at && s.size() > len)) {
        at = found;
        len = s.size();
      }
    }
    impl_->count_plain(text.substr(pos, at - pos));
    pos = at + len;
  }
}

uint64_t BpeTrainer::words_counted() const {
  return impl_->total;
}
uint64_t BpeTrainer::unique_words() const {
  return impl_->words.size();
}

Result<BpeTokenizer> BpeTrainer::train() const {
  const BpeTrainerOptions& opt = impl_->options;
  const int specials = static_cast<int>(opt.special_tokens.size());
  const int target = opt.vocab_size - 256 - specials;
  if (target < 0) {
    return Status::Error("vocab size " + std::to_string(opt.vocab_size) +
                         " is too small: it must hold the 256 byte tokens and " +
                         std::to_string(specials) + " special token(s)");
  }
  std::vector<std::string> token_bytes;
  token_bytes.reserve(static_cast<size_t>(opt.vocab_size));
  for (int i = 0; i < 256; ++i)
    token_bytes.emplace_back(1, static_cast<char>(bpe::byte_order()[i]));
  std::vector<std::pair<int32_t, int32_t>> merges;
  MergeLearner learner(impl_->words, impl_->counts);
  uint64_t pair = 0;
  while (static_cast<int>(merges.size()) < target && learner.best(opt.min_pair_count, &pair)) {
    auto merged = static_cast<int32_t>(token_bytes.size());
    learner.merge(pair, merged, static_cast<int32_t>(merges.size()));
    merges.emplace_back(left_of(pair), right_of(pair));
    token_bytes.push_back(token_bytes[left_of(pair)] + token_bytes[right_of(pair)]);
    if (opt.on_progress && merges.size() % 256 == 0) {
      opt.on_progress(static_cast<int>(merges.size()), target);
    }
  }
  if (opt.on_progress) opt.on_progress(static_cast<int>(merges.size()), target);
  std::vector<std::pair<std::string, int32_t>> special_ids;
  for (const std::string& s : opt.special_tokens) {
    special_ids.emplace_back(s, static_cast<int32_t>(token_bytes.size()));
    token_bytes.emplace_back();
  }
  return BpeTokenizer::from_parts(std::move(token_bytes), merges, special_ids);
}

}  // namespace hyv::engine
