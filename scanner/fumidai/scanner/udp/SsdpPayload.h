#pragma once
// UDP payload "upnp": a unicast SSDP M-SEARCH for upnp:rootdevice, which a
// UPnP device (and a router that exposes it to the WAN) answers with an
// HTTP/1.1 200 head naming itself. SSDP has no ID field to carry a cookie, so
// a reply is checked by the probe's source port (as for every UDP probe) and
// by being an HTTP status line.
#include "fumidai/scanner/udp/UdpPayload.h"

namespace fumidai::scanner {

class SsdpPayload final : public UdpPayload {
 public:
  std::string_view name() const override { return "upnp"; }
  std::string_view protocol() const override { return "upnp"; }
  std::size_t max_size() const override;
  std::size_t build(const UdpCookie& cookie, std::span<std::uint8_t> out) const override;
  bool validate(std::span<const std::uint8_t> reply, const UdpCookie& cookie) const override;
  // describe_ssdp(): the stage-2 upnp module's "ssdp" fields.
  boost::json::object describe(std::span<const std::uint8_t> reply) const override;
};

}  // namespace fumidai::scanner
