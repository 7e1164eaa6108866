#pragma once
// One token bucket (fumidai::TokenBucket) per key, on the caller's clock: per
// API key (KeyRateLimiter) and per client address (the open routes). A
// refused request is told when the next token is due (the 429's Retry-After).
// The table is bounded: when it is full, buckets that have refilled completely
// go first (dropping one loses nothing: a new bucket is full too), then the
// least recently used (that key gets a fresh burst: lenient, never stricter
// than its limit).
// Contract: thread-safe: the map under one lock, each bucket under its own,
// so keys do not wait on each other's arithmetic.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "fumidai/api/Principal.h"
#include "fumidai/core/Clock.h"
#include "fumidai/core/TokenBucket.h"

namespace fumidai::api {

template <class Key>
class BucketTable {
 public:
  explicit BucketTable(std::size_t max_keys) : max_keys_(std::max<std::size_t>(1, max_keys)) {}

  // One request from `key`'s bucket: nullopt admits it, else the wait until
  // its next token. A key whose limit differs from its bucket's (a key re-read
  // after an edit by hand) starts a new bucket.
  std::optional<std::chrono::nanoseconds> admit(const Key& key, RateLimit limit, Nanos now) {
    auto bucket = bucket_for(key, limit, now);
    std::lock_guard lock(bucket->mutex);
    bucket->last_used = std::max(bucket->last_used, now);
    if (bucket->bucket.try_take(now)) return std::nullopt;
    return bucket->bucket.next_token(now) - now;
  }

  std::size_t tracked() const {
    std::lock_guard lock(mutex_);
    return buckets_.size();
  }

 private:
  struct Bucket {
    Bucket(RateLimit rate, Nanos now) : limit(rate), bucket(rate.per_second, rate.burst), last_used(now) {}
    std::mutex mutex;
    RateLimit limit;
    TokenBucket bucket;
    Nanos last_used;
  };

  std::shared_ptr<Bucket> bucket_for(const Key& key, RateLimit limit, Nanos now) {
    std::lock_guard lock(mutex_);
    auto it = buckets_.find(key);
    if (it != buckets_.end()) {
      const RateLimit& held = it->second->limit;
      if (held.per_second == limit.per_second && held.burst == limit.burst) return it->second;
      buckets_.erase(it);
    }
    if (buckets_.size() >= max_keys_) evict(now);
    auto bucket = std::make_shared<Bucket>(limit, now);
    buckets_.emplace(key, bucket);
    return bucket;
  }

  void evict(Nanos now) {
    // Full buckets: nothing owed, dropping them changes no answer.
    std::erase_if(buckets_, [&](const auto& item) {
      std::lock_guard lock(item.second->mutex);
      const RateLimit& limit = item.second->limit;
      // A rate of 0 or less is unlimited (TokenBucket): always full.
      const double seconds = limit.per_second > 0 ? std::min(limit.burst / limit.per_second, 1e9) : 0;
      return now - item.second->last_used >= Nanos(static_cast<std::int64_t>(seconds * 1e9));
    });
    if (buckets_.size() < max_keys_) return;
    auto oldest = buckets_.end();
    Nanos oldest_use = Nanos::max();
    for (auto it = buckets_.begin(); it != buckets_.end(); ++it) {
      std::lock_guard lock(it->second->mutex);
      if (it->second->last_used < oldest_use) {
        oldest_use = it->second->last_used;
        oldest = it;
      }
    }
    buckets_.erase(oldest);
  }

  const std::size_t max_keys_;
  mutable std::mutex mutex_;
  std::unordered_map<Key, std::shared_ptr<Bucket>> buckets_;
};

}  // namespace fumidai::api
