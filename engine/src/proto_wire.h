// A reader of the protobuf wire format (varints, length-delimited fields, fixed32 and fixed64)
// that reports malformed input as a Status naming the byte offset, for spiece.model.
//
//   proto::Reader r(message, offset_of_message_in_file, "spiece.model: trainer_spec");
//   proto::Field f;
//   while (r.next(f)) { if (f.number == 3 && f.wire == proto::kVarint) ... }
//   HYV_RETURN_IF_ERROR(r.status());
//
// Why not protozero (Debian libprotozero-dev): its pbf_reader reports a truncated buffer, an
// over-long varint or an unknown wire type by throwing (end_of_buffer_exception, ...). The core is
// compiled with -fno-exceptions: GCC refuses to compile those throw expressions at all, and clang
// (the wasm32 build) compiles them, in a system header, as calls to abort(), so a corrupt
// spiece.model would trap the canister instead of being refused. Checking every length before
// protozero sees it would be this reader again, so the few lines below are the whole of it.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "hyv/status.h"
#include "str_cat.h"

namespace hyv::engine::proto {

enum Wire : uint8_t { kVarint = 0, kFixed64 = 1, kLength = 2, kFixed32 = 5 };

struct Field {
  uint32_t number = 0;
  uint8_t wire = 0;
  uint64_t varint = 0;     // kVarint; the bits of kFixed32 / kFixed64
  std::string_view bytes;  // kLength
  size_t offset = 0;       // of the field's key, from the start of the file
};

class Reader {
 public:
  // `base` is the offset of `data` in the file, `where` names the message for errors.
  Reader(std::string_view data, size_t base, std::string_view where)
      : data_(data), base_(base), where_(where) {}

  // The next field into f; false at the end of the message or on malformed input (status()).
  bool next(Field& f) {
    if (pos_ >= data_.size() || !status_.ok()) return false;
    f = Field{};
    f.offset = base_ + pos_;
    uint64_t key = 0;
    if (!varint(key)) return false;
    f.number = static_cast<uint32_t>(key >> 3);
    f.wire = static_cast<uint8_t>(key & 7);
    if (f.number == 0 || key >> 32 != 0) return fail(f.offset, "invalid field number");
    switch (f.wire) {
      case kVarint:
        return varint(f.varint);
      case kFixed64:
        return fixed(8, f);
      case kFixed32:
        return fixed(4, f);
      case kLength: {
        uint64_t n = 0;
        if (!varint(n)) return false;
        if (n > data_.size() - pos_) {
          return fail(f.offset, str_cat("field ", std::to_string(f.number), " of ",
                                        std::to_string(n), " bytes runs past the end"));
        }
        f.bytes = data_.substr(pos_, n);
        pos_ += n;
        return true;
      }
      default:  // 3 and 4 are proto2 groups, which no SentencePiece message uses
        return fail(f.offset, str_cat("field ", std::to_string(f.number), " has wire type ",
                                      std::to_string(f.wire), ", which is not supported"));
    }
  }

  const Status& status() const { return status_; }
  // Where a field's value starts in the file, for the messages nested in it.
  size_t value_offset(const Field& f) const {
    return f.wire == kLength ? base_ + static_cast<size_t>(f.bytes.data() - data_.data()) : 0;
  }

 private:
  bool varint(uint64_t& out) {
    size_t start = pos_;
    out = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= data_.size()) return fail(base_ + start, "a varint runs past the end");
      auto b = static_cast<uint8_t>(data_[pos_++]);
      out |= static_cast<uint64_t>(b & 0x7F) << shift;
      if (b < 0x80) return true;
    }
    return fail(base_ + start, "a varint is longer than 10 bytes");
  }

  bool fixed(size_t n, Field& f) {
    if (data_.size() - pos_ < n) return fail(f.offset, "a fixed-size value runs past the end");
    unsigned char b[8] = {};
    std::memcpy(b, data_.data() + pos_, n);
    for (size_t i = 0; i < n; ++i) f.varint |= static_cast<uint64_t>(b[i]) << (8 * i);
    pos_ += n;
    return true;
  }

  bool fail(size_t offset, std::string_view what) {
    status_ = Status::Error(str_cat(where_, ": ", what, " at byte ", std::to_string(offset)));
    return false;
  }

  std::string_view data_;
  size_t base_;
  std::string where_;
  size_t pos_ = 0;
  Status status_;
};

}  // namespace hyv::engine::proto
