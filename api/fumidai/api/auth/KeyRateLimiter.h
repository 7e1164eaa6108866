#pragma once
// api::RateLimiter: one token bucket per key, sized by the principal's
// rate_limit, on the injected clock (a bounded BucketTable).
// Contract: thread-safe; the clock must outlive it.
#include <cstddef>
#include <cstdint>

#include "fumidai/api/AccessControl.h"
#include "fumidai/api/auth/BucketTable.h"
#include "fumidai/core/Clock.h"

namespace fumidai::api {

class KeyRateLimiter final : public RateLimiter {
 public:
  explicit KeyRateLimiter(Clock& clock, std::size_t max_keys = 10000);

  std::optional<std::chrono::nanoseconds> admit(const Principal& who) override;

  std::size_t tracked() const;

 private:
  Clock& clock_;
  BucketTable<std::int64_t> buckets_;
};

}  // namespace fumidai::api
