#pragma once
// api::RateLimiter: one token bucket per key (fumidai::TokenBucket), sized by
// the principal's rate_limit, on the injected clock. A refused request is
// told when the next token is due (the 429's Retry-After).
// The map of buckets is bounded: when it is full, buckets that have refilled
// completely go first (dropping one loses nothing: a new bucket is full too),
// then the least recently used (that key gets a fresh burst: lenient, never
// stricter than its limit).
// Contract: thread-safe: the map under one lock, each bucket under its own,
// so keys do not wait on each other's arithmetic; the clock must outlive it.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "fumidai/api/AccessControl.h"
#include "fumidai/core/Clock.h"
#include "fumidai/core/TokenBucket.h"

namespace fumidai::api {

class KeyRateLimiter final : public RateLimiter {
 public:
  explicit KeyRateLimiter(Clock& clock, std::size_t max_keys = 10000);

  std::optional<std::chrono::nanoseconds> admit(const Principal& who) override;

  std::size_t tracked() const;

 private:
  struct Bucket {
    Bucket(RateLimit rate, Nanos now) : limit(rate), bucket(rate.per_second, rate.burst), last_used(now) {}
    std::mutex mutex;
    RateLimit limit;
    TokenBucket bucket;
    Nanos last_used;
  };

  std::shared_ptr<Bucket> bucket_for(const Principal& who, Nanos now);
  void evict(Nanos now);

  Clock& clock_;
  const std::size_t max_keys_;
  mutable std::mutex mutex_;
  std::unordered_map<std::int64_t, std::shared_ptr<Bucket>> buckets_;
};

}  // namespace fumidai::api
