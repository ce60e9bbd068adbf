// TaskRunner: how a host lends threads to the core. The core never starts threads itself; a kernel
// that can split its work calls run(n, fn) and each index in [0, n) is handed to fn exactly once.
// Without a runner (nullptr) the core runs every task inline, in order, on the calling thread.
#pragma once

#include <functional>

namespace hyv {

class TaskRunner {
 public:
  virtual ~TaskRunner() = default;
  // Number of workers that may run tasks at once (>= 1); kernels size their split from it.
  virtual int concurrency() const = 0;
  // Runs fn(i) for every i in [0, n_tasks) and returns when all have finished.
  virtual void run(int n_tasks, const std::function<void(int)>& fn) = 0;
};

// Runs fn(i) for i in [0, n) on runner, or inline when runner is null.
inline void run_tasks(TaskRunner* runner, int n, const std::function<void(int)>& fn) {
  if (runner == nullptr || n <= 1) {
    for (int i = 0; i < n; ++i) fn(i);
  } else {
    runner->run(n, fn);
  }
}

}  // namespace hyv
