#pragma once
// UDP payload "l2tp" (1701): an L2TP SCCRQ whose Assigned Tunnel ID is the
// cookie's first two bytes; an LNS addresses its SCCRP (or StopCCN) to that
// tunnel. Stage 1 sends no StopCCN: the peer's half-open tunnel times out
// on its own, as after any lost SCCRQ (stage 2's l2tp module closes it).
#include "fumidai/scanner/udp/UdpPayload.h"

namespace fumidai::scanner {

class L2tpPayload final : public UdpPayload {
 public:
  std::string_view name() const override { return "l2tp"; }
  std::string_view protocol() const override { return "l2tp"; }
  std::size_t max_size() const override;
  std::size_t build(const UdpCookie& cookie, std::span<std::uint8_t> out) const override;
  bool validate(std::span<const std::uint8_t> reply, const UdpCookie& cookie) const override;
  // The stage-2 l2tp module's fields (l2tp::describe).
  boost::json::object describe(std::span<const std::uint8_t> reply) const override;
};

}  // namespace fumidai::scanner
