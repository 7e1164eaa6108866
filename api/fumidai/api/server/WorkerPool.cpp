#include "fumidai/api/server/WorkerPool.h"

#include <algorithm>

namespace fumidai::api {

WorkerPool::WorkerPool(std::size_t threads, std::size_t queue_limit) : queue_limit_(queue_limit) {
  threads_.reserve(threads);
  for (std::size_t i = 0; i < std::max<std::size_t>(threads, 1); ++i) threads_.emplace_back([this] { run(); });
}

WorkerPool::~WorkerPool() { stop(); }

bool WorkerPool::try_submit(std::function<void()> job) { return push(std::move(job), true); }

bool WorkerPool::submit_continuation(std::function<void()> job) { return push(std::move(job), false); }

bool WorkerPool::push(std::function<void()> job, bool bounded) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || (bounded && bounded_queued_ >= queue_limit_)) return false;
    queue_.push_back(std::move(job));
    bounded_.push_back(bounded);
    if (bounded) ++bounded_queued_;
  }
  ready_.notify_one();
  return true;
}

void WorkerPool::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  ready_.notify_all();
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  threads_.clear();
}

void WorkerPool::run() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued has run
      job = std::move(queue_.front());
      queue_.pop_front();
      if (bounded_.front()) --bounded_queued_;
      bounded_.pop_front();
    }
    job();
  }
}

}  // namespace fumidai::api
