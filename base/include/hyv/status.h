// Status and Result<T>: how the portable core reports failure without exceptions.
//
//   hyv::Result<Config> r = parse_config(bytes);
//   if (!r.ok()) return r.status();          // propagate
//   Config c = std::move(r).value();
//
// A message says what was wrong and where (file, field, byte offset) in words a user can act on.
// Hosts turn a failed Status into an exit code, an HTTP error or a Candid Err.
//
// A failed Status may carry a StatusCode saying what kind of failure it is, so a host can choose
// an HTTP status without parsing the message: Status::Error(StatusCode::kNotFound, "model 'x'
// ..."). Plain Status::Error(message) is kUnknown (the host decides, e.g. 400 for a request's
// input).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace hyv {

// What kind of failure a Status is (HTTP mapping in brackets, as the studio server uses it).
enum class StatusCode : uint8_t {
  kOk = 0,
  kUnknown,          // not classified: the host decides
  kInvalidArgument,  // the caller's input is wrong (400)
  kNotFound,         // the named thing does not exist (404)
  kConflict,         // the request clashes with the current state (409)
  kTooLarge,         // the input is over a size limit (413)
  kBusy,             // a capacity limit is reached; retry later (429)
  kInternal,         // a broken invariant or a storage failure (500)
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  static Status Error(std::string message) {
    return Status(StatusCode::kUnknown, std::move(message));
  }
  static Status Error(StatusCode code, std::string message) {
    return Status(code == StatusCode::kOk ? StatusCode::kUnknown : code, std::move(message));
  }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Prefixes context, e.g. Status::Error("bad dtype").with_context("model.safetensors").
  // The code is kept.
  Status with_context(const std::string& where) const& {
    return ok() ? *this : Status(code_, where + ": " + message_);
  }

 private:
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}
  StatusCode code_ = StatusCode::kOk;
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
#define HYV_RETURN_IF_ERROR(expr)              \
  do {                                         \
    ::hyv::Status hyv_status_ = (expr);        \
    if (!hyv_status_.ok()) return hyv_status_; \
  } while (0)
