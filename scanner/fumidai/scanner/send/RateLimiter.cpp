#include "fumidai/scanner/send/RateLimiter.h"

#include <algorithm>
#include <cmath>

namespace fumidai::scanner {

RateLimiter::RateLimiter(Clock& clock, double rate_pps, std::uint64_t max_debt)
    : clock_(clock), rate_(rate_pps), max_debt_(std::max<std::uint64_t>(max_debt, 1)) {}

std::uint64_t RateLimiter::acquire(std::uint64_t want) {
  if (rate_ <= 0 || want == 0) return want;
  if (!started_) {
    started_ = true;
    start_ = clock_.now();
  }
  const double ns_per_packet = 1e9 / rate_;
  while (true) {
    const double elapsed = static_cast<double>((clock_.now() - start_).count());
    const double due = std::floor(elapsed / ns_per_packet) + 1;  // slot 0 is due at start
    double allowed = due - granted_;
    if (allowed >= 1) {
      if (allowed > static_cast<double>(max_debt_)) {
        granted_ = due - static_cast<double>(max_debt_);
        allowed = static_cast<double>(max_debt_);
      }
      const auto grant = std::min<std::uint64_t>(want, static_cast<std::uint64_t>(allowed));
      granted_ += static_cast<double>(grant);
      return grant;
    }
    clock_.sleep_until(start_ + Nanos{static_cast<std::int64_t>(std::ceil(granted_ * ns_per_packet))});
  }
}

}  // namespace fumidai::scanner
