#include "fumidai/scanner/udp/L2tpPayload.h"

#include "fumidai/scanner/probes/l2tp/L2tpControl.h"

namespace fumidai::scanner {

std::size_t L2tpPayload::max_size() const { return l2tp::kSccrqBytes; }

std::size_t L2tpPayload::build(const UdpCookie& cookie, std::span<std::uint8_t> out) const {
  return l2tp::build_sccrq(out, cookie.first16());
}

bool L2tpPayload::validate(std::span<const std::uint8_t> reply, const UdpCookie& cookie) const {
  return l2tp::answers(reply, cookie.first16());
}

boost::json::object L2tpPayload::describe(std::span<const std::uint8_t> reply) const {
  return l2tp::describe(l2tp::parse_message(reply));
}

}  // namespace fumidai::scanner
