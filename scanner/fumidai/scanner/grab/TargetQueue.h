#pragma once
// A bounded queue of targets between a producer thread (the stdin reader, or
// stage 1's receiver) and the engine. push() blocks while the queue is full:
// that is the backpressure that keeps memory bounded however fast targets
// arrive. Stage 1's senders also watch above_high_water() and pause, so its
// receiver rarely has to block.
// Contract: push()/close() from producer threads, try_next()/exhausted() from
// the engine's thread; all methods are thread-safe.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>

#include "fumidai/scanner/grab/TargetSource.h"

namespace fumidai::scanner {

class TargetQueue final : public TargetSource {
 public:
  explicit TargetQueue(std::size_t capacity) : capacity_(capacity) {}

  // Blocks while full; returns false (and drops nothing it accepted) once closed.
  bool push(GrabTarget target);
  // The producer is done: the engine drains what is queued and finishes.
  void close();
  bool above_high_water() const;  // over three quarters full

  std::optional<GrabTarget> try_next() override;
  bool exhausted() const override;

 private:
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable not_full_;
  std::deque<GrabTarget> queue_;
  bool closed_ = false;
};

}  // namespace fumidai::scanner
