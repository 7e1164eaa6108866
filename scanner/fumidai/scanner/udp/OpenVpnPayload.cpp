#include "fumidai/scanner/udp/OpenVpnPayload.h"

#include "fumidai/scanner/probes/openvpn/OpenVpnPacket.h"

namespace fumidai::scanner {

std::size_t OpenVpnPayload::max_size() const { return openvpn::kResetBytes; }

std::size_t OpenVpnPayload::build(const UdpCookie& cookie, std::span<std::uint8_t> out) const {
  return openvpn::build_reset(out, cookie.bytes);
}

bool OpenVpnPayload::validate(std::span<const std::uint8_t> reply, const UdpCookie& cookie) const {
  return openvpn::answers(reply, cookie.bytes);
}

boost::json::object OpenVpnPayload::describe(std::span<const std::uint8_t> reply) const {
  return openvpn::describe(openvpn::parse_packet(reply));
}

}  // namespace fumidai::scanner
