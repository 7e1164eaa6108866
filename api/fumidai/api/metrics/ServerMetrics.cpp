#include "fumidai/api/metrics/ServerMetrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <mutex>

namespace fumidai::api {
namespace {

// A label value escaped as the exposition format wants: backslash, quote and
// newline.
std::string label(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// Requests that matched no route are counted under one label.
std::string route_label(std::string_view route) { return label(route.empty() ? "unmatched" : route); }

}  // namespace

void ServerMetrics::record_request(std::string_view route, unsigned status, std::chrono::nanoseconds duration) {
  std::atomic<std::uint64_t>* counter = nullptr;
  Histogram* histogram = nullptr;
  {
    std::shared_lock lock(mutex_);
    const auto found = requests_.find(std::pair<std::string, unsigned>(route, status));
    const auto found_histogram = latency_.find(std::string(route));
    if (found != requests_.end() && found_histogram != latency_.end()) {
      counter = found->second.get();
      histogram = found_histogram->second.get();
    }
  }
  if (counter == nullptr) {
    std::unique_lock lock(mutex_);
    auto& slot = requests_[{std::string(route), status}];
    if (!slot) slot = std::make_unique<std::atomic<std::uint64_t>>(0);
    auto& histogram_slot = latency_[std::string(route)];
    if (!histogram_slot) histogram_slot = std::make_unique<Histogram>();
    counter = slot.get();
    histogram = histogram_slot.get();
  }
  counter->fetch_add(1, std::memory_order_relaxed);
  const double seconds = std::chrono::duration<double>(duration).count();
  for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    if (seconds <= kLatencyBuckets[i]) {
      histogram->buckets[i].fetch_add(1, std::memory_order_relaxed);
      break;
    }
  }
  histogram->count.fetch_add(1, std::memory_order_relaxed);
  histogram->sum_ns.fetch_add(static_cast<std::uint64_t>(std::max<std::int64_t>(0, duration.count())),
                              std::memory_order_relaxed);
}

void ServerMetrics::set_pool_statistics(std::function<db::PoolStatistics()> source) {
  std::unique_lock lock(mutex_);
  pool_statistics_ = std::move(source);
}

std::string ServerMetrics::render() const {
  std::string out;
  std::function<db::PoolStatistics()> pool;
  {
    std::shared_lock lock(mutex_);
    pool = pool_statistics_;
    out += "# HELP fumidai_api_requests_total Requests answered, by route and status.\n";
    out += "# TYPE fumidai_api_requests_total counter\n";
    for (const auto& [key, count] : requests_) {
      out += fmt::format("fumidai_api_requests_total{{route=\"{}\",status=\"{}\"}} {}\n", route_label(key.first),
                         key.second, count->load(std::memory_order_relaxed));
    }
    out += "# HELP fumidai_api_request_duration_seconds Time from a request's arrival to its last byte written.\n";
    out += "# TYPE fumidai_api_request_duration_seconds histogram\n";
    for (const auto& [route, histogram] : latency_) {
      const std::string name = route_label(route);
      // Buckets are kept apart and summed here: the count read last is at
      // least the +Inf bucket, so the series stays monotonic under load.
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
        cumulative += histogram->buckets[i].load(std::memory_order_relaxed);
        out += fmt::format("fumidai_api_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n", name,
                           kLatencyBuckets[i], cumulative);
      }
      const std::uint64_t count = std::max(cumulative, histogram->count.load(std::memory_order_relaxed));
      out += fmt::format("fumidai_api_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n", name, count);
      out += fmt::format("fumidai_api_request_duration_seconds_sum{{route=\"{}\"}} {}\n", name,
                         static_cast<double>(histogram->sum_ns.load(std::memory_order_relaxed)) / 1e9);
      out += fmt::format("fumidai_api_request_duration_seconds_count{{route=\"{}\"}} {}\n", name, count);
    }
  }
  const auto scalar = [&](std::string_view name, std::string_view type, std::string_view help, auto value) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n{} {}\n", name, help, name, type, name, value);
  };
  scalar("fumidai_api_open_connections", "gauge", "Client connections open.",
         open_connections_.load(std::memory_order_relaxed));
  scalar("fumidai_api_refused_connections_total", "counter", "Connections closed at once: the connection cap was hit.",
         refused_connections_.load(std::memory_order_relaxed));
  scalar("fumidai_api_rate_limited_total", "counter", "Requests refused by the rate limiter (429).",
         rate_limited_.load(std::memory_order_relaxed));
  scalar("fumidai_api_audit_dropped_total", "counter", "Audit entries dropped because the audit queue was full.",
         audit_drops_.load(std::memory_order_relaxed));
  if (pool) {
    const db::PoolStatistics statistics = pool();
    scalar("fumidai_db_pool_size", "gauge", "Database connections the pool may open.", statistics.size);
    scalar("fumidai_db_pool_open", "gauge", "Database connections open.", statistics.open);
    scalar("fumidai_db_pool_in_use", "gauge", "Database connections leased to requests.", statistics.in_use);
    scalar("fumidai_db_pool_waiting", "gauge", "Requests waiting for a database connection.", statistics.waiting);
    scalar("fumidai_db_pool_timeouts_total", "counter", "Waits for a database connection that timed out.",
           statistics.timeouts);
  }
  return out;
}

}  // namespace fumidai::api
