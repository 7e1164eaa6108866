#include "fumidai/api/auth/KeyRateLimiter.h"

#include <algorithm>

namespace fumidai::api {

KeyRateLimiter::KeyRateLimiter(Clock& clock, std::size_t max_keys)
    : clock_(clock), max_keys_(std::max<std::size_t>(1, max_keys)) {}

std::optional<std::chrono::nanoseconds> KeyRateLimiter::admit(const Principal& who) {
  const Nanos now = clock_.now();
  auto bucket = bucket_for(who, now);
  std::lock_guard lock(bucket->mutex);
  bucket->last_used = std::max(bucket->last_used, now);
  if (bucket->bucket.try_take(now)) return std::nullopt;
  return bucket->bucket.next_token(now) - now;
}

std::shared_ptr<KeyRateLimiter::Bucket> KeyRateLimiter::bucket_for(const Principal& who, Nanos now) {
  std::lock_guard lock(mutex_);
  auto it = buckets_.find(who.key_id);
  if (it != buckets_.end()) {
    const RateLimit& held = it->second->limit;
    // A key's limit is fixed when it is made; should it differ (a key
    // re-read after an edit by hand), the new one starts a new bucket.
    if (held.per_second == who.rate_limit.per_second && held.burst == who.rate_limit.burst) return it->second;
    buckets_.erase(it);
  }
  if (buckets_.size() >= max_keys_) evict(now);
  auto bucket = std::make_shared<Bucket>(who.rate_limit, now);
  buckets_.emplace(who.key_id, bucket);
  return bucket;
}

void KeyRateLimiter::evict(Nanos now) {
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

std::size_t KeyRateLimiter::tracked() const {
  std::lock_guard lock(mutex_);
  return buckets_.size();
}

}  // namespace fumidai::api
