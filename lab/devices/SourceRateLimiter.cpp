#include "SourceRateLimiter.h"

#include <chrono>

namespace fumidai::lab {

bool SourceRateLimiter::allow(std::uint32_t source, Nanos now) {
  // Fibonacci hashing: the top bits of the product mix every bit of the address.
  const std::size_t index = static_cast<std::size_t>((source * 2654435769u) >> 24) % kSlots;
  Slot& slot = slots_[index];
  if (now - slot.window_start >= std::chrono::seconds(1)) {
    slot.window_start = now;
    slot.sent = 0;
  }
  if (slot.sent >= per_second_) return false;
  ++slot.sent;
  return true;
}

}  // namespace fumidai::lab
