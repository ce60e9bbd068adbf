// spiece.model (sentencepiece.ModelProto) -> SpModel, with the wire reader of proto_wire.h.
#include "spiece_model.h"

#include <cstring>

#include "proto_wire.h"
#include "str_cat.h"

namespace hyv::engine {
namespace {

// Far above any real vocabulary (T5: 32k, the largest SentencePiece models: 256k), low enough
// that a corrupt count cannot make us allocate gigabytes.
constexpr size_t kMaxPieces = size_t{1} << 22;

// ModelProto field numbers.
enum : uint32_t { kPieces = 1, kTrainerSpec = 2, kNormalizerSpec = 3, kDenormalizerSpec = 5 };

std::string at(std::string_view field) {
  return str_cat("spiece.model: ", field, ": ");
}

Status wrong_wire(std::string_view field, const proto::Field& f, std::string_view expected) {
  return Status::Error(
      str_cat(at(field), "expected ", expected, " at byte ", std::to_string(f.offset)));
}

Status want(std::string_view field, const proto::Field& f, proto::Wire wire) {
  if (f.wire == wire) return Status::Ok();
  switch (wire) {
    case proto::kVarint:
      return wrong_wire(field, f, "a varint");
    case proto::kFixed32:
      return wrong_wire(field, f, "a fixed32 value");
    default:
      return wrong_wire(field, f, "a length-delimited value");
  }
}

float as_float(const proto::Field& f) {
  auto bits = static_cast<uint32_t>(f.varint);
  float v;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

Status read_piece(const proto::Field& outer, size_t base, size_t index, SpPiece& out) {
  std::string name = str_cat("pieces[", std::to_string(index), "]");
  proto::Reader r(outer.bytes, base, str_cat("spiece.model: ", name));
  proto::Field f;
  while (r.next(f)) {
    if (f.number == 1) {
      HYV_RETURN_IF_ERROR(want(name + ".piece", f, proto::kLength));
      out.piece = std::string(f.bytes);
    } else if (f.number == 2) {
      HYV_RETURN_IF_ERROR(want(name + ".score", f, proto::kFixed32));
      out.score = as_float(f);
    } else if (f.number == 3) {
      HYV_RETURN_IF_ERROR(want(name + ".type", f, proto::kVarint));
      if (f.varint < 1 || f.varint > 6) {
        return Status::Error(str_cat(at(name + ".type"), "unknown piece type ",
                                     std::to_string(f.varint), " at byte ",
                                     std::to_string(f.offset)));
      }
      out.type = static_cast<SpPieceType>(f.varint);
    }
  }
  return r.status();
}

// A string field of the trainer spec whose empty value means the default.
void set_name(const proto::Field& f, std::string& out) {
  if (!f.bytes.empty()) out = std::string(f.bytes);
}

Status read_trainer_spec(const proto::Field& outer, size_t base, SpModel& m) {
  proto::Reader r(outer.bytes, base, "spiece.model: trainer_spec");
  proto::Field f;
  while (r.next(f)) {
    switch (f.number) {
      case 3: {  // model_type
        HYV_RETURN_IF_ERROR(want("trainer_spec.model_type", f, proto::kVarint));
        static constexpr const char* kTypes[] = {"?", "UNIGRAM", "BPE", "WORD", "CHAR"};
        if (f.varint != 1) {
          std::string type = f.varint < 5 ? kTypes[f.varint] : std::to_string(f.varint);
          return Status::Error(str_cat("spiece.model: trainer_spec.model_type is ", type, " (byte ",
                                       std::to_string(f.offset),
                                       "); only unigram models (T5's) are supported"));
        }
        break;
      }
      case 35:  // byte_fallback
        HYV_RETURN_IF_ERROR(want("trainer_spec.byte_fallback", f, proto::kVarint));
        m.byte_fallback = f.varint != 0;
        break;
      case 24:  // treat_whitespace_as_suffix
        HYV_RETURN_IF_ERROR(want("trainer_spec.treat_whitespace_as_suffix", f, proto::kVarint));
        m.treat_whitespace_as_suffix = f.varint != 0;
        break;
      case 44:  // unk_surface: present means used, even empty
        HYV_RETURN_IF_ERROR(want("trainer_spec.unk_surface", f, proto::kLength));
        m.unk_surface = std::string(f.bytes);
        break;
      case 45:
        HYV_RETURN_IF_ERROR(want("trainer_spec.unk_piece", f, proto::kLength));
        set_name(f, m.unk_piece);
        break;
      case 46:
        HYV_RETURN_IF_ERROR(want("trainer_spec.bos_piece", f, proto::kLength));
        set_name(f, m.bos_piece);
        break;
      case 47:
        HYV_RETURN_IF_ERROR(want("trainer_spec.eos_piece", f, proto::kLength));
        set_name(f, m.eos_piece);
        break;
      case 48:
        HYV_RETURN_IF_ERROR(want("trainer_spec.pad_piece", f, proto::kLength));
        set_name(f, m.pad_piece);
        break;
      default:  // training options (unk_id and the like only say where the trainer put pieces)
        break;
    }
  }
  return r.status();
}

Status read_normalizer_spec(const proto::Field& outer, size_t base, std::string_view field,
                            SpNormalizerSpec& spec) {
  std::string name(field);
  proto::Reader r(outer.bytes, base, str_cat("spiece.model: ", name));
  proto::Field f;
  while (r.next(f)) {
    switch (f.number) {
      case 1:
        HYV_RETURN_IF_ERROR(want(name + ".name", f, proto::kLength));
        spec.name = std::string(f.bytes);
        break;
      case 2:
        HYV_RETURN_IF_ERROR(want(name + ".precompiled_charsmap", f, proto::kLength));
        spec.precompiled_charsmap = std::string(f.bytes);
        break;
      case 3:
        HYV_RETURN_IF_ERROR(want(name + ".add_dummy_prefix", f, proto::kVarint));
        spec.add_dummy_prefix = f.varint != 0;
        break;
      case 4:
        HYV_RETURN_IF_ERROR(want(name + ".remove_extra_whitespaces", f, proto::kVarint));
        spec.remove_extra_whitespaces = f.varint != 0;
        break;
      case 5:
        HYV_RETURN_IF_ERROR(want(name + ".escape_whitespaces", f, proto::kVarint));
        spec.escape_whitespaces = f.varint != 0;
        break;
      default:  // normalization_rule_tsv: the rules' source file, already compiled into the
                // charsmap
        break;
    }
  }
  return r.status();
}

}  // namespace

Result<SpModel> read_spiece_model(Bytes data) {
  SpModel m;
  proto::Reader r(as_string_view(data), 0, "spiece.model");
  proto::Field f;
  // A message field that appears twice is merged, as protobuf does: later values win.
  while (r.next(f)) {
    size_t base = r.value_offset(f);
    switch (f.number) {
      case kPieces:
        HYV_RETURN_IF_ERROR(want("pieces", f, proto::kLength));
        if (m.pieces.size() == kMaxPieces) {
          return Status::Error(str_cat("spiece.model: more than ", std::to_string(kMaxPieces),
                                       " pieces (byte ", std::to_string(f.offset), ")"));
        }
        m.pieces.emplace_back();
        HYV_RETURN_IF_ERROR(read_piece(f, base, m.pieces.size() - 1, m.pieces.back()));
        break;
      case kTrainerSpec:
        HYV_RETURN_IF_ERROR(want("trainer_spec", f, proto::kLength));
        HYV_RETURN_IF_ERROR(read_trainer_spec(f, base, m));
        break;
      case kNormalizerSpec:
        HYV_RETURN_IF_ERROR(want("normalizer_spec", f, proto::kLength));
        HYV_RETURN_IF_ERROR(read_normalizer_spec(f, base, "normalizer_spec", m.normalizer));
        break;
      case kDenormalizerSpec:
        HYV_RETURN_IF_ERROR(want("denormalizer_spec", f, proto::kLength));
        if (!m.denormalizer) m.denormalizer.emplace();
        HYV_RETURN_IF_ERROR(read_normalizer_spec(f, base, "denormalizer_spec", *m.denormalizer));
        break;
      default:  // self_test_data
        break;
    }
  }
  HYV_RETURN_IF_ERROR(r.status());
  if (m.pieces.empty()) {
    return Status::Error("spiece.model: no pieces; is this a SentencePiece model?");
  }
  return m;
}

}  // namespace hyv::engine
