#pragma once
// Builds Ethernet/IPv4/UDP frames around a payload the caller has already
// written at frame[kHeaderSize...] (a UdpPayload, into the sender's reused
// batch buffer). Only the fields that vary per probe are written; the IPv4
// checksum is finished from a sum precomputed over the constant fields, the
// UDP checksum from that and the payload's sum.
// Contract: immutable after construction; build() is thread-safe and writes
// the kHeaderSize bytes in front of the payload in caller-owned memory.
#include <array>
#include <cstdint>
#include <span>

#include "fumidai/scanner/packet/MacAddress.h"

namespace fumidai::scanner {

struct UdpProbe {
  std::uint32_t destination;
  std::uint16_t destination_port;
  std::uint16_t source_port;
  std::uint16_t ip_id;
};

class UdpProbeBuilder {
 public:
  static constexpr std::size_t kHeaderSize = 14 + 20 + 8;  // Ethernet + IPv4 + UDP
  // Payloads stay below a 1500-byte MTU with room for the lab's and common
  // tunnels' overhead, so a probe is never fragmented.
  static constexpr std::size_t kMaxPayload = 1400;
  static constexpr std::size_t kMaxFrameSize = kHeaderSize + kMaxPayload;

  UdpProbeBuilder(const MacAddress& source_mac, const MacAddress& gateway_mac, std::uint32_t source_ip);
  // `frame` holds at least kHeaderSize + payload_size bytes, the payload
  // already in place; payload_size <= kMaxPayload. Returns the frame's size.
  std::size_t build(const UdpProbe& probe, std::size_t payload_size, std::span<std::uint8_t> frame) const;

 private:
  std::array<std::uint8_t, kHeaderSize> template_{};
  std::uint32_t ip_sum_ = 0;   // IPv4 header sum over the constant fields
  std::uint32_t udp_sum_ = 0;  // pseudo-header sum over the constant fields
};

}  // namespace fumidai::scanner
