#include "fumidai/api/auth/KeyRateLimiter.h"

namespace fumidai::api {

KeyRateLimiter::KeyRateLimiter(Clock& clock, std::size_t max_keys) : clock_(clock), buckets_(max_keys) {}

std::optional<std::chrono::nanoseconds> KeyRateLimiter::admit(const Principal& who) {
  return buckets_.admit(who.key_id, who.rate_limit, clock_.now());
}

std::size_t KeyRateLimiter::tracked() const { return buckets_.tracked(); }

}  // namespace fumidai::api
