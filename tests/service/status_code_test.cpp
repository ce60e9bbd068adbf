// StatusCode on hyv::Status: what hosts map to HTTP statuses.
#include <gtest/gtest.h>

#include "hyv/status.h"

namespace hyv {
namespace {

TEST(StatusCode, KeptThroughContextAndResults) {
  Status s = Status::Error(StatusCode::kConflict, "expected offset <= 10");
  Status wrapped = s.with_context("config.json");
  EXPECT_EQ(wrapped.code(), StatusCode::kConflict);
  EXPECT_EQ(wrapped.message(), "config.json: expected offset <= 10");
  Result<int> r = wrapped;
  EXPECT_EQ(r.status().code(), StatusCode::kConflict);
}

TEST(StatusCode, PlainErrorsAreUnclassifiedAndOkIsOk) {
  EXPECT_EQ(Status::Error("x").code(), StatusCode::kUnknown);
  EXPECT_FALSE(Status::Error("x").ok());
  EXPECT_EQ(Status::Ok().code(), StatusCode::kOk);
  Status odd = Status::Error(StatusCode::kOk, "an error marked ok is still an error");
  EXPECT_FALSE(odd.ok());
  EXPECT_EQ(odd.code(), StatusCode::kUnknown);
}

}  // namespace
}  // namespace hyv
