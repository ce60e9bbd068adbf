// A bounded load on a real server (loopback, in-process): 16 keep-alive clients, a mix of reads,
// downloads, small text and table jobs and cancels. Zero errors and nothing lost: every answer is
// one the API documents, every job ends as asked (cancelled when a cancel was accepted, else
// succeeded), and every dataset made downloads whole. bench/studio_load.sh runs the same driver
// with more clients against `hyv serve` and prints the figures (docs/benchmarks.md).
#include "../../bench/studio_load.h"
#include "studio_fixture.h"

namespace hyv::studio::testing {
namespace {

TEST(ServerLoad, MixedLoadLosesNothing) {
  TestStudio t;
  bench::LoadOptions o;
  o.port = t.port();
  o.connections = 16;
  o.requests_per_connection = 30;
  o.seed = 7;
  o.finish_timeout_s = 120;
  bench::LoadReport r = bench::run_load(o);
  std::string report = bench::format_report(o, r);
  std::printf("%s", report.c_str());
  EXPECT_EQ(r.error_count, 0u) << report;
  EXPECT_EQ(r.requests, 16u * 30u);
  // The mix did what it is for: jobs were made and downloaded, and some cancels landed.
  EXPECT_GT(r.jobs_submitted, 0u) << report;
  EXPECT_GT(r.datasets_checked, 0u) << report;
  EXPECT_EQ(r.jobs_succeeded + r.jobs_cancelled, r.jobs_submitted) << report;
  EXPECT_EQ(r.datasets_checked, r.jobs_succeeded) << report;
  EXPECT_GT(r.cancels_accepted + r.cancels_late, 0u) << report;
  // Every job is final in the store too, and nothing is left under tmp/.
  auto c = t.client();
  auto jobs = get_json(c, "/jobs");
  for (const auto& j : jobs["jobs"].GetArray()) {
    std::string state = j["state"].GetString();
    EXPECT_TRUE(state == "succeeded" || state == "cancelled") << to_json(j);
  }
  EXPECT_TRUE(fs::is_empty(t.dir() / "data/tmp"));
}

}  // namespace
}  // namespace hyv::studio::testing
