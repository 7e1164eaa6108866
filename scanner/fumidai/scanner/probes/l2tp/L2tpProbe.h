#pragma once
// Probe module "l2tp" (UDP 1701): sends an SCCRQ from a random tunnel ID
// (the cookie the reply must be addressed to), records the SCCRP's host
// name, vendor, firmware revision and capabilities (or the StopCCN of a
// peer that refuses), then sends a StopCCN so the peer drops the tunnel.
// Never answers a challenge, never opens a session.
#include "fumidai/scanner/grab/ProbeModule.h"

namespace fumidai::scanner {

class L2tpProbe final : public ProbeModule {
 public:
  std::string_view name() const override { return "l2tp"; }
  std::string_view protocol() const override { return "l2tp"; }
  Transport transport() const override { return Transport::udp; }
  boost::asio::awaitable<ProbeOutcome> run(ProbeSession& session) const override;
};

}  // namespace fumidai::scanner
