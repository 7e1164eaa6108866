#pragma once
// Builds Ethernet/IPv4/TCP SYN frames from a template. Only the fields that
// vary per probe are written, and both checksums are finished from sums
// precomputed over the constant fields.
// Contract: immutable after construction; build() is thread-safe and writes
// exactly frame_size() bytes into caller-owned memory.
#include <array>
#include <cstdint>
#include <span>

#include "fumidai/scanner/packet/MacAddress.h"

namespace fumidai::scanner {

struct SynProbe {
  std::uint32_t destination;
  std::uint16_t destination_port;
  std::uint16_t source_port;
  std::uint32_t sequence;
  std::uint16_t ip_id;
};

class SynProbeBuilder {
 public:
  static constexpr std::size_t kFrameSize = 14 + 20 + 24;  // Ethernet + IPv4 + TCP with an MSS option

  SynProbeBuilder(const MacAddress& source_mac, const MacAddress& gateway_mac, std::uint32_t source_ip);
  static constexpr std::size_t frame_size() { return kFrameSize; }
  void build(const SynProbe& probe, std::span<std::uint8_t, kFrameSize> frame) const;

 private:
  std::array<std::uint8_t, kFrameSize> template_{};
  std::uint32_t ip_sum_ = 0;   // IPv4 header sum over the constant fields
  std::uint32_t tcp_sum_ = 0;  // pseudo-header + TCP sum over the constant fields
};

}  // namespace fumidai::scanner
