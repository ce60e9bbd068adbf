// UnigramTokenizer: checking a model, encoding (normalizer + Viterbi) and decoding, as
// SentencePiece's unigram model does. spiece.model is read in spiece_model.cpp, tokenizer.json in
// unigram_tokenizer_json.cpp.
#include "hyv/engine/unigram_tokenizer.h"

#include <algorithm>
#include <array>
#include <cfloat>
#include <memory>

#include "piece_trie.h"
#include "sp_normalizer.h"
#include "spiece_model.h"
#include "str_cat.h"

namespace hyv::engine {
namespace {

constexpr std::string_view kSpaceSymbol = "\xE2\x96\x81";  // U+2581 "▁"
constexpr std::string_view kReplacementChar = "\xEF\xBF\xBD";
// SentencePiece scores an unknown character this far below the worst piece.
constexpr float kUnkPenalty = 10.0f;

// "<0x41>" -> 0x41: the spelling SentencePiece gives byte pieces (two upper-case hex digits).
int piece_to_byte(std::string_view piece) {
  if (piece.size() != 6 || !piece.starts_with("<0x") || piece.back() != '>') return -1;
  int value = 0;
  for (char c : piece.substr(3, 2)) {
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (d < 0) return -1;
    value = value * 16 + d;
  }
  return value;
}

// A UTF-8 character's length from its first byte, as SentencePiece steps through normalized text
// (a stray continuation byte counts as one).
size_t one_char_length(char c) {
  static constexpr uint8_t kLength[16] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4};
  return kLength[static_cast<uint8_t>(c) >> 4];
}

// Byte pieces' bytes as text: whole UTF-8 characters, each malformed byte as U+FFFD.
void append_bytes(std::string_view bytes, std::string& out) {
  while (!bytes.empty()) {
    size_t n = sp_char_length(bytes);
    if (n == 0) {
      out.append(kReplacementChar);
      n = 1;
    } else {
      out.append(bytes.substr(0, n));
    }
    bytes.remove_prefix(n);
  }
}

}  // namespace

struct UnigramTokenizer::Impl {
  std::vector<SpPiece> pieces;
  // Each piece's score and type, packed for the Viterbi loop (a SpPiece is 40 bytes).
  struct Scored {
    float score;
    SpPieceType type;
  };
  std::vector<Scored> scored;
  PieceTrie lattice;       // normal, user-defined and unused pieces: what text can match
  PieceTrie user_defined;  // also kept out of normalization
  PieceTrie all;           // every piece -> id
  SpNormalizer normalizer;
  std::optional<SpNormalizer> denormalizer;
  std::array<int32_t, 256> byte_ids{};  // with byte_fallback: the piece of each byte
  bool byte_fallback = false;
  int32_t unk = -1;  // the piece of type UNKNOWN
  float min_score = FLT_MAX;
  // FLT_MIN (the smallest positive float), not -FLT_MAX, as SentencePiece starts it: with the
  // usual all-negative scores a user-defined piece scores length * FLT_MIN - 0.1.
  float max_score = FLT_MIN;
  std::string unk_surface;
  bool strip_first_space = true;  // add_dummy_prefix or remove_extra_whitespaces
  bool remove_extra_whitespaces = true;
  int32_t unk_id = -1, pad_id = -1, eos_id = -1, bos_id = -1;

  Status check_pieces(std::string_view where);
  void viterbi(std::string_view normalized, std::vector<int32_t>& ids) const;
  bool decode_piece(int32_t id, bool at_start, std::string& out) const;
  // The id SentencePiece's PieceToId gives a name (unk when absent), if its type is `type`.
  int32_t named(std::string_view name, SpPieceType type) const {
    int32_t id = all.find(name);
    if (id < 0) id = unk;
    return id >= 0 && pieces[id].type == type ? id : -1;
  }
};

// The checks SentencePiece makes when it loads a model, with the piece each one is about.
Status UnigramTokenizer::Impl::check_pieces(std::string_view where) {
  auto at = [&](size_t i) { return str_cat(where, "[", std::to_string(i), "]"); };
  std::vector<std::pair<std::string_view, int32_t>> keys;
  keys.reserve(pieces.size());
  for (size_t i = 0; i < pieces.size(); ++i) {
    if (pieces[i].piece.empty()) return Status::Error(at(i) + ": the piece is empty");
    keys.emplace_back(pieces[i].piece, static_cast<int32_t>(i));
  }
  all.build(keys);
  scored.reserve(pieces.size());
  for (const SpPiece& p : pieces) scored.push_back({p.score, p.type});
  std::array<bool, 256> have_byte{};
  std::vector<std::pair<std::string_view, int32_t>> matchable, kept;
  for (size_t i = 0; i < pieces.size(); ++i) {
    const SpPiece& p = pieces[i];
    auto id = static_cast<int32_t>(i);
    int32_t first = all.find(p.piece);
    if (first != id) {
      return Status::Error(
          str_cat(at(i), ": \"", p.piece, "\" is already defined (", at(first), ")"));
    }
    switch (p.type) {
      case SpPieceType::kUnknown:
        if (unk >= 0)
          return Status::Error(str_cat(at(i), ": a second unknown piece (", at(unk), ")"));
        unk = id;
        break;
      case SpPieceType::kByte: {
        int b = piece_to_byte(p.piece);
        if (!byte_fallback) {
          return Status::Error(
              str_cat(at(i), ": byte piece \"", p.piece, "\" although byte_fallback is off"));
        }
        if (b < 0) return Status::Error(str_cat(at(i), ": \"", p.piece, "\" is not a byte piece"));
        have_byte[b] = true;
        byte_ids[b] = id;
        break;
      }
      case SpPieceType::kNormal:
        min_score = std::min(min_score, p.score);
        max_score = std::max(max_score, p.score);
        [[fallthrough]];
      case SpPieceType::kUnused:
      case SpPieceType::kUserDefined:
        // SentencePiece's trie keys end at NUL, so a piece holding one could never match there.
        if (p.piece.find('\0') == std::string::npos) matchable.emplace_back(p.piece, id);
        if (p.type == SpPieceType::kUserDefined) kept.emplace_back(p.piece, id);
        break;
      case SpPieceType::kControl:
        break;
    }
  }
  if (unk < 0) return Status::Error(str_cat(where, ": no unknown piece (<unk>)"));
  if (byte_fallback && std::find(have_byte.begin(), have_byte.end(), false) != have_byte.end()) {
    return Status::Error(str_cat(where, ": byte_fallback is on but not all 256 byte pieces exist"));
  }
  if (matchable.empty()) {
    return Status::Error(str_cat(where, ": no normal or user-defined piece to encode text with"));
  }
  lattice.build(std::move(matchable));
  user_defined.build(std::move(kept));
  return Status::Ok();
}

// SentencePiece's unigram Viterbi, as its optimized encoder runs it: for each character start,
// every piece that begins there extends the best path ending at its start; a character no
// one-character piece covers gets an <unk> node scored min_score - 10. Only the best path ending
// at each byte is kept. Ties keep the path found first (the earlier start, then the shorter
// piece). The arithmetic is SentencePiece's to the last bit: a piece's score is added in double
// (its code mixes the float score with a double for user-defined pieces) and stored as float,
// the <unk> node's in float.
void UnigramTokenizer::Impl::viterbi(std::string_view text, std::vector<int32_t>& ids) const {
  constexpr size_t kNone = SIZE_MAX;
  struct Best {
    float score = 0;
    int32_t id = -1;
    size_t start = kNone;
  };
  const size_t n = text.size();
  std::vector<Best> best(n + 1);
  const float unk_score = min_score - kUnkPenalty;
  for (size_t start = 0; start < n;) {
    const float till_here = best[start].score;
    const size_t char_len = std::min(one_char_length(text[start]), n - start);
    bool has_single = false;
    lattice.for_each_prefix(text.substr(start), [&](size_t length, int32_t id) {
      const Scored& p = scored[id];
      if (p.type == SpPieceType::kUnused) return;
      double score = p.type == SpPieceType::kUserDefined
                         ? static_cast<double>(static_cast<float>(length) * max_score) - 0.1
                         : static_cast<double>(p.score);
      double candidate = score + static_cast<double>(till_here);
      Best& target = best[start + length];
      if (target.start == kNone || candidate > static_cast<double>(target.score)) {
        target = {static_cast<float>(candidate), id, start};
      }
      if (length == char_len) has_single = true;
    });
    if (!has_single) {
      float candidate = unk_score + till_here;
      Best& target = best[start + char_len];
      if (target.start == kNone || candidate > target.score) target = {candidate, unk, start};
    }
    start += char_len;
  }
  // Back from the end; then forwards, merging runs of <unk> (or spelling them as bytes).
  std::vector<std::pair<size_t, int32_t>> path;  // (start, id)
  for (size_t end = n; end > 0; end = best[end].start)
    path.emplace_back(best[end].start, best[end].id);
  bool prev_unk = false;
  for (auto it = path.rbegin(); it != path.rend(); ++it) {
    size_t start = it->first;
    size_t end = it + 1 == path.rend() ? n : (it + 1)->first;
    bool is_unk = it->second == unk;
    if (is_unk && byte_fallback) {
      for (char c : text.substr(start, end - start))
        ids.push_back(byte_ids[static_cast<uint8_t>(c)]);
    } else if (!(is_unk && prev_unk)) {
      ids.push_back(it->second);
    }
    prev_unk = is_unk;
  }
}

// One piece of SentencePiece's DecodeIds; returns whether it consumed the text's leading "▁"
// (which then stops later pieces from dropping theirs).
bool UnigramTokenizer::Impl::decode_piece(int32_t id, bool at_start, std::string& out) const {
  const SpPiece& p = pieces[id];
  if (p.type == SpPieceType::kControl) return false;
  if (p.type == SpPieceType::kUnknown) {
    out.append(unk_surface);
    return false;
  }
  std::string_view s = p.piece;
  bool consumed = false;
  if (at_start && strip_first_space && s.starts_with(kSpaceSymbol)) {
    s.remove_prefix(kSpaceSymbol.size());
    // With remove_extra_whitespaces every piece's leading "▁" goes while the text is still
    // empty; without it only the first piece's.
    consumed = !remove_extra_whitespaces;
  }
  while (!s.empty()) {
    size_t at = s.find(kSpaceSymbol);
    out.append(s.substr(0, at));
    if (at == std::string_view::npos) break;
    out.push_back(' ');
    s.remove_prefix(at + kSpaceSymbol.size());
  }
  return consumed;
}

Result<UnigramTokenizer> UnigramTokenizer::from_model(SpModel&& model,
                                                      std::string_view pieces_where,
                                                      std::string_view normalizer_where) {
  auto impl = std::make_unique<Impl>();
  impl->pieces = std::move(model.pieces);
  impl->byte_fallback = model.byte_fallback;
  HYV_RETURN_IF_ERROR(impl->check_pieces(pieces_where));
  auto normalizer =
      SpNormalizer::make(model.normalizer, model.treat_whitespace_as_suffix, normalizer_where);
  if (!normalizer.ok()) return normalizer.status();
  impl->normalizer = std::move(normalizer).value();
  if (model.denormalizer && !model.denormalizer->precompiled_charsmap.empty()) {
    auto denormalizer = SpNormalizer::make(*model.denormalizer, false,
                                           str_cat(normalizer_where, " (denormalizer_spec)"));
    if (!denormalizer.ok()) return denormalizer.status();
    impl->denormalizer = std::move(denormalizer).value();
  }
  impl->unk_surface = std::move(model.unk_surface);
  impl->remove_extra_whitespaces = model.normalizer.remove_extra_whitespaces;
  impl->strip_first_space =
      model.normalizer.add_dummy_prefix || model.normalizer.remove_extra_whitespaces;
  impl->unk_id = impl->named(model.unk_piece, SpPieceType::kUnknown);
  impl->pad_id = impl->named(model.pad_piece, SpPieceType::kControl);
  impl->eos_id = impl->named(model.eos_piece, SpPieceType::kControl);
  impl->bos_id = impl->named(model.bos_piece, SpPieceType::kControl);
  UnigramTokenizer tok;
  tok.impl_ = impl.release();
  return tok;
}

Result<UnigramTokenizer> UnigramTokenizer::from_spiece_model(Bytes model) {
  auto m = read_spiece_model(model);
  if (!m.ok()) return m.status();
  return from_model(std::move(m).value(), "spiece.model: pieces", "spiece.model: normalizer_spec");
}

std::vector<int32_t> UnigramTokenizer::encode(std::string_view text) const {
  std::vector<int32_t> ids;
  if (impl_ == nullptr) return ids;
  std::string normalized;
  const PieceTrie* keep = impl_->user_defined.empty() ? nullptr : &impl_->user_defined;
  impl_->normalizer.normalize(text, keep, normalized);
  if (!normalized.empty()) impl_->viterbi(normalized, ids);
  return ids;
}

std::string UnigramTokenizer::decode(std::span<const int32_t> ids) const {
  std::string text;
  if (impl_ == nullptr) return text;
  std::string bytes;  // a run of byte pieces, written out as UTF-8 when it ends
  bool at_start = true;
  bool start_consumed = false;
  for (int32_t id : ids) {
    if (id < 0 || id >= vocab_size()) continue;
    const SpPiece& p = impl_->pieces[id];
    if (p.type == SpPieceType::kByte) {
      bytes.push_back(static_cast<char>(piece_to_byte(p.piece)));
      continue;
    }
    append_bytes(bytes, text);
    bytes.clear();
    if (start_consumed || !text.empty()) at_start = false;
    start_consumed = impl_->decode_piece(id, at_start, text);
  }
  append_bytes(bytes, text);
  if (!impl_->denormalizer) return text;
  std::string out;
  impl_->denormalizer->normalize(text, nullptr, out);
  return out;
}

std::string UnigramTokenizer::piece(int32_t id) const {
  if (impl_ == nullptr || id < 0 || id >= vocab_size()) return "";
  return impl_->pieces[id].piece;
}

std::optional<int32_t> UnigramTokenizer::piece_id(std::string_view piece) const {
  if (impl_ == nullptr) return std::nullopt;
  int32_t id = impl_->all.find(piece);
  return id >= 0 ? std::optional<int32_t>(id) : std::nullopt;
}

bool UnigramTokenizer::is_control(int32_t id) const {
  return impl_ != nullptr && id >= 0 && id < vocab_size() &&
         impl_->pieces[id].type == SpPieceType::kControl;
}

bool UnigramTokenizer::is_byte(int32_t id) const {
  return impl_ != nullptr && id >= 0 && id < vocab_size() &&
         impl_->pieces[id].type == SpPieceType::kByte;
}

int UnigramTokenizer::vocab_size() const {
  return impl_ == nullptr ? 0 : static_cast<int>(impl_->pieces.size());
}
int32_t UnigramTokenizer::unk_id() const {
  return impl_ == nullptr ? -1 : impl_->unk_id;
}
int32_t UnigramTokenizer::pad_id() const {
  return impl_ == nullptr ? -1 : impl_->pad_id;
}
int32_t UnigramTokenizer::eos_id() const {
  return impl_ == nullptr ? -1 : impl_->eos_id;
}
int32_t UnigramTokenizer::bos_id() const {
  return impl_ == nullptr ? -1 : impl_->bos_id;
}

UnigramTokenizer::UnigramTokenizer() = default;
UnigramTokenizer::~UnigramTokenizer() {
  delete impl_;
}
UnigramTokenizer::UnigramTokenizer(UnigramTokenizer&& o) noexcept : impl_(o.impl_) {
  o.impl_ = nullptr;
}
UnigramTokenizer& UnigramTokenizer::operator=(UnigramTokenizer&& o) noexcept {
  if (this != &o) {
    delete impl_;
    impl_ = o.impl_;
    o.impl_ = nullptr;
  }
  return *this;
}

}  // namespace hyv::engine
