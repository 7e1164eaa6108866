#pragma once
// Time is injected: anything that paces, times out or timestamps takes a Clock&
// so tests drive it deterministically with ManualClock.
// Contract: implementations are thread-safe; now() is monotonic.
#include <chrono>
#include <cstdint>

namespace fumidai {

using Nanos = std::chrono::nanoseconds;

class Clock {
 public:
  virtual ~Clock() = default;
  // Monotonic time since an arbitrary epoch.
  virtual Nanos now() const = 0;
  // Blocks until now() >= deadline (returns at once if already past).
  virtual void sleep_until(Nanos deadline) = 0;
  // Wall-clock time in nanoseconds since the Unix epoch, for timestamps in output.
  virtual std::int64_t wall_now_ns() const = 0;
  // The same as a system_clock time point, for timestamps that meet the database's.
  std::chrono::system_clock::time_point wall_time() const {
    return std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(Nanos(wall_now_ns())));
  }
};

}  // namespace fumidai
