#pragma once
// Which positions of the permuted sequence one sender thread owns.
// Shard s of n owns positions s, s+n, s+2n, ...; thread t of T within it owns
// every T-th of those. Machines sharing --seed and --shards thus cover the
// space exactly once, whatever thread count each uses, and a thread's progress
// is one counter (its step), which is what a resume checkpoint stores.
// Contract: value type, pure.
#include <cstdint>

namespace fumidai::scanner {

class ShardPlan {
 public:
  ShardPlan(std::uint64_t space_size, std::uint32_t shards, std::uint32_t shard, std::uint32_t threads,
            std::uint32_t thread);
  // Position for `step` (0, 1, 2, ...); valid while step < steps().
  std::uint64_t position(std::uint64_t step) const { return first_ + step * stride_; }
  std::uint64_t steps() const { return steps_; }

 private:
  std::uint64_t first_;
  std::uint64_t stride_;
  std::uint64_t steps_;
};

}  // namespace fumidai::scanner
