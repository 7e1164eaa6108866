#include "fumidai/scanner/grab/TargetRouter.h"

namespace fumidai::scanner {

TargetRouter::TargetRouter(std::size_t shards, std::size_t capacity_per_shard) {
  for (std::size_t i = 0; i < shards; ++i) queues_.push_back(std::make_unique<TargetQueue>(capacity_per_shard));
}

std::size_t TargetRouter::shard_of(std::uint32_t ip, std::size_t shards) {
  // Fibonacci hashing: neighbouring addresses land on different shards.
  return static_cast<std::size_t>((std::uint64_t{ip} * 0x9E3779B97F4A7C15ULL) >> 32) % shards;
}

bool TargetRouter::push(GrabTarget target) { return queues_[shard_of(target.ip, queues_.size())]->push(target); }

void TargetRouter::close() {
  for (auto& q : queues_) q->close();
}

bool TargetRouter::above_high_water() const {
  for (const auto& q : queues_)
    if (q->above_high_water()) return true;
  return false;
}

}  // namespace fumidai::scanner
