// EventHub: live job events for Server-Sent Events streams.
//
//   auto sub = hub.subscribe("job-1");          // before reading the job's state, so no event
//   hub.publish("job-1", "progress", json);     // published in between is missed
//   auto events = sub->wait(15s);               // empty after the timeout: send a heartbeat
//
// Each subscriber has its own bounded queue; a slow client that falls kMaxQueuedEvents behind
// loses its oldest `token` events first (progress and job events carry the totals, and the
// dataset holds the full text). close() wakes every waiter for shutdown.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace hyv::studio {

struct Event {
  std::string name;   // job, progress, token
  std::string data;   // JSON
  bool last = false;  // the job has stopped: a stream ends after this event
};

class EventHub;

class Subscription {
 public:
  ~Subscription();
  // Waits up to `timeout` for events; returns what is queued (empty on timeout or closing).
  std::vector<Event> wait(std::chrono::milliseconds timeout);
  bool closed() const;

 private:
  friend class EventHub;
  Subscription(EventHub& hub, std::string job_id) : hub_(hub), job_id_(std::move(job_id)) {}
  void push(const Event& e);  // the hub's mutex is held

  EventHub& hub_;
  std::string job_id_;
  std::deque<Event> queue_;
  std::condition_variable cv_;
};

class EventHub {
 public:
  static constexpr size_t kMaxQueuedEvents = 4096;

  std::unique_ptr<Subscription> subscribe(const std::string& job_id);
  void publish(const std::string& job_id, const std::string& name, const std::string& data,
               bool last = false);
  // Wakes every subscriber and refuses new waits; for shutdown.
  void close();
  bool closed() const;
  size_t subscribers() const;

 private:
  friend class Subscription;
  void unsubscribe(Subscription* s);

  mutable std::mutex mu_;
  std::multimap<std::string, Subscription*> subs_;
  bool closed_ = false;
};

}  // namespace hyv::studio
