#pragma once
// Spreads targets over the engine threads: one bounded TargetQueue per
// engine, chosen by a hash of the address, so every connection to one host
// goes through one engine (its per-host limit and PTR cache stay exact).
// Contract: push()/close()/above_high_water() from producer threads;
// queue(i) is handed to engine i. Thread-safe; owns the queues.
#include <cstddef>
#include <memory>
#include <vector>

#include "fumidai/scanner/grab/TargetQueue.h"

namespace fumidai::scanner {

class TargetRouter {
 public:
  TargetRouter(std::size_t shards, std::size_t capacity_per_shard);

  // Blocks while the target's queue is full; false once closed.
  bool push(GrabTarget target);
  void close();
  bool above_high_water() const;
  std::size_t shards() const { return queues_.size(); }
  TargetQueue& queue(std::size_t shard) { return *queues_[shard]; }

  static std::size_t shard_of(std::uint32_t ip, std::size_t shards);

 private:
  std::vector<std::unique_ptr<TargetQueue>> queues_;
};

}  // namespace fumidai::scanner
