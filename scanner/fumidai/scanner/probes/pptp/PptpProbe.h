#pragma once
// Probe module "pptp" (TCP 1723): sends a Start-Control-Connection-Request,
// records the server's Reply (protocol version, result, firmware revision,
// host name, vendor), then sends a Stop-Control-Connection-Request and
// closes, so the server tears the control connection down. Never opens a
// call.
#include "fumidai/scanner/grab/ProbeModule.h"

namespace fumidai::scanner {

class PptpProbe final : public ProbeModule {
 public:
  std::string_view name() const override { return "pptp"; }
  std::string_view protocol() const override { return "pptp"; }
  boost::asio::awaitable<ProbeOutcome> run(ProbeSession& session) const override;
};

}  // namespace fumidai::scanner
