// Candid messages as a canister receives them: the type table and the values, decoded with the
// default limits. A message that decodes must re-encode, decode again to the same bytes, and
// decode as its own types through the subtyping path (decode_args), since the canister replies
// with what it read and reads every call that way.
#include <cstdlib>

#include "hyv/candid/decode.h"
#include "hyv/candid/encode.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hyv::candid;
  hyv::Bytes bytes(data, size);
  auto m = decode_message(bytes);
  if (!m.ok()) return 0;
  const Message& msg = m.value();
  // Compared as bytes, not values: a NaN float is not equal to itself.
  auto encoded = encode_args(msg.table, msg.types, msg.values);
  if (!encoded.ok()) std::abort();
  auto again = decode_message(hyv::Bytes(encoded.value().data(), encoded.value().size()));
  if (!again.ok()) std::abort();
  auto reencoded = encode_args(again.value().table, again.value().types, again.value().values);
  if (!reencoded.ok() || reencoded.value() != encoded.value()) std::abort();
  auto args = decode_args(bytes, msg.table, msg.types);
  if (!args.ok()) std::abort();
  auto from_args = encode_args(msg.table, msg.types, args.value());
  if (!from_args.ok() || from_args.value() != encoded.value()) std::abort();
  return 0;
}
