#pragma once
#include <cstdint>

#include "fumidai/scanner/target/Transport.h"

namespace fumidai::scanner {

// One service to grab: an IPv4 address (host byte order), a port and the
// transport it was found open on.
struct GrabTarget {
  std::uint32_t ip = 0;
  std::uint16_t port = 0;
  Transport transport = Transport::tcp;
  bool operator==(const GrabTarget&) const = default;
};

}  // namespace fumidai::scanner
