#pragma once
// Probe module "ike" (UDP 500 and 4500): an IKEv2 IKE_SA_INIT, then, as a
// separate exchange with a new cookie, an IKEv1 Main Mode first message.
// Records both answers (data.ikev2, data.ikev1), the vendor IDs of both
// named by the built-in list (data.vendor_ids) and the IKE versions that
// answered with a well-formed message (data.versions); success when either
// did. IKEv2 follows INVALID_KE_PAYLOAD (the group the server wants) and
// COOKIE once each. On port 4500 every datagram carries the non-ESP marker.
// Never authenticates; see IkeProbe.cpp for what it leaves on the server.
#include "fumidai/scanner/grab/ProbeModule.h"

namespace fumidai::scanner {

class IkeProbe final : public ProbeModule {
 public:
  std::string_view name() const override { return "ike"; }
  std::string_view protocol() const override { return "ike"; }
  Transport transport() const override { return Transport::udp; }
  boost::asio::awaitable<ProbeOutcome> run(ProbeSession& session) const override;
};

}  // namespace fumidai::scanner
