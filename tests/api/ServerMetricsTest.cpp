// ServerMetrics' exposition text and the WorkerPool's bound.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <regex>
#include <sstream>

#include "ExpositionText.h"
#include "fumidai/api/metrics/ServerMetrics.h"
#include "fumidai/api/server/WorkerPool.h"

namespace fumidai::api {
namespace {

using namespace std::chrono_literals;

TEST(ServerMetricsTest, RendersCountersHistogramsAndPoolState) {
  ServerMetrics metrics;
  metrics.record_request("hosts.get", 200, 3ms);
  metrics.record_request("hosts.get", 200, 40ms);
  metrics.record_request("hosts.get", 404, 20s);
  metrics.record_request("", 404, 100us);
  metrics.record_request("we\"ird\\", 200, 1ms);
  metrics.connection_opened();
  metrics.connection_refused();
  metrics.request_rate_limited();
  metrics.audit_dropped();
  metrics.set_pool_statistics([] { return db::PoolStatistics{8, 3, 2, 1, 5}; });

  const auto samples = parse_exposition(metrics.render());
  ASSERT_TRUE(samples) << samples.error().message;
  EXPECT_EQ(samples->at(R"(fumidai_api_requests_total{route="hosts.get",status="200"})"), 2);
  EXPECT_EQ(samples->at(R"(fumidai_api_requests_total{route="hosts.get",status="404"})"), 1);
  EXPECT_EQ(samples->at(R"(fumidai_api_requests_total{route="unmatched",status="404"})"), 1);
  EXPECT_EQ(samples->at(R"(fumidai_api_requests_total{route="we\"ird\\",status="200"})"), 1);
  EXPECT_EQ(samples->at(R"(fumidai_api_request_duration_seconds_bucket{route="hosts.get",le="0.005"})"), 1);
  EXPECT_EQ(samples->at(R"(fumidai_api_request_duration_seconds_bucket{route="hosts.get",le="0.05"})"), 2);
  EXPECT_EQ(samples->at(R"(fumidai_api_request_duration_seconds_bucket{route="hosts.get",le="10"})"), 2);
  EXPECT_EQ(samples->at(R"(fumidai_api_request_duration_seconds_bucket{route="hosts.get",le="+Inf"})"), 3);
  EXPECT_EQ(samples->at(R"(fumidai_api_request_duration_seconds_count{route="hosts.get"})"), 3);
  EXPECT_EQ(samples->at("fumidai_api_open_connections"), 1);
  EXPECT_EQ(samples->at("fumidai_api_refused_connections_total"), 1);
  EXPECT_EQ(samples->at("fumidai_api_rate_limited_total"), 1);
  EXPECT_EQ(samples->at("fumidai_api_audit_dropped_total"), 1);
  EXPECT_EQ(samples->at("fumidai_db_pool_size"), 8);
  EXPECT_EQ(samples->at("fumidai_db_pool_in_use"), 2);
  EXPECT_EQ(samples->at("fumidai_db_pool_timeouts_total"), 5);
}

TEST(ServerMetricsTest, CountsFromManyThreads) {
  ServerMetrics metrics;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 1000; ++i) metrics.record_request(t % 2 ? "a" : "b", 200 + i % 2, 1ms);
    });
  }
  for (auto& thread : threads) thread.join();
  const auto samples = parse_exposition(metrics.render());
  ASSERT_TRUE(samples) << samples.error().message;
  EXPECT_EQ(samples->at(R"(fumidai_api_request_duration_seconds_count{route="a"})"), 2000);
  EXPECT_EQ(samples->at(R"(fumidai_api_requests_total{route="b",status="201"})"), 1000);
}

TEST(WorkerPoolTest, RefusesBeyondItsQueueAndRunsWhatItTook) {
  std::mutex mutex;
  std::condition_variable changed;
  bool release = false;
  int started = 0;
  std::atomic<int> ran{0};
  {
    WorkerPool pool(1, 2);
    const auto blocking = [&] {
      std::unique_lock lock(mutex);
      ++started;
      changed.notify_all();
      changed.wait(lock, [&] { return release; });
      ++ran;
    };
    ASSERT_TRUE(pool.try_submit(blocking));
    {
      std::unique_lock lock(mutex);
      ASSERT_TRUE(changed.wait_for(lock, 10s, [&] { return started == 1; }));
    }
    EXPECT_TRUE(pool.try_submit([&] { ++ran; }));
    EXPECT_TRUE(pool.try_submit([&] { ++ran; }));
    EXPECT_FALSE(pool.try_submit([&] { ++ran; }));
    EXPECT_TRUE(pool.submit_continuation([&] { ++ran; }));  // continuations pass a full queue
    {
      std::lock_guard lock(mutex);
      release = true;
    }
    changed.notify_all();
    pool.stop();
    EXPECT_FALSE(pool.try_submit([&] { ++ran; }));
  }
  EXPECT_EQ(ran, 4);
}

}  // namespace
}  // namespace fumidai::api
