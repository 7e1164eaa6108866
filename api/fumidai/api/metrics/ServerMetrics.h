#pragma once
// The API server's Prometheus metrics: requests by route and status, latency
// per route, connections open and refused, requests refused by the rate
// limiter, audit entries dropped, and the database pool's state.
// Rendered in the text exposition format 0.0.4 for GET /metrics.
// Contract: thread-safe. Counting is lock-free once a (route, status) pair
// has been seen (a shared lock and an atomic add); only a pair's first
// appearance takes the exclusive lock. The pool callback is called on the
// rendering thread and must be thread-safe itself.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>

#include "fumidai/db/ConnectionPool.h"

namespace fumidai::api {

class ServerMetrics {
 public:
  // Upper bounds of the latency histogram's buckets, in seconds (+Inf added).
  static constexpr std::array<double, 13> kLatencyBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                             0.25,  0.5,    1,     2.5,  5,     10};

  // One finished request. `route` is the route's name, "" when none matched.
  void record_request(std::string_view route, unsigned status, std::chrono::nanoseconds duration);
  void connection_opened() { open_connections_.fetch_add(1, std::memory_order_relaxed); }
  void connection_closed() { open_connections_.fetch_sub(1, std::memory_order_relaxed); }
  void connection_refused() { refused_connections_.fetch_add(1, std::memory_order_relaxed); }
  void request_rate_limited() { rate_limited_.fetch_add(1, std::memory_order_relaxed); }
  void audit_dropped(std::uint64_t count = 1) { audit_drops_.fetch_add(count, std::memory_order_relaxed); }
  // Where the pool's statistics come from; unset, no pool metrics are shown.
  void set_pool_statistics(std::function<db::PoolStatistics()> source);

  std::int64_t open_connections() const { return open_connections_.load(std::memory_order_relaxed); }
  std::uint64_t refused_connections() const { return refused_connections_.load(std::memory_order_relaxed); }

  // The exposition text (Content-Type: text/plain; version=0.0.4).
  std::string render() const;

 private:
  struct Histogram {
    std::array<std::atomic<std::uint64_t>, kLatencyBuckets.size()> buckets{};  // not cumulative
    std::atomic<std::uint64_t> count{0};
    std::atomic<std::uint64_t> sum_ns{0};
  };
  mutable std::shared_mutex mutex_;  // guards the maps' shapes, not the counts
  std::map<std::pair<std::string, unsigned>, std::unique_ptr<std::atomic<std::uint64_t>>> requests_;
  std::map<std::string, std::unique_ptr<Histogram>> latency_;
  std::function<db::PoolStatistics()> pool_statistics_;
  std::atomic<std::int64_t> open_connections_{0};
  std::atomic<std::uint64_t> refused_connections_{0};
  std::atomic<std::uint64_t> rate_limited_{0};
  std::atomic<std::uint64_t> audit_drops_{0};
};

}  // namespace fumidai::api
