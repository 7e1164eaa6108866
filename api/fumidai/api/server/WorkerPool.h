#pragma once
// The threads handlers run on, apart from the I/O threads because handlers
// block on PostgreSQL. The queue is bounded: when it is full a new request is
// refused (the server answers 503 with Retry-After) instead of piling up.
// Contract: thread-safe. Jobs must not throw (the server wraps handlers).
// stop() (or the destructor) runs every job already queued, then joins.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace fumidai::api {

class WorkerPool {
 public:
  WorkerPool(std::size_t threads, std::size_t queue_limit);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues a new request's job; false when the queue is full or stopped.
  bool try_submit(std::function<void()> job);
  // Queues the continuation of work already admitted (the next chunk of a
  // stream): never refused for a full queue, since each connection has at most
  // one such job outstanding, so these are bounded by the connection cap.
  // False only once stopped.
  bool submit_continuation(std::function<void()> job);
  // From one thread (the owner), once the work feeding it has stopped.
  void stop();

 private:
  bool push(std::function<void()> job, bool bounded);
  void run();

  const std::size_t queue_limit_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> queue_;
  std::size_t bounded_queued_ = 0;
  std::deque<bool> bounded_;  // parallel to queue_: whether each job counts against the limit
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace fumidai::api
