// Status and Result<T>: how the portable core reports failure without exceptions.
//
//   hyv::Result<Config> r = parse_config(bytes);
//   if (!r.ok()) return r.status();          // propagate
//   Config c = std::move(r).value();
//
// A message says what was wrong and where (file, field, byte offset) in words a user can act on.
// Hosts turn a failed Status into an exit code, an HTTP error or a Candid Err.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace hyv {

class [[nodiscard]] Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  static Status Error(std::string message) { return Status(std::move(message)); }

  bool ok() const { return !failed_; }
  const std::string& message() const { return message_; }

  // Prefixes context, e.g. Status::Error("bad dtype").with_context("model.safetensors").
  Status with_context(const std::string& where) const& {
    return ok() ? *this : Status(where + ": " + message_);
  }

 private:
  explicit Status(std::string message) : failed_(true), message_(std::move(message)) {}
  bool failed_ = false;
  std::string message_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}  // NOLINT: must be an error status

  bool ok() const { return std::holds_alternative<T>(v_); }
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T& value() & { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace hyv

// Propagates a failed Status from an expression returning Status.
#define HYV_RETURN_IF_ERROR(expr)          \
  do {                                     \
    ::hyv::Status hyv_status_ = (expr);    \
    if (!hyv_status_.ok()) return hyv_status_; \
  } while (0)
