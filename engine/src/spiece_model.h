// What a SentencePiece model file (spiece.model, a serialized sentencepiece.ModelProto) holds for
// encoding and decoding, read from its protobuf wire format. Field numbers and defaults are those
// of sentencepiece_model.proto (proto2): an absent field has its declared default.
//
// Only the fields a tokenizer needs are kept; the rest (training options, self-test samples) are
// skipped. Errors name the file, the field and the byte offset, e.g.
// "spiece.model: pieces[12].score: expected a fixed32 value at byte 345".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hyv/bytes.h"
#include "hyv/status.h"

namespace hyv::engine {

// ModelProto.SentencePiece.Type.
enum class SpPieceType : uint8_t {
  kNormal = 1,
  kUnknown = 2,
  kControl = 3,
  kUserDefined = 4,
  kUnused = 5,
  kByte = 6,
};

struct SpPiece {
  std::string piece;
  float score = 0;
  SpPieceType type = SpPieceType::kNormal;
};

// NormalizerSpec.
struct SpNormalizerSpec {
  std::string name;
  std::string precompiled_charsmap;
  bool add_dummy_prefix = true;
  bool remove_extra_whitespaces = true;
  bool escape_whitespaces = true;
};

struct SpModel {
  std::vector<SpPiece> pieces;
  // TrainerSpec. An empty *_piece in the file means the default, as in SentencePiece.
  bool byte_fallback = false;
  bool treat_whitespace_as_suffix = false;
  std::string unk_piece = "<unk>";
  std::string bos_piece = "<s>";
  std::string eos_piece = "</s>";
  std::string pad_piece = "<pad>";
  std::string unk_surface = " \xE2\x81\x87 ";  // what decode() writes for <unk>: " ⁇ "
  SpNormalizerSpec normalizer;
  std::optional<SpNormalizerSpec> denormalizer;  // applied to decoded text when it has rules
};

// Refuses models that are not unigram (trainer_spec.model_type BPE, WORD or CHAR).
Result<SpModel> read_spiece_model(Bytes data);

}  // namespace hyv::engine
