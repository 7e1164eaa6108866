#pragma once
// UDP payload "empty": a zero-length datagram, for ports without a protocol
// payload (as Nmap sends). A closed port still answers with ICMP port
// unreachable; an open one answers only if its protocol replies to nothing.
// There is no ID to check, so any reply from the probed address and port to
// the probe's source port counts, and is described by its first bytes.
#include "fumidai/scanner/udp/UdpPayload.h"

namespace fumidai::scanner {

class EmptyPayload final : public UdpPayload {
 public:
  static constexpr std::size_t kFirstBytesKept = 128;

  std::string_view name() const override { return "empty"; }
  std::string_view protocol() const override { return "unknown"; }
  std::size_t max_size() const override { return 0; }
  std::size_t build(const UdpCookie&, std::span<std::uint8_t>) const override { return 0; }
  bool validate(std::span<const std::uint8_t>, const UdpCookie&) const override { return true; }
  // {"length":N,"first_bytes":"..."}: the first kFirstBytesKept bytes as text.
  boost::json::object describe(std::span<const std::uint8_t> reply) const override;
};

}  // namespace fumidai::scanner
