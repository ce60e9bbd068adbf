// ThreadPool: the native host's TaskRunner. Workers are started once and reused for every
// run(); the calling thread takes tasks too, so a pool of N uses N threads in all.
// Invariant between run() calls: no task is queued and every worker either spins briefly on
// generation_ or waits on work_cv_.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "hyv/status.h"
#include "hyv/task_runner.h"

namespace hyv::native {

class ThreadPool final : public TaskRunner {
 public:
  // Starts threads - 1 workers; when the system refuses a thread (a memory or process limit), the
  // ones started are stopped again and the error says how many could not start, and why.
  static Result<std::unique_ptr<ThreadPool>> create(int threads);
  // The same, but throws std::system_error when a thread cannot start (for tests and callers that
  // know their thread count is small).
  explicit ThreadPool(int threads);
  ~ThreadPool() override;
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int concurrency() const override { return static_cast<int>(workers_.size()) + 1; }
  void run(int n_tasks, const std::function<void(int)>& fn) override;

 private:
  ThreadPool() = default;
  void start(int threads);  // throws std::system_error
  void worker_loop();
  void drain();

  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable work_cv_, done_cv_;
  const std::function<void(int)>* fn_ = nullptr;
  int next_ = 0, n_tasks_ = 0;
  // Written under mu_; read without it while spinning.
  std::atomic<int> finished_{0};
  std::atomic<unsigned> generation_{0};
  std::atomic<bool> stop_{false};
};

}  // namespace hyv::native
