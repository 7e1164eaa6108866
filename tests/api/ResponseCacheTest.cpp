#include <gtest/gtest.h>

#include <chrono>

#include "fumidai/api/cache/ResponseCache.h"
#include "fumidai/core/ManualClock.h"

namespace fumidai::api {
namespace {

using namespace std::chrono_literals;

std::shared_ptr<const ResponseCache::Entry> body(std::string text) {
  return std::make_shared<const ResponseCache::Entry>(ResponseCache::Entry{"application/json", std::move(text)});
}

TEST(ResponseCacheTest, AnswersUntilTheTtlRunsOut) {
  ManualClock clock;
  ResponseCache cache(clock, 5s, 1 << 20);
  EXPECT_EQ(cache.find("stats.by_isp?scan=1"), nullptr);
  cache.insert("stats.by_isp?scan=1", body("{\"items\":[]}"));
  clock.advance(4999ms);
  ASSERT_NE(cache.find("stats.by_isp?scan=1"), nullptr);
  EXPECT_EQ(cache.find("stats.by_isp?scan=1")->body, "{\"items\":[]}");
  clock.advance(1ms);
  EXPECT_EQ(cache.find("stats.by_isp?scan=1"), nullptr);
  const auto stats = cache.statistics();
  EXPECT_EQ(stats.hits, 2u);
  EXPECT_EQ(stats.misses, 2u);
  EXPECT_EQ(stats.entries, 0u);
  EXPECT_EQ(stats.bytes, 0u);
}

TEST(ResponseCacheTest, EvictsTheLeastRecentlyUsedToStayWithinItsBudget) {
  ManualClock clock;
  const std::string kilobyte(1024, 'x');
  ResponseCache cache(clock, 60s, 3 * 1400);
  cache.insert("a", body(kilobyte));
  cache.insert("b", body(kilobyte));
  cache.insert("c", body(kilobyte));
  ASSERT_NE(cache.find("a"), nullptr);  // now b is the least recently used
  cache.insert("d", body(kilobyte));
  EXPECT_EQ(cache.find("b"), nullptr);
  EXPECT_NE(cache.find("a"), nullptr);
  EXPECT_NE(cache.find("c"), nullptr);
  EXPECT_NE(cache.find("d"), nullptr);
  EXPECT_LE(cache.statistics().bytes, 3u * 1400u);
}

TEST(ResponseCacheTest, KeepsNothingTooLargeOrWhenDisabled) {
  ManualClock clock;
  ResponseCache small(clock, 60s, 100);
  small.insert("big", body(std::string(1000, 'x')));
  EXPECT_EQ(small.find("big"), nullptr);
  ResponseCache disabled(clock, 0s, 1 << 20);
  disabled.insert("k", body("{}"));
  EXPECT_EQ(disabled.find("k"), nullptr);
}

TEST(ResponseCacheTest, ReplacingAKeyKeepsTheByteCountExact) {
  ManualClock clock;
  ResponseCache cache(clock, 60s, 1 << 20);
  cache.insert("k", body(std::string(500, 'x')));
  const auto before = cache.statistics().bytes;
  cache.insert("k", body(std::string(500, 'y')));
  EXPECT_EQ(cache.statistics().bytes, before);
  EXPECT_EQ(cache.find("k")->body, std::string(500, 'y'));
}

}  // namespace
}  // namespace fumidai::api
