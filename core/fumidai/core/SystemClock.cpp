#include "fumidai/core/SystemClock.h"

#include <thread>

namespace fumidai {

Nanos SystemClock::now() const {
  return std::chrono::duration_cast<Nanos>(std::chrono::steady_clock::now().time_since_epoch());
}

void SystemClock::sleep_until(Nanos deadline) {
  std::this_thread::sleep_until(std::chrono::steady_clock::time_point(deadline));
}

std::int64_t SystemClock::wall_now_ns() const {
  return std::chrono::duration_cast<Nanos>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace fumidai
