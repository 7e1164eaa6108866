#pragma once
// How many datagrams one UDP endpoint may send to one source address per
// second: a fixed table of counters, each counting one-second windows on the
// injected clock, indexed by a hash of the source address. Addresses that
// share a counter share its budget, so no source ever gets more than the
// limit (a crowd may get less), and the memory is fixed whatever the number
// of sources.
// Contract: used from one thread (its endpoint's worker).
#include <array>
#include <cstdint>

#include "fumidai/core/Clock.h"

namespace fumidai::lab {

class SourceRateLimiter {
 public:
  static constexpr std::size_t kSlots = 256;

  explicit SourceRateLimiter(unsigned per_second) : per_second_(per_second) {}

  // Whether one more datagram to `source` (an IPv4 address, host order) fits
  // its budget at `now`; it is counted if so.
  bool allow(std::uint32_t source, Nanos now);

 private:
  struct Slot {
    Nanos window_start{-1'000'000'000'000};  // long enough ago that the first datagram opens a window
    unsigned sent = 0;
  };

  unsigned per_second_;
  std::array<Slot, kSlots> slots_{};
};

}  // namespace fumidai::lab
