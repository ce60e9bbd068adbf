// BpeTokenizer: building from parts, encoding and decoding. File formats are in tokenizer_io.cpp.
#include "hyv/engine/tokenizer.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <memory>

#include "byte_level.h"
#include "pretokenizer.h"
#include "tokenizer_impl.h"
#include "unicode_class.h"

namespace hyv::engine {
namespace {

using bpe::MergeInfo;

// Texts shorter than this are encoded without a word cache: setting one up costs more than it
// saves.
constexpr size_t kCacheMinTextBytes = 256;
// Words longer than this skip the cache (they rarely repeat) and use the heap-based merge.
constexpr size_t kShortWordBytes = 64;
// Bounds the cache's memory on huge texts; words seen after it fills are merged every time.
constexpr uint32_t kMaxCachedWords = 1u << 18;

// Applies the ranked merges to pre-token words. Each encode() call makes its own, so the cache is
// never shared between threads.
class WordEncoder {
 public:
  WordEncoder(const bpe::PairMap& pairs, const std::array<int32_t, 256>& byte_ids, bool use_cache,
              const std::function<int32_t(std::string_view)>* whole_word)
      : pairs_(pairs), byte_ids_(byte_ids), use_cache_(use_cache), whole_word_(whole_word) {}

  void encode_word(std::string_view word, std::vector<int32_t>& out) {
    if (word.size() == 1) {
      out.push_back(byte_ids_[static_cast<uint8_t>(word[0])]);
      return;
    }
    if (whole_word_ != nullptr) {
      int32_t id = (*whole_word_)(word);
      if (id >= 0) {
        out.push_back(id);
        return;
      }
    }
    if (word.size() > kShortWordBytes) {
      merge_long(word, out);
      return;
    }
    if (!use_cache_) {
      merge_short(word, out);
      return;
    }
    uint64_t h = bpe::hash_bytes(word);
    uint32_t hit = cache_.find(word, h);
    if (hit != bpe::BytesIndex::kNone) {
      out.insert(out.end(), cache_ids_.begin() + cache_offsets_[hit],
                 cache_ids_.begin() + cache_offsets_[hit + 1]);
      return;
    }
    size_t first = out.size();
    merge_short(word, out);
    if (cache_.size() < kMaxCachedWords) {
      cache_.insert(word, h);
      cache_ids_.insert(cache_ids_.end(), out.begin() + static_cast<ptrdiff_t>(first), out.end());
      cache_offsets_.push_back(static_cast<uint32_t>(cache_ids_.size()));
    }
  }

 private:
  // Repeatedly merges the lowest-ranked adjacent pair (the leftmost among equals) on fixed arrays.
  // Quadratic in the word's length, which beats a heap for the short words that dominate text.
  void merge_short(std::string_view word, std::vector<int32_t>& out) const {
    int32_t ids[kShortWordBytes];
    int32_t ranks[kShortWordBytes];  // ranks[i]: the pair (ids[i], ids[i + 1])
    int32_t merged[kShortWordBytes];
    size_t n = word.size();
    for (size_t i = 0; i < n; ++i) ids[i] = byte_ids_[static_cast<uint8_t>(word[i])];
    auto look_up = [&](size_t i) {
      MergeInfo m = pairs_.find(ids[i], ids[i + 1]);
      ranks[i] = m.rank;
      merged[i] = m.merged;
    };
    for (size_t i = 0; i + 1 < n; ++i) look_up(i);
    while (n > 1) {
      size_t best = 0;
      for (size_t i = 1; i + 1 < n; ++i) {
        if (ranks[i] < ranks[best]) best = i;
      }
      if (ranks[best] == MergeInfo::kNoRank) break;
      ids[best] = merged[best];
      std::memmove(ids + best + 1, ids + best + 2, (n - best - 2) * sizeof(int32_t));
      if (best + 3 <= n) {
        size_t moved = n - best - 3;
        std::memmove(ranks + best + 1, ranks + best + 2, moved * sizeof(int32_t));
        std::memmove(merged + best + 1, merged + best + 2, moved * sizeof(int32_t));
      }
      --n;
      if (best > 0) look_up(best - 1);
      if (best + 1 < n) look_up(best);
    }
    out.insert(out.end(), ids, ids + n);
  }

  // The same merge order with a min-heap of (rank, position) over a linked list: n log n for the
  // long words (runs of CJK letters, white space or punctuation) where quadratic would hurt.
  void merge_long(std::string_view word, std::vector<int32_t>& out) {
    struct Node {
      int32_t id;  // -1 once merged into its left neighbour
      int32_t prev;
      int32_t next;
    };
    const auto n = static_cast<int32_t>(word.size());
    std::vector<Node> nodes(static_cast<size_t>(n));
    for (int32_t i = 0; i < n; ++i) {
      nodes[i] = {byte_ids_[static_cast<uint8_t>(word[i])], i - 1, i + 1 < n ? i + 1 : -1};
    }
    std::vector<uint64_t> heap;
    auto push = [&](int32_t left) {
      MergeInfo m = pairs_.find(nodes[left].id, nodes[nodes[left].next].id);
      if (m.rank == MergeInfo::kNoRank) return;
      heap.push_back((static_cast<uint64_t>(m.rank) << 32) | static_cast<uint32_t>(left));
      std::push_heap(heap.begin(), heap.end(), std::greater<>());
    };
    for (int32_t i = 0; i + 1 < n; ++i) push(i);
    while (!heap.empty()) {
      std::pop_heap(heap.begin(), heap.end(), std::greater<>());
      uint64_t top = heap.back();
      heap.pop_back();
      auto rank = static_cast<int32_t>(top >> 32);
      auto left = static_cast<int32_t>(top & 0xFFFFFFFFu);
      Node& a = nodes[left];
      if (a.id < 0 || a.next < 0) continue;
      Node& b = nodes[a.next];
      // Ranks name pairs one to one, so an unchanged rank means the entry is still current.
      MergeInfo m = pairs_.find(a.id, b.id);
      if (m.rank != rank) continue;
      a.id = m.merged;
      b.id = -1;
      a.next = b.next;
      if (a.next >= 0) nodes[a.next].prev = left;
      if (a.prev >= 0) push(a.prev);
      if (a.next >= 0) push(left);
    }
    for (int32_t i = 0; i >= 0; i = nodes[i].next) out.push_back(nodes[i].id);
  }

  const bpe::PairMap& pairs_;
  const std::array<int32_t, 256>& byte_ids_;
  const bool use_cache_;
  const std::function<int32_t(std::string_view)>* whole_word_;
  bpe::BytesIndex cache_;
  std::vector<uint32_t> cache_offsets_{0};
  std::vector<int32_t> cache_ids_;
};

}  // namespace

// ---- building -------------------------------------------------------------------------------

Status BpeTokenizer::Impl::add_token(int32_t id, std::string bytes, Kind kind,
                                     std::string_view where) {
  if (id < 0 || id > kMaxId) {
    return Status::Error(std::string(where) + ": id " + std::to_string(id) +
                         " is out of range (0.." + std::to_string(kMaxId) + ")");
  }
  if (bytes.empty()) return Status::Error(std::string(where) + ": empty token");
  auto slot = static_cast<size_t>(id);
  if (slot >= tokens.size()) {
    tokens.resize(slot + 1);
    kinds.resize(slot + 1, kUnused);
  }
  if (kinds[slot] != kUnused) {
    return Status::Error(std::string(where) + ": id " + std::to_string(id) +
                         " is already used by the token \"" + spelling(id) + "\"");
  }
  tokens[slot] = std::move(bytes);
  kinds[slot] = kind;
  bool added = false;
  index.insert(spelling(id), &added);
  if (added) index_ids.push_back(id);
  return Status::Ok();
}

Status BpeTokenizer::Impl::add_special(Special s, bool is_special, std::string_view where) {
  if (s.content.empty()) return Status::Error(std::string(where) + ": empty special token");
  for (const Special& other : specials) {
    if (other.id == s.id) {
      return Status::Error(std::string(where) + ": id " + std::to_string(s.id) +
                           " is already the added token \"" + other.content + "\"");
    }
    if (other.content == s.content) {
      return Status::Error(std::string(where) + ": \"" + s.content +
                           "\" is already the added token with id " + std::to_string(other.id));
    }
  }
  for (int32_t same : {find(s.content), find(bpe::bytes_to_token_string(s.content))}) {
    if (same >= 0 && same != s.id) {
      return Status::Error(std::string(where) + ": \"" + s.content + "\" is token " +
                           std::to_string(same) + " of the vocabulary, not " +
                           std::to_string(s.id));
    }
  }
  if (s.id >= 0 && static_cast<size_t>(s.id) < kinds.size() && kinds[s.id] != kUnused) {
    // Already in the vocabulary (as GPT-2's <|endoftext|> is): from now on matched literally.
    if (tokens[s.id] != s.content) {
      return Status::Error(std::string(where) + ": id " + std::to_string(s.id) +
                           " is already the token \"" + spelling(s.id) + "\", not \"" + s.content +
                           "\"");
    }
    kinds[s.id] = kLiteral;
    bool added = false;
    index.insert(s.content, &added);
    if (added) index_ids.push_back(s.id);
  } else {
    HYV_RETURN_IF_ERROR(add_token(s.id, s.content, kLiteral, where));
  }
  if (skipped.size() <= static_cast<size_t>(s.id)) skipped.resize(static_cast<size_t>(s.id) + 1);
  skipped[s.id] = is_special;
  specials.push_back(std::move(s));
  return Status::Ok();
}

Status BpeTokenizer::Impl::finish_vocab(std::string_view where) {
  for (int b = 0; b < 256; ++b) {
    std::string spelled = bpe::bytes_to_token_string(std::string(1, static_cast<char>(b)));
    int32_t id = find(spelled);
    if (id < 0) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", b);
      return Status::Error(std::string(where) + ": no token for the byte " + hex + " (spelled \"" +
                           spelled + "\"); a byte-level BPE vocabulary needs all 256 bytes");
    }
    byte_ids[b] = id;
  }
  return Status::Ok();
}

Status BpeTokenizer::Impl::add_merge(std::string_view left, std::string_view right,
                                     std::string_view where) {
  int32_t l = find(left);
  int32_t r = find(right);
  for (auto [part, id] : {std::pair{left, l}, std::pair{right, r}}) {
    if (id < 0) {
      return Status::Error(std::string(where) + ": \"" + std::string(part) +
                           "\" is not in the vocabulary");
    }
  }
  std::string joined = std::string(left) + std::string(right);
  int32_t m = find(joined);
  if (m < 0) {
    return Status::Error(std::string(where) + ": merging \"" + std::string(left) + "\" and \"" +
                         std::string(right) + "\" gives \"" + joined +
                         "\", which is not in the vocabulary");
  }
  if (merges.size() >= static_cast<size_t>(MergeInfo::kNoRank)) {
    return Status::Error(std::string(where) + ": too many merges");
  }
  pairs.set(l, r, {static_cast<int32_t>(merges.size()), m});
  merges.emplace_back(l, r);
  return Status::Ok();
}

void BpeTokenizer::Impl::finish_specials() {
  std::stable_sort(specials.begin(), specials.end(), [](const Special& a, const Special& b) {
    return a.content.size() > b.content.size();
  });
  special_first_byte.fill(false);
  for (const Special& s : specials) special_first_byte[static_cast<uint8_t>(s.content[0])] = true;
  only_first_byte = -1;
  if (!specials.empty() &&
      std::count(special_first_byte.begin(), special_first_byte.end(), true) == 1) {
    only_first_byte = static_cast<uint8_t>(specials[0].content[0]);
  }
}

int32_t BpeTokenizer::Impl::find(std::string_view spelled) const {
  uint32_t i = index.find(spelled);
  return i == bpe::BytesIndex::kNone ? -1 : index_ids[i];
}

std::string BpeTokenizer::Impl::spelling(int32_t id) const {
  return kinds[id] == kByteLevel ? bpe::bytes_to_token_string(tokens[id]) : tokens[id];
}

// ---- encoding -------------------------------------------------------------------------------

size_t BpeTokenizer::Impl::find_special(std::string_view text, size_t from,
                                        const Special** found) const {
  for (size_t i = from; i < text.size(); ++i) {
    if (only_first_byte >= 0) {  // the usual case (<|endoftext|> alone): let memchr skip ahead
      const void* hit = std::memchr(text.data() + i, only_first_byte, text.size() - i);
      if (hit == nullptr) break;
      i = static_cast<size_t>(static_cast<const char*>(hit) - text.data());
    } else if (!special_first_byte[static_cast<uint8_t>(text[i])]) {
      continue;
    }
    for (const Special& s : specials) {  // longest first, so the longest match wins
      if (text.substr(i, s.content.size()) == s.content) {
        *found = &s;
        return i;
      }
    }
  }
  return text.size();
}

namespace {

// Bytes of white space (Unicode White_Space, as Rust's char::is_whitespace that Hugging Face's
// lstrip/rstrip use) at the start of text.
size_t leading_space(std::string_view text) {
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  const uint8_t* end = p + text.size();
  size_t n = 0;
  while (p + n < end) {
    bpe::CharInfo c = bpe::classify_char(p + n, end);
    if (c.cls != bpe::kSpace) break;
    n += c.bytes;
  }
  return n;
}

// Bytes of white space at the end of text. UTF-8 is only decodable forwards (and invalid bytes
// must split as the pre-tokenizer splits them), so this scans the whole text once.
size_t trailing_space(std::string_view text) {
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  const uint8_t* end = p + text.size();
  size_t n = 0;
  size_t run_start = 0;
  while (p + n < end) {
    bpe::CharInfo c = bpe::classify_char(p + n, end);
    n += c.bytes;
    if (c.cls != bpe::kSpace) run_start = n;
  }
  return text.size() - run_start;
}

}  // namespace

void BpeTokenizer::Impl::encode(std::string_view text, std::vector<int32_t>& out) const {
  std::function<int32_t(std::string_view)> whole_word = [this](std::string_view word) {
    return find(bpe::bytes_to_token_string(word));
  };
  WordEncoder words(pairs, byte_ids, text.size() >= kCacheMinTextBytes,
                    ignore_merges ? &whole_word : nullptr);
  auto encode_plain = [&](std::string_view segment) {
    bpe::for_each_pretoken(segment, [&](std::string_view word) { words.encode_word(word, out); });
  };
  if (specials.empty()) {
    encode_plain(text);
    return;
  }
  size_t pos = 0;
  while (pos < text.size()) {
    const Special* s = nullptr;
    size_t at = find_special(text, pos, &s);
    size_t end = s == nullptr ? at : at + s->content.size();
    // A stripping token takes the white space beside it, but never what an earlier match took.
    if (s != nullptr && s->lstrip) at -= trailing_space(text.substr(pos, at - pos));
    if (s != nullptr && s->rstrip) end += leading_space(text.substr(end));
    encode_plain(text.substr(pos, at - pos));
    if (s == nullptr) break;
    out.push_back(s->id);
    pos = end;
  }
}

// ---- public surface -------------------------------------------------------------------------

BpeTokenizer::BpeTokenizer() = default;
BpeTokenizer::~BpeTokenizer() {
  delete impl_;
}
BpeTokenizer::BpeTokenizer(BpeTokenizer&& other) noexcept : impl_(other.impl_) {
  other.impl_ = nullptr;
}
BpeTokenizer& BpeTokenizer::operator=(BpeTokenizer&& other) noexcept {
  std::swap(impl_, other.impl_);
  return *this;
}

Result<BpeTokenizer> BpeTokenizer::from_parts(
    std::vector<std::string> token_bytes, std::span<const std::pair<int32_t, int32_t>> merges,
    std::span<const std::pair<std::string, int32_t>> specials) {
  auto impl = std::make_unique<Impl>();
  std::vector<bool> is_special(token_bytes.size(), false);
  for (const auto& [content, id] : specials) {
    if (id >= 0 && static_cast<size_t>(id) < is_special.size()) is_special[id] = true;
  }
  for (size_t id = 0; id < token_bytes.size(); ++id) {
    if (token_bytes[id].empty() || is_special[id]) continue;
    HYV_RETURN_IF_ERROR(impl->add_token(static_cast<int32_t>(id), std::move(token_bytes[id]),
                                        Impl::kByteLevel, "token " + std::to_string(id)));
  }
  for (const auto& [content, id] : specials) {
    HYV_RETURN_IF_ERROR(impl->add_special(content, id, "special token \"" + content + "\""));
  }
  HYV_RETURN_IF_ERROR(impl->finish_vocab("tokenizer"));
  for (size_t rank = 0; rank < merges.size(); ++rank) {
    auto [l, r] = merges[rank];
    std::string where = "merge " + std::to_string(rank);
    for (int32_t id : {l, r}) {
      if (id < 0 || static_cast<size_t>(id) >= impl->kinds.size() ||
          impl->kinds[id] == Impl::kUnused) {
        return Status::Error(where + ": id " + std::to_string(id) + " is not a token");
      }
    }
    HYV_RETURN_IF_ERROR(impl->add_merge(impl->spelling(l), impl->spelling(r), where));
  }
  impl->finish_specials();
  BpeTokenizer tok;
  tok.impl_ = impl.release();
  return tok;
}

std::vector<int32_t> BpeTokenizer::encode(std::string_view text) const {
  std::vector<int32_t> out;
  if (impl_ == nullptr) return out;
  out.reserve(text.size() / 3 + 4);
  impl_->encode(text, out);
  return out;
}

std::string BpeTokenizer::decode(std::span<const int32_t> ids) const {
  std::string text;
  if (impl_ == nullptr) return text;
  for (int32_t id : ids) {
    if (id >= 0 && static_cast<size_t>(id) < impl_->tokens.size()) text += impl_->tokens[id];
  }
  return text;
}

std::string BpeTokenizer::token_bytes(int32_t id) const {
  if (impl_ == nullptr || id < 0 || static_cast<size_t>(id) >= impl_->tokens.size()) return {};
  return impl_->tokens[id];
}

std::optional<int32_t> BpeTokenizer::token_id(std::string_view token) const {
  if (impl_ == nullptr) return std::nullopt;
  int32_t id = impl_->find(token);
  if (id < 0) return std::nullopt;
  return id;
}

bool BpeTokenizer::is_special(int32_t id) const {
  return impl_ != nullptr && id >= 0 && static_cast<size_t>(id) < impl_->skipped.size() &&
         impl_->skipped[id];
}

int BpeTokenizer::vocab_size() const {
  return impl_ == nullptr ? 0 : static_cast<int>(impl_->tokens.size());
}

}  // namespace hyv::engine
