#pragma once
// The frames the scanner sends and parses: Ethernet II carrying IPv4 with no
// options, the probe's TTL, and the IP protocol numbers it speaks.
#include <cstddef>
#include <cstdint>

namespace fumidai::scanner {

constexpr std::size_t kIpHeader = 14;             // where the IPv4 header starts, after Ethernet II
constexpr std::size_t kProbeTransport = 14 + 20;  // where TCP or UDP starts in a probe
constexpr std::uint8_t kProbeTtl = 255;
constexpr std::uint8_t kIpProtocolIcmp = 1, kIpProtocolTcp = 6, kIpProtocolUdp = 17;

}  // namespace fumidai::scanner
