#pragma once
#include <cstdint>
#include <string_view>

namespace fumidai::scanner {

enum class Transport : std::uint8_t { tcp, udp };

constexpr std::string_view to_string(Transport t) { return t == Transport::udp ? "udp" : "tcp"; }

// One service to grab: an IPv4 address (host byte order), a port and the
// transport it was found open on.
struct GrabTarget {
  std::uint32_t ip = 0;
  std::uint16_t port = 0;
  Transport transport = Transport::tcp;
  bool operator==(const GrabTarget&) const = default;
};

}  // namespace fumidai::scanner
