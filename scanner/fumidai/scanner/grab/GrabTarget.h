#pragma once
#include <cstdint>

namespace fumidai::scanner {

// One service to grab: an IPv4 address (host byte order) and a TCP port.
struct GrabTarget {
  std::uint32_t ip = 0;
  std::uint16_t port = 0;
  bool operator==(const GrabTarget&) const = default;
};

}  // namespace fumidai::scanner
