#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "fumidai/api/auth/KeyRateLimiter.h"
#include "fumidai/core/ManualClock.h"

namespace fumidai::api {
namespace {

using namespace std::chrono_literals;

Principal key(std::int64_t id, double per_second, double burst) {
  Principal p;
  p.key_id = id;
  p.key_name = "k" + std::to_string(id);
  p.rate_limit = RateLimit{per_second, burst};
  return p;
}

TEST(KeyRateLimiter, AdmitsTheBurstThenRefusesWithTheTimeToTheNextToken) {
  ManualClock clock(1000s);
  KeyRateLimiter limiter(clock);
  const Principal p = key(1, 4, 3);  // a token every 250 ms, 3 saved up
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.admit(p), std::nullopt) << i;
  auto refused = limiter.admit(p);
  ASSERT_TRUE(refused);
  EXPECT_EQ(*refused, 250ms);
  clock.advance(100ms);
  refused = limiter.admit(p);
  ASSERT_TRUE(refused);
  EXPECT_EQ(*refused, 150ms);
}

TEST(KeyRateLimiter, RefillsAtTheKeysRate) {
  ManualClock clock(1000s);
  KeyRateLimiter limiter(clock);
  const Principal p = key(1, 2, 2);
  EXPECT_FALSE(limiter.admit(p));
  EXPECT_FALSE(limiter.admit(p));
  EXPECT_TRUE(limiter.admit(p));
  clock.advance(500ms);
  EXPECT_FALSE(limiter.admit(p));
  EXPECT_TRUE(limiter.admit(p));
  clock.advance(10s);  // refills to the burst, no further
  EXPECT_FALSE(limiter.admit(p));
  EXPECT_FALSE(limiter.admit(p));
  EXPECT_TRUE(limiter.admit(p));
}

TEST(KeyRateLimiter, KeysAreIndependent) {
  ManualClock clock(1000s);
  KeyRateLimiter limiter(clock);
  const Principal a = key(1, 1, 1);
  const Principal b = key(2, 1, 1);
  EXPECT_FALSE(limiter.admit(a));
  EXPECT_TRUE(limiter.admit(a));
  EXPECT_FALSE(limiter.admit(b));
  EXPECT_TRUE(limiter.admit(b));
  EXPECT_EQ(limiter.tracked(), 2u);
}

TEST(KeyRateLimiter, AChangedLimitStartsANewBucket) {
  ManualClock clock(1000s);
  KeyRateLimiter limiter(clock);
  EXPECT_FALSE(limiter.admit(key(1, 1, 1)));
  EXPECT_TRUE(limiter.admit(key(1, 1, 1)));
  EXPECT_FALSE(limiter.admit(key(1, 1, 5)));
}

TEST(KeyRateLimiter, StaysBoundedAndForgetsFullBucketsFirst) {
  ManualClock clock(1000s);
  KeyRateLimiter limiter(clock, 2);
  const Principal idle = key(1, 10, 1);   // full again after 100 ms
  const Principal busy = key(2, 0.1, 1);  // owes 10 s
  EXPECT_FALSE(limiter.admit(busy));
  EXPECT_FALSE(limiter.admit(idle));
  clock.advance(1s);
  EXPECT_FALSE(limiter.admit(key(3, 1, 1)));  // the idle key's bucket goes
  EXPECT_EQ(limiter.tracked(), 2u);
  EXPECT_TRUE(limiter.admit(busy)) << "the busy key's debt was kept";
  // Nothing full: the least recently used goes.
  EXPECT_FALSE(limiter.admit(key(4, 0.1, 1)));
  EXPECT_EQ(limiter.tracked(), 2u);
}

TEST(KeyRateLimiter, ConcurrentRequestsShareOneBudget) {
  ManualClock clock(1000s);  // frozen: no refill while the threads run
  KeyRateLimiter limiter(clock, 16);
  std::atomic<int> admitted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 1000; ++i) {
        if (!limiter.admit(key(1, 1, 100))) ++admitted;
        limiter.admit(key(2 + t, 1, 1));  // other keys at the same time
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(admitted.load(), 100);
}

}  // namespace
}  // namespace fumidai::api
