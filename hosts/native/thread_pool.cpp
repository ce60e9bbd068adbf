#include "thread_pool.h"

#include <new>
#include <string>
#include <system_error>

namespace hyv::native {
namespace {

// A decode step hands the pool ~30 small jobs per token, and waking a sleeping thread costs
// ~15 us on a VM: more than many of the jobs. So a thread spins (tens of microseconds) for the next
// job or for the last task to finish before it sleeps, yielding now and then so that on a busy
// machine the spinner does not keep another process off the core.
constexpr int kSpinIterations = 4000;
constexpr int kYieldEvery = 64;

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

template <typename Ready>
bool spin_until(Ready ready) {
  for (int i = 0; i < kSpinIterations; ++i) {
    if (ready()) return true;
    if (i % kYieldEvery == kYieldEvery - 1) {
      std::this_thread::yield();
    } else {
      cpu_relax();
    }
  }
  return ready();
}

}  // namespace

ThreadPool::ThreadPool(int threads) {
  start(threads);
}

// On failure the workers already started are stopped and joined here: a constructor that throws
// never runs the destructor, and a joinable std::thread destroyed unjoined calls std::terminate.
void ThreadPool::start(int threads) {
  try {
    for (int i = 1; i < threads; ++i) workers_.emplace_back([this] { worker_loop(); });
  } catch (...) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    work_cv_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
    throw;
  }
}

Result<std::unique_ptr<ThreadPool>> ThreadPool::create(int threads) {
  std::unique_ptr<ThreadPool> pool(new ThreadPool());
  try {
    pool->start(threads);
  } catch (const std::system_error& e) {
    return Status::Error("cannot start " + std::to_string(threads) + " threads (" + e.what() +
                         "); use fewer --threads, or raise the memory or process limit");
  } catch (const std::bad_alloc&) {
    return Status::Error("cannot start " + std::to_string(threads) +
                         " threads: out of memory; use fewer --threads");
  }
  return pool;
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  work_cv_.notify_all();
  for (auto& t : workers_) t.join();
}

void ThreadPool::run(int n_tasks, const std::function<void(int)>& fn) {
  if (workers_.empty() || n_tasks <= 1) {
    for (int i = 0; i < n_tasks; ++i) fn(i);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    fn_ = &fn;
    next_ = 0;
    n_tasks_ = n_tasks;
    finished_ = 0;
    generation_.fetch_add(1, std::memory_order_release);
  }
  work_cv_.notify_all();
  drain();
  if (!spin_until([&] { return finished_.load(std::memory_order_acquire) == n_tasks; })) {
    std::unique_lock<std::mutex> lock(mu_);
    done_cv_.wait(lock, [&] { return finished_ == n_tasks_; });
  }
  std::lock_guard<std::mutex> lock(mu_);
  fn_ = nullptr;
}

// Takes tasks until none are left; called by workers and by the thread that called run().
void ThreadPool::drain() {
  std::unique_lock<std::mutex> lock(mu_);
  while (fn_ != nullptr && next_ < n_tasks_) {
    int i = next_++;
    const auto* fn = fn_;
    lock.unlock();
    (*fn)(i);
    lock.lock();
    if (finished_.fetch_add(1, std::memory_order_acq_rel) + 1 == n_tasks_) done_cv_.notify_all();
  }
}

void ThreadPool::worker_loop() {
  unsigned seen = 0;
  for (;;) {
    spin_until([&] {
      return stop_.load(std::memory_order_relaxed) ||
             generation_.load(std::memory_order_acquire) != seen;
    });
    {
      std::unique_lock<std::mutex> lock(mu_);
      work_cv_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
    }
    drain();
  }
}

}  // namespace hyv::native
