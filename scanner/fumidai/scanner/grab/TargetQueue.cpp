#include "fumidai/scanner/grab/TargetQueue.h"

namespace fumidai::scanner {

bool TargetQueue::push(GrabTarget target) {
  std::unique_lock lock(mutex_);
  not_full_.wait(lock, [&] { return closed_ || queue_.size() < capacity_; });
  if (closed_) return false;
  queue_.push_back(target);
  return true;
}

void TargetQueue::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  not_full_.notify_all();
}

bool TargetQueue::above_high_water() const {
  std::lock_guard lock(mutex_);
  return queue_.size() * 4 > capacity_ * 3;
}

std::optional<GrabTarget> TargetQueue::try_next() {
  std::optional<GrabTarget> target;
  {
    std::lock_guard lock(mutex_);
    if (queue_.empty()) return std::nullopt;
    target = queue_.front();
    queue_.pop_front();
  }
  not_full_.notify_one();
  return target;
}

bool TargetQueue::exhausted() const {
  std::lock_guard lock(mutex_);
  return closed_ && queue_.empty();
}

}  // namespace fumidai::scanner
