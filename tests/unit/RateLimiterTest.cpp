#include <gtest/gtest.h>

#include "fumidai/core/ManualClock.h"
#include "fumidai/scanner/send/RateLimiter.h"

using namespace fumidai;
using namespace fumidai::scanner;
using namespace std::chrono_literals;

namespace {

// Runs a sender that wants `batch` packets at a time and costs `cost` of
// clock time per batch; returns the packets sent in `span`.
std::uint64_t run(double rate, std::uint64_t batch, Nanos cost, Nanos span) {
  ManualClock clock(1000s);
  RateLimiter limiter(clock, rate, std::max<std::uint64_t>(batch, static_cast<std::uint64_t>(rate * 0.01)));
  const Nanos end = clock.now() + span;
  std::uint64_t sent = 0;
  while (true) {
    const std::uint64_t n = limiter.acquire(batch);
    if (clock.now() >= end) break;
    sent += n;
    clock.advance(cost);
  }
  return sent;
}

}  // namespace

TEST(RateLimiter, HoldsWithinTwoPercentFromOneKppsUp) {
  for (double rate : {1e3, 1e4, 1e5, 1e6, 1.5e6, 1e7}) {
    for (std::uint64_t batch : {1ull, 64ull, 256ull}) {
      for (Nanos cost : {Nanos{0}, Nanos{300}, Nanos{20000}}) {
        if (cost.count() > 0 && static_cast<double>(batch) * 1e9 / static_cast<double>(cost.count()) < rate * 1.1) {
          continue;  // a sender this slow cannot reach the rate at all
        }
        const double sent = static_cast<double>(run(rate, batch, cost, 1s));
        EXPECT_NEAR(sent / rate, 1.0, 0.02) << "rate=" << rate << " batch=" << batch << " cost=" << cost.count();
      }
    }
  }
}

TEST(RateLimiter, ForgivesOldDebtAfterAStall) {
  ManualClock clock;
  RateLimiter limiter(clock, 1e5, 1000);
  EXPECT_EQ(limiter.acquire(1), 1u);
  clock.advance(1s);  // a stall worth 100k packets
  EXPECT_EQ(limiter.acquire(1'000'000), 1000u);
  EXPECT_LE(limiter.acquire(1'000'000), 2u);
}

TEST(RateLimiter, ZeroMeansUnlimited) {
  ManualClock clock;
  RateLimiter limiter(clock, 0, 1);
  EXPECT_EQ(limiter.acquire(256), 256u);
  EXPECT_EQ(clock.now(), Nanos{0});
}
