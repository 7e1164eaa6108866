#include "fumidai/core/ManualClock.h"

namespace fumidai {

Nanos ManualClock::now() const { return Nanos{now_.load()}; }

void ManualClock::sleep_until(Nanos deadline) {
  std::int64_t cur = now_.load();
  while (cur < deadline.count() && !now_.compare_exchange_weak(cur, deadline.count())) {
  }
}

std::int64_t ManualClock::wall_now_ns() const { return now_.load(); }

void ManualClock::advance(Nanos by) { now_.fetch_add(by.count()); }

}  // namespace fumidai
