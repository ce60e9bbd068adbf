// Jobs: the transition table of job.h, JobQueue over a MemoryStore, and crash recovery.
#include "hyv/service/job_queue.h"

#include <gtest/gtest.h>

#include "hyv/service/memory_store.h"

namespace hyv::service {
namespace {

constexpr JobState kAll[] = {JobState::kQueued, JobState::kRunning,   JobState::kSucceeded,
                             JobState::kFailed, JobState::kCancelled, JobState::kInterrupted};

TEST(Job, TransitionTable) {
  using S = JobState;
  // Written out from the diagram in job.h: the only allowed moves.
  std::vector<std::pair<S, S>> allowed = {
      {S::kQueued, S::kRunning}, {S::kQueued, S::kCancelled},  {S::kRunning, S::kSucceeded},
      {S::kRunning, S::kFailed}, {S::kRunning, S::kCancelled}, {S::kRunning, S::kInterrupted},
      {S::kFailed, S::kQueued},  {S::kCancelled, S::kQueued},  {S::kInterrupted, S::kQueued}};
  for (S from : kAll) {
    for (S to : kAll) {
      bool expected =
          std::find(allowed.begin(), allowed.end(), std::pair(from, to)) != allowed.end();
      EXPECT_EQ(can_transition(from, to), expected)
          << job_state_name(from) << " -> " << job_state_name(to);
    }
  }
}

TEST(Job, StateNamesRoundTrip) {
  for (JobState s : kAll) EXPECT_EQ(parse_job_state(job_state_name(s)).value(), s);
  EXPECT_FALSE(parse_job_state("done").ok());
}

TEST(Job, JsonRoundTrips) {
  Job j;
  j.id = "job-1";
  j.type = DataType::kCode;
  j.params_json = R"({"prompt":"def f(","max_tokens":32})";
  j.state = JobState::kSucceeded;
  j.attempts = 2;
  j.created_at_ms = 10;
  j.started_at_ms = 20;
  j.updated_at_ms = 30;
  j.finished_at_ms = 30;
  j.items_done = 4;
  j.items_total = 4;
  j.tokens_done = 128;
  j.error = "";
  j.dataset_id = "ds-9";
  auto back = job_from_json(job_to_json(j));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(job_to_json(back.value()), job_to_json(j));
  EXPECT_EQ(back.value().tokens_done, 128u);
  EXPECT_EQ(back.value().state, JobState::kSucceeded);
  EXPECT_EQ(back.value().params_json, j.params_json);
}

TEST(Job, RefusesBadRecords) {
  Job j;
  j.id = "a";
  j.items_done = 5;
  j.items_total = 4;
  EXPECT_NE(validate_job(j).message().find("items_done"), std::string::npos);
  j.items_done = 0;
  j.params_json = "[]";
  EXPECT_NE(validate_job(j).message().find("params"), std::string::npos);
  EXPECT_FALSE(job_from_json(R"({"id":"a"})").ok());
  EXPECT_FALSE(job_from_json("{").ok());
}

class JobQueueTest : public ::testing::Test {
 protected:
  Job must(Result<Job> r) {
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? std::move(r).value() : Job{};
  }
  JobState state(const char* id) { return queue.get(id).value()->state; }

  MemoryStore store;
  JobQueue queue{store};
};

TEST_F(JobQueueTest, HappyPath) {
  Job j = must(queue.create("j1", DataType::kTable, R"({"rows": 10})", 100));
  EXPECT_EQ(j.state, JobState::kQueued);
  EXPECT_EQ(j.params_json, R"({"rows":10})");
  j = must(queue.start("j1", 110));
  EXPECT_EQ(j.state, JobState::kRunning);
  EXPECT_EQ(j.attempts, 1u);
  EXPECT_EQ(j.started_at_ms, 110);
  j = must(queue.progress("j1", {3, 10, 0}, 120));
  EXPECT_EQ(queue.get("j1").value()->items_done, 3u);
  j = must(queue.progress("j1", {10, 10, 0}, 130));
  j = must(queue.succeed("j1", "ds-1", 140));
  EXPECT_EQ(j.state, JobState::kSucceeded);
  EXPECT_EQ(j.finished_at_ms, 140);
  Job stored = *queue.get("j1").value();
  EXPECT_EQ(job_to_json(stored), job_to_json(j));
  EXPECT_EQ(stored.dataset_id, "ds-1");
}

TEST_F(JobQueueTest, RefusesInvalidMoves) {
  must(queue.create("j", DataType::kText, "{}", 1));
  EXPECT_FALSE(queue.create("j", DataType::kText, "{}", 1).ok()) << "duplicate id";
  EXPECT_FALSE(queue.succeed("j", "ds", 2).ok()) << "queued cannot succeed";
  EXPECT_FALSE(queue.progress("j", {1, 0, 0}, 2).ok()) << "queued reports no progress";
  EXPECT_FALSE(queue.retry("j", 2).ok()) << "queued cannot retry";
  must(queue.start("j", 2));
  EXPECT_FALSE(queue.start("j", 3).ok()) << "running cannot start again";
  EXPECT_FALSE(queue.succeed("j", "no/slash", 3).ok()) << "bad dataset id";
  EXPECT_EQ(state("j"), JobState::kRunning) << "failed moves change nothing";
  must(queue.succeed("j", "ds", 4));
  for (auto r :
       {queue.start("j", 5), queue.cancel("j", 5), queue.retry("j", 5), queue.fail("j", "x", 5)}) {
    EXPECT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find("succeeded"), std::string::npos) << r.status().message();
  }
  EXPECT_FALSE(queue.start("missing", 1).ok());
  EXPECT_FALSE(queue.create("bad id", DataType::kText, "{}", 1).ok());
  EXPECT_FALSE(queue.create("p", DataType::kText, "{oops", 1).ok());
  std::string deep = "{\"a\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  EXPECT_FALSE(queue.create("p", DataType::kText, deep, 1).ok());
  EXPECT_FALSE(queue.get("p").value().has_value());
}

TEST_F(JobQueueTest, ProgressNeverGoesBackwardsOrPastTotal) {
  must(queue.create("j", DataType::kText, "{}", 1));
  must(queue.start("j", 2));
  must(queue.progress("j", {5, 10, 50}, 3));
  EXPECT_FALSE(queue.progress("j", {4, 10, 60}, 4).ok());
  EXPECT_FALSE(queue.progress("j", {6, 10, 40}, 4).ok());
  EXPECT_FALSE(queue.progress("j", {11, 10, 60}, 4).ok());
  Job j = *queue.get("j").value();
  EXPECT_EQ(j.items_done, 5u);
  EXPECT_EQ(j.tokens_done, 50u);
  must(queue.progress("j", {7, 0, 60}, 5));  // total unknown
}

TEST_F(JobQueueTest, CancelFailAndRetry) {
  must(queue.create("q", DataType::kText, "{}", 1));
  EXPECT_EQ(must(queue.cancel("q", 2)).state, JobState::kCancelled);
  Job j = must(queue.retry("q", 3));
  EXPECT_EQ(j.state, JobState::kQueued);
  EXPECT_EQ(j.finished_at_ms, 0);

  must(queue.create("f", DataType::kText, "{}", 1));
  must(queue.start("f", 2));
  must(queue.progress("f", {3, 9, 30}, 3));
  j = must(queue.fail("f", "model file missing", 4));
  EXPECT_EQ(j.error, "model file missing");
  j = must(queue.retry("f", 5));
  EXPECT_EQ(j.items_done, 0u);
  EXPECT_EQ(j.tokens_done, 0u);
  EXPECT_TRUE(j.error.empty());
  j = must(queue.start("f", 6));
  EXPECT_EQ(j.attempts, 2u);
  EXPECT_EQ(must(queue.cancel("f", 7)).state, JobState::kCancelled);
}

TEST_F(JobQueueTest, NextQueuedIsTheOldest) {
  must(queue.create("late", DataType::kText, "{}", 30));
  must(queue.create("early", DataType::kText, "{}", 10));
  must(queue.create("mid", DataType::kText, "{}", 20));
  EXPECT_EQ(queue.next_queued().value()->id, "early");
  must(queue.start("early", 40));
  EXPECT_EQ(queue.next_queued().value()->id, "mid");
  std::vector<std::string> ids;
  Result<std::vector<Job>> all = queue.list();
  ASSERT_TRUE(all.ok());
  for (const Job& j : all.value()) ids.push_back(j.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"early", "mid", "late"}));
  must(queue.cancel("mid", 41));
  must(queue.cancel("late", 41));
  EXPECT_FALSE(queue.next_queued().value().has_value());
}

TEST_F(JobQueueTest, RunningJobsAreInterruptedOnStartup) {
  must(queue.create("r1", DataType::kText, "{}", 1));
  must(queue.create("r2", DataType::kCode, "{}", 2));
  must(queue.create("q", DataType::kText, "{}", 3));
  must(queue.create("done", DataType::kText, "{}", 4));
  must(queue.start("r1", 5));
  must(queue.start("r2", 5));
  must(queue.progress("r2", {2, 5, 9}, 6));
  must(queue.start("done", 5));
  must(queue.succeed("done", "ds", 6));

  // The host restarts on the same store after a crash.
  JobQueue restarted(store);
  auto n = restarted.mark_interrupted_on_startup(100);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n.value(), 2u);
  EXPECT_EQ(state("r1"), JobState::kInterrupted);
  EXPECT_EQ(state("r2"), JobState::kInterrupted);
  EXPECT_EQ(state("q"), JobState::kQueued);
  EXPECT_EQ(state("done"), JobState::kSucceeded);
  Job r2 = *restarted.get("r2").value();
  EXPECT_EQ(r2.finished_at_ms, 100);
  EXPECT_EQ(r2.items_done, 2u) << "how far it got stays visible";
  EXPECT_FALSE(r2.error.empty());
  EXPECT_EQ(restarted.mark_interrupted_on_startup(101).value(), 0u);
  Job retried = must(restarted.retry("r2", 102));
  EXPECT_EQ(retried.state, JobState::kQueued);
  EXPECT_EQ(must(restarted.start("r2", 103)).attempts, 2u);
}

TEST_F(JobQueueTest, DamagedRecordIsReportedWithItsKey) {
  ASSERT_TRUE(store.put("job/x", R"({"id":"x"})").ok());
  Status st = queue.list().status();
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("job/x"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace hyv::service
