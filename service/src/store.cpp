#include "hyv/service/store.h"

namespace hyv::service {
namespace {

bool namespace_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

std::string shown(std::string_view key) {
  constexpr size_t kShown = 80;
  return key.size() <= kShown ? std::string(key) : std::string(key.substr(0, kShown)) + "...";
}

}  // namespace

Status validate_key(std::string_view key) {
  if (key.empty()) return Status::Error("store key is empty");
  if (key.size() > kMaxKeyBytes) {
    return Status::Error("store key '" + shown(key) + "' is " + std::to_string(key.size()) +
                         " bytes, more than " + std::to_string(kMaxKeyBytes));
  }
  if (key.find('\0') != std::string_view::npos) {
    return Status::Error("store key '" + shown(key) + "' contains a NUL byte");
  }
  size_t slash = key.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash > 32) {
    return Status::Error("store key '" + shown(key) +
                         "' needs a namespace of 1 to 32 characters before '/'");
  }
  for (size_t i = 0; i < slash; ++i) {
    if (!namespace_char(key[i])) {
      return Status::Error("store key '" + shown(key) + "': namespace may only use a-z, 0-9, _");
    }
  }
  if (slash + 1 == key.size()) {
    return Status::Error("store key '" + shown(key) + "' has nothing after its namespace");
  }
  return Status::Ok();
}

Status validate_value(std::string_view key, std::string_view value) {
  if (value.size() > kMaxValueBytes) {
    return Status::Error("value for store key '" + shown(key) + "' is " +
                         std::to_string(value.size()) + " bytes, more than " +
                         std::to_string(kMaxValueBytes));
  }
  return Status::Ok();
}

Status validate_batch(const std::vector<StoreOp>& batch) {
  for (size_t i = 0; i < batch.size(); ++i) {
    const StoreOp& op = batch[i];
    Status s = validate_key(op.key);
    if (s.ok() && op.kind == StoreOp::Kind::kPut) s = validate_value(op.key, op.value);
    if (!s.ok()) return s.with_context("batch op " + std::to_string(i));
  }
  return Status::Ok();
}

std::string make_key(std::string_view ns, std::initializer_list<std::string_view> parts) {
  std::string key(ns);
  for (std::string_view p : parts) {
    key += '/';
    key += p;
  }
  return key;
}

}  // namespace hyv::service
