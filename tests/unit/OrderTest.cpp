#include <gtest/gtest.h>

#include <vector>

#include "fumidai/scanner/order/FeistelPermutation.h"
#include "fumidai/scanner/order/ShardPlan.h"

using namespace fumidai::scanner;

// Exhaustive: every index in [0, n) is produced exactly once.
TEST(FeistelPermutation, IsABijectionForEverySmallSize) {
  for (std::uint64_t n = 1; n <= 600; ++n) {
    for (std::uint64_t seed : {0ull, 1ull, 0xdeadbeefull}) {
      FeistelPermutation p(n, seed);
      std::vector<bool> hit(n);
      for (std::uint64_t i = 0; i < n; ++i) {
        const std::uint64_t v = p.permute(i);
        ASSERT_LT(v, n);
        ASSERT_FALSE(hit[v]) << "n=" << n << " seed=" << seed;
        hit[v] = true;
      }
    }
  }
}

TEST(FeistelPermutation, IsABijectionForLargerAwkwardSizes) {
  for (std::uint64_t n : {65536ull * 3, 1000003ull, 65536ull * 16 + 1}) {
    FeistelPermutation p(n, 42);
    std::vector<bool> hit(n);
    for (std::uint64_t i = 0; i < n; ++i) {
      const std::uint64_t v = p.permute(i);
      ASSERT_LT(v, n);
      ASSERT_FALSE(hit[v]);
      hit[v] = true;
    }
  }
}

TEST(FeistelPermutation, SeedChangesTheOrder) {
  FeistelPermutation a(100000, 1), b(100000, 2);
  int same = 0;
  for (std::uint64_t i = 0; i < 1000; ++i) same += a.permute(i) == b.permute(i);
  EXPECT_LT(same, 10);
}

TEST(FeistelPermutation, ScattersNeighbours) {
  // Consecutive probes should not hit consecutive indices (one /24 at a time).
  FeistelPermutation p(1 << 20, 9);
  int adjacent = 0;
  for (std::uint64_t i = 0; i + 1 < 10000; ++i) {
    const auto a = p.permute(i), b = p.permute(i + 1);
    adjacent += (a > b ? a - b : b - a) < 256;
  }
  EXPECT_LT(adjacent, 20);
}

// Shards × threads partition the positions: disjoint and complete, for any
// thread count per shard.
TEST(ShardPlan, ShardsAndThreadsPartitionTheSpace) {
  for (std::uint64_t size : {1ull, 2ull, 7ull, 100ull, 1031ull}) {
    for (std::uint32_t shards : {1u, 2u, 3u, 5u}) {
      std::vector<int> covered(size);
      for (std::uint32_t shard = 0; shard < shards; ++shard) {
        const std::uint32_t threads = 1 + shard % 3;  // machines may differ in thread count
        for (std::uint32_t t = 0; t < threads; ++t) {
          ShardPlan plan(size, shards, shard, threads, t);
          for (std::uint64_t s = 0; s < plan.steps(); ++s) {
            ASSERT_LT(plan.position(s), size);
            ++covered[plan.position(s)];
          }
        }
      }
      for (std::uint64_t i = 0; i < size; ++i) ASSERT_EQ(covered[i], 1) << "size=" << size << " shards=" << shards;
    }
  }
}
