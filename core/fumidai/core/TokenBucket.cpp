#include "fumidai/core/TokenBucket.h"

#include <algorithm>
#include <cmath>

namespace fumidai {

TokenBucket::TokenBucket(double rate, double burst) : unlimited_(rate <= 0) {
  if (unlimited_) return;
  interval_ = Nanos(std::max<std::int64_t>(1, std::llround(1e9 / rate)));
  const auto saved = static_cast<std::int64_t>(std::max(std::floor(burst), 1.0)) - 1;
  tolerance_ = interval_ * saved;
}

bool TokenBucket::try_take(Nanos now) {
  if (unlimited_) return true;
  if (!started_) {
    started_ = true;
    due_ = now;
  }
  if (due_ - now > tolerance_) return false;
  // Never earlier than now: an idle bucket holds `burst` tokens, not one more.
  due_ = std::max(due_, now) + interval_;
  return true;
}

Nanos TokenBucket::next_token(Nanos now) const {
  if (unlimited_ || !started_) return now;
  return std::max(now, due_ - tolerance_);
}

}  // namespace fumidai
