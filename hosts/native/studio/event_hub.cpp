#include "studio/event_hub.h"

#include <algorithm>

namespace hyv::studio {

Subscription::~Subscription() {
  hub_.unsubscribe(this);
}

void Subscription::push(const Event& e) {
  if (queue_.size() >= EventHub::kMaxQueuedEvents) {
    // Dropping a token loses text a watcher sees live, never the state; the dataset has it all.
    auto token = std::find_if(queue_.begin(), queue_.end(),
                              [](const Event& q) { return q.name == "token"; });
    queue_.erase(token != queue_.end() ? token : queue_.begin());
  }
  queue_.push_back(e);
  cv_.notify_one();
}

std::vector<Event> Subscription::wait(std::chrono::milliseconds timeout) {
  std::unique_lock lock(hub_.mu_);
  cv_.wait_for(lock, timeout, [&] { return !queue_.empty() || hub_.closed_; });
  std::vector<Event> out(std::make_move_iterator(queue_.begin()),
                         std::make_move_iterator(queue_.end()));
  queue_.clear();
  return out;
}

bool Subscription::closed() const {
  return hub_.closed();
}

std::unique_ptr<Subscription> EventHub::subscribe(const std::string& job_id) {
  std::unique_ptr<Subscription> s(new Subscription(*this, job_id));
  std::lock_guard lock(mu_);
  subs_.emplace(job_id, s.get());
  return s;
}

void EventHub::unsubscribe(Subscription* s) {
  std::lock_guard lock(mu_);
  auto [begin, end] = subs_.equal_range(s->job_id_);
  for (auto it = begin; it != end; ++it) {
    if (it->second == s) {
      subs_.erase(it);
      return;
    }
  }
}

void EventHub::publish(const std::string& job_id, const std::string& name, const std::string& data,
                       bool last) {
  std::lock_guard lock(mu_);
  auto [begin, end] = subs_.equal_range(job_id);
  for (auto it = begin; it != end; ++it) it->second->push(Event{name, data, last});
}

void EventHub::close() {
  std::lock_guard lock(mu_);
  closed_ = true;
  for (auto& [id, s] : subs_) s->cv_.notify_all();
}

bool EventHub::closed() const {
  std::lock_guard lock(mu_);
  return closed_;
}

size_t EventHub::subscribers() const {
  std::lock_guard lock(mu_);
  return subs_.size();
}

}  // namespace hyv::studio
