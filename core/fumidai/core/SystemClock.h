#pragma once
#include "fumidai/core/Clock.h"

namespace fumidai {

// The real clock: steady_clock for intervals, system_clock for timestamps.
class SystemClock final : public Clock {
 public:
  Nanos now() const override;
  void sleep_until(Nanos deadline) override;
  std::int64_t wall_now_ns() const override;
};

}  // namespace fumidai
