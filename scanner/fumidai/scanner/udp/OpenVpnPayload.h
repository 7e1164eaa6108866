#pragma once
// UDP payload "openvpn-udp" (1194): a P_CONTROL_HARD_RESET_CLIENT_V2 whose
// session ID is the cookie; the server's reset acknowledges that session.
// A server with tls-auth or tls-crypt drops it unanswered, so silence here
// is unknown, not closed.
#include "fumidai/scanner/udp/UdpPayload.h"

namespace fumidai::scanner {

class OpenVpnPayload final : public UdpPayload {
 public:
  std::string_view name() const override { return "openvpn-udp"; }
  std::string_view protocol() const override { return "openvpn"; }
  std::size_t max_size() const override;
  std::size_t build(const UdpCookie& cookie, std::span<std::uint8_t> out) const override;
  bool validate(std::span<const std::uint8_t> reply, const UdpCookie& cookie) const override;
  // The stage-2 openvpn module's fields (openvpn::describe).
  boost::json::object describe(std::span<const std::uint8_t> reply) const override;
};

}  // namespace fumidai::scanner
