#include "fumidai/scanner/order/ShardPlan.h"

#include <cassert>

namespace fumidai::scanner {

ShardPlan::ShardPlan(std::uint64_t space_size, std::uint32_t shards, std::uint32_t shard, std::uint32_t threads,
                     std::uint32_t thread)
    : first_(shard + std::uint64_t{shards} * thread), stride_(std::uint64_t{shards} * threads) {
  assert(shards > 0 && shard < shards && threads > 0 && thread < threads);
  steps_ = first_ < space_size ? (space_size - first_ + stride_ - 1) / stride_ : 0;
}

}  // namespace fumidai::scanner
