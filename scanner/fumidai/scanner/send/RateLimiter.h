#pragma once
// Paces a sender to a packet rate against absolute time: grant k is due at
// start + k/rate, so the average holds however coarse sleeps are. A sender
// that falls behind may catch up by at most `max_debt` packets; older debt is
// forgiven so a stall never becomes a line-rate burst.
// Contract: one instance per sender thread (not thread-safe); the Clock is
// borrowed and must outlive it.
#include <cstdint>

#include "fumidai/core/Clock.h"

namespace fumidai::scanner {

class RateLimiter {
 public:
  // rate_pps == 0 means unlimited.
  RateLimiter(Clock& clock, double rate_pps, std::uint64_t max_debt);
  // Waits until at least one packet may go, then returns how many may go now (1..want).
  std::uint64_t acquire(std::uint64_t want);

 private:
  Clock& clock_;
  double rate_;
  std::uint64_t max_debt_;
  bool started_ = false;
  Nanos start_{0};
  double granted_ = 0;  // packets granted since start_, as a real number of slots
};

}  // namespace fumidai::scanner
