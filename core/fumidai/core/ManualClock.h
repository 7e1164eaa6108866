#pragma once
#include <atomic>

#include "fumidai/core/Clock.h"

namespace fumidai {

// A clock that moves only when told to. sleep_until() jumps straight to the
// deadline, so paced loops run instantly and exactly in tests.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Nanos start = Nanos{0}) : now_(start.count()) {}
  Nanos now() const override;
  void sleep_until(Nanos deadline) override;
  std::int64_t wall_now_ns() const override;
  void advance(Nanos by);

 private:
  std::atomic<std::int64_t> now_;
};

}  // namespace fumidai
